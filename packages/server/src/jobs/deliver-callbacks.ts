import { setMaxListeners } from 'node:events';
import type { DeliveryOutcome, OutboxRepository, OutboxRow } from '../repositories/outbox.repository.ts';
import { nextRetryAt } from '../domain/callback-schedule.ts';
import { RESPONSE_LOG_BYTES, type CallbackAttemptResult, type CallbackSender } from '../outbound/callback-sender.ts';
import type { JobRunner } from './worker.ts';

/** How long a looked-up callback auth key is reused (a rotated key takes effect within this time). */
const KEY_CACHE_MS = 5_000;
/** Most attempts written in one transaction. */
const WRITE_BATCH = 500;
/** How long finished attempts may wait to be written together. */
const WRITE_GATHER_MS = 5;

export interface CallbackLogger {
  info(object: unknown, message: string): void;
  warn(object: unknown, message: string): void;
  error(object: unknown, message: string): void;
}

export interface DeliverCallbacksOptions {
  /** Deliveries in flight at once in this process. */
  concurrency: number;
  /** Claim lease; longer than the per-attempt timeout, so a live worker never loses a row mid-send. */
  claimMs: number;
  /** Retry delays in seconds (contract 8.4). */
  scheduleSeconds: readonly number[];
  /** Asks the worker loop for another pass (a slot freed up and more rows may be due). */
  requestPass: () => void;
  /** On shutdown, how long in-flight attempts may finish before they are cut off. */
  stopGraceMs?: number;
}

/**
 * Sends due callbacks from the outbox (contract 8). Each pass claims as many rows as there are free
 * slots and starts them without waiting, so one slow receiver never holds up the others or the
 * worker's other jobs. Finished attempts are written in batches: whatever finished while the
 * previous write ran goes into the next transaction.
 */
