import type { Services } from '../services/container.ts';
import { OutboxRepository } from '../repositories/outbox.repository.ts';
import { CallbackSender } from '../outbound/callback-sender.ts';
import { VERSION } from '../version.ts';
import { DeliverCallbacksRunner, type CallbackLogger } from './deliver-callbacks.ts';

/** The callback delivery runner, wired from the configuration (docs/callbacks.md). */
export function createCallbackRunner(services: Services, log: CallbackLogger): DeliverCallbacksRunner {
  const { config, db } = services;
  const sender = new CallbackSender({
    timeoutMs: config.callbackTimeoutMs,
    allowPrivate: config.allowPrivateOutbound,
    userAgent: `Tagwright-Callbacks/${VERSION}`,
    smtpUrl: config.smtpUrl,
    smtpFrom: config.smtpFrom,
  });
  return new DeliverCallbacksRunner(
    new OutboxRepository(db.kysely, db.dialect),
    sender,
    {
      concurrency: config.callbackConcurrency,
      claimMs: config.callbackClaimMs,
      scheduleSeconds: config.callbackSchedule,
      // Read at call time: the server assigns onWorkQueued after the runners are built.
      requestPass: () => services.onWorkQueued(),
    },
    log,
  );
}