export class DeliverCallbacksRunner implements JobRunner {
  readonly name = 'deliver-callbacks';
  private readonly inFlight = new Set<Promise<void>>();
  private finished: DeliveryOutcome[] = [];
  private writing: Promise<void> | undefined;
  private lastClaimWasFull = false;
  private nextExpiredSweep = 0;
  /** Callback auth keys by account, briefly cached: one lookup per claim pass would double the queries. */
  private readonly keys = new Map<string, { live: string; test: string; until: number }>();
  private stopping = false;
  private readonly shutdown = new AbortController();

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly sender: CallbackSender,
    private readonly options: DeliverCallbacksOptions,
    private readonly log: CallbackLogger,
  ) {
    // Every in-flight attempt listens for shutdown.
    setMaxListeners(options.concurrency + 10, this.shutdown.signal);
  }

  async runOnce(): Promise<number> {
    if (this.stopping) return 0;
    const free = this.options.concurrency - this.inFlight.size;
    // Refill in batches (at half capacity), not one claim statement per finished delivery.
    if (this.inFlight.size > 0 && free < Math.ceil(this.options.concurrency / 2)) return 0;
    const now = Date.now();
    // Claims of crashed workers are looked for a few times per lease, not on every pass.
    const includeExpired = now >= this.nextExpiredSweep;
    if (includeExpired) this.nextExpiredSweep = now + Math.min(1_000, this.options.claimMs / 4);
    const rows = await this.outbox.claimDue(free, now, this.options.claimMs, { includeExpired });
    this.lastClaimWasFull = rows.length === free;
    if (rows.length === 0) return 0;
    await this.loadKeys(rows, now);
    for (const row of rows) {
      const account = this.keys.get(row.account_id);
      this.start(row, account ? (row.environment === 'test' ? account.test : account.live) : undefined);
    }
    return rows.length;
  }

  private async loadKeys(rows: OutboxRow[], now: number): Promise<void> {
    const missing = [...new Set(rows.map((row) => row.account_id))].filter((id) => (this.keys.get(id)?.until ?? 0) <= now);
    if (missing.length === 0) return;
    const found = await this.outbox.callbackKeys(missing);
    for (const id of missing) {
      const keys = found.get(id);
      if (keys) this.keys.set(id, { ...keys, until: now + KEY_CACHE_MS });
      else this.keys.delete(id);
    }
  }

  /** Lets in-flight attempts finish (cutting off stragglers after the grace period) and writes their results. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.inFlight.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.stopGraceMs ?? 5_000)));
      await Promise.race([Promise.allSettled([...this.inFlight]), grace]);
      clearTimeout(timer);
      this.shutdown.abort();
      await Promise.allSettled([...this.inFlight]);
    }
    while (this.writing) await this.writing;
    await this.sender.close();
  }

  private start(row: OutboxRow, authKey: string | undefined): void {
    const attemptedAt = Date.now();
    const attempt: Promise<CallbackAttemptResult> = authKey
      ? this.sender.send(
          { deliveryId: row.id, subjectType: row.subject_type, subjectId: row.subject_id, event: row.event, target: row.target, body: row.payload, authKey },
          this.shutdown.signal,
        )
      : Promise.resolve({ result: 'failed', error: `account ${row.account_id} no longer exists`, durationMs: 0 });
    const tracked: Promise<void> = attempt
      .catch((error: unknown): CallbackAttemptResult => ({ result: 'failed', error: String((error as Error)?.message ?? error), durationMs: Date.now() - attemptedAt }))
      .then((result) => {
        this.finished.push(this.outcome(row, result, attemptedAt));
        this.write();
      })
      .finally(() => {
        this.inFlight.delete(tracked);
        if (!this.stopping && this.lastClaimWasFull && this.inFlight.size <= this.options.concurrency / 2) this.options.requestPass();
      });
    this.inFlight.add(tracked);
  }

  private outcome(row: OutboxRow, attempt: CallbackAttemptResult, attemptedAt: number): DeliveryOutcome {
    const base = { row, attemptedAt, durationMs: attempt.durationMs, statusCode: attempt.statusCode, error: attempt.error, responseBody: attempt.responseBody };
    const context = { delivery: row.id, subject: `${row.subject_type} ${row.subject_id}`, target: row.target };
    if (attempt.result === 'succeeded') return { ...base, result: 'succeeded' };
    if (attempt.result === 'skipped') {
      this.log.warn(context, 'email callback skipped: no mail transport configured (set TAGWRIGHT_SMTP_URL); callback_succeeded is set to false');
      return { ...base, result: 'skipped' };
    }
    if (this.shutdown.signal.aborted) {
      return { ...base, result: 'interrupted', error: `interrupted by shutdown; will be sent again (${attempt.error ?? 'no answer'})` };
    }
    if (attempt.permanent) {
      this.log.warn({ ...context, error: attempt.error }, 'callback refused by the outbound address guard; not retried');
      return { ...base, result: 'failed', retryAt: null };
    }
    const retryAt = nextRetryAt(row.attempts + 1, this.options.scheduleSeconds, Date.now());
    if (retryAt === null) this.log.warn({ ...context, attempts: row.attempts + 1 }, 'callback failed on its last retry; giving up');
    return { ...base, result: 'failed', retryAt };
  }

  /**
   * Writes finished attempts; one write at a time, each taking everything that finished meanwhile.
   * A short pause before a write gathers the answers arriving together into one transaction (with
   * SQLite a write never yields to I/O, so without it every transaction would hold one attempt).
   */
  private write(): void {
    if (this.writing) return;
    this.writing = new Promise<void>((resolve) => setTimeout(resolve, this.finished.length >= WRITE_BATCH ? 0 : WRITE_GATHER_MS))
      .then(() => this.writeAll())
      .finally(() => {
        this.writing = undefined;
        if (this.finished.length > 0) this.write();
      });
  }

  private async writeAll(): Promise<void> {
    while (this.finished.length > 0) {
      const batch = this.finished.splice(0, WRITE_BATCH);
      try {
        await this.outbox.recordOutcomes(batch, Date.now(), RESPONSE_LOG_BYTES);
      } catch (error) {
        // The rows stay claimed; once their claims expire they are sent again, so nothing is lost.
        this.log.error({ err: error, deliveries: batch.length }, 'could not record callback attempts');
      }
    }
  }
}
