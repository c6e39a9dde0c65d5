import crypto from 'node:crypto';
import { isEmailTarget } from '../domain/callback-target.ts';
import { OutboundClient, type PostResult } from './outbound-client.ts';
import { SmtpMailer } from './mailer.ts';

/** Largest part of a receiver's answer kept in the delivery log. */
export const RESPONSE_LOG_BYTES = 2048;

export const SKIPPED_NO_MAIL = 'skipped: no mail transport configured';

/** One callback to send: the stored body, exactly as it will be signed and posted. */
export interface CallbackMessage {
  deliveryId: string;
  subjectType: 'task' | 'batch';
  subjectId: string;
  event: string;
  target: string;
  body: string;
  /** The account's callback auth key for the row's environment. */
  authKey: string;
}

/** How one attempt went. Any 2xx (or an accepted SMTP submission) is `succeeded`. */
export interface CallbackAttemptResult {
  result: 'succeeded' | 'failed' | 'skipped';
  statusCode?: number;
  error?: string;
  responseBody?: string;
  durationMs: number;
  /** A failure that no retry can change (the address guard refused the target): given up at once. */
  permanent?: boolean;
}

export interface CallbackSenderOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  userAgent: string;
  smtpUrl?: string;
  smtpFrom: string;
}

/** `sha256=<hex HMAC-SHA256 of the exact body>`, keyed with the callback auth key. */
export function signCallbackBody(body: string, key: string): string {
  return `sha256=${crypto.createHmac('sha256', key).update(body, 'utf8').digest('hex')}`;
}

/**
 * Sends one callback attempt: a POST with the contract's headers (8.2) plus our signature, or an
 * email when the target is an address. Never throws; every outcome is a result to log.
 */
export class CallbackSender {
  private readonly http: OutboundClient;
  private readonly smtp: SmtpMailer | undefined;

  constructor(private readonly options: CallbackSenderOptions) {
    this.http = new OutboundClient({
      timeoutMs: options.timeoutMs,
      maxResponseBytes: RESPONSE_LOG_BYTES,
      allowPrivate: options.allowPrivate,
      userAgent: options.userAgent,
    });
    this.smtp = options.smtpUrl ? new SmtpMailer(options.smtpUrl, options.timeoutMs) : undefined;
  }

  get mailConfigured(): boolean {
    return this.smtp !== undefined;
  }

  /** `abort` ends the attempt early (shutdown); the per-attempt timeout applies regardless. */
  async send(message: CallbackMessage, abort?: AbortSignal): Promise<CallbackAttemptResult> {
    return isEmailTarget(message.target) ? this.sendMail(message) : this.post(message, abort);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private async post(message: CallbackMessage, abort?: AbortSignal): Promise<CallbackAttemptResult> {
    // One controller bounds the whole exchange (undici's own timeouts are per phase) and also ends it
    // on shutdown; cheaper per request than AbortSignal.timeout combined with AbortSignal.any.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    const onShutdown = () => controller.abort();
    abort?.addEventListener('abort', onShutdown, { once: true });
    let answer: PostResult;
    try {
      answer = await this.http.postJson(
        message.target,
        message.body,
        {
          'scale-callback-auth': message.authKey,
          'x-tagwright-signature': signCallbackBody(message.body, message.authKey),
          'x-tagwright-delivery': message.deliveryId,
          'x-tagwright-event': message.event,
        },
        controller.signal,
      );
    } finally {
      clearTimeout(timer);
      abort?.removeEventListener('abort', onShutdown);
    }
    if (timedOut && answer.status === undefined) answer.timedOut = true;
    const responseBody = answer.body === '' ? undefined : answer.body;
    if (answer.status === undefined) {
      if (answer.refused) {
        return { result: 'failed', permanent: true, error: `${answer.error ?? 'refused'}; refused by policy, so not retried`, durationMs: answer.durationMs };
      }
      const error = answer.timedOut ? `timeout: no complete answer within ${this.options.timeoutMs} ms` : answer.error ?? 'no answer';
      return { result: 'failed', error, durationMs: answer.durationMs };
    }
    if (answer.status >= 200 && answer.status < 300) {
      return { result: 'succeeded', statusCode: answer.status, responseBody, durationMs: answer.durationMs };
    }
    const error = answer.status >= 300 && answer.status < 400 ? 'redirects are not followed' : undefined;
    return { result: 'failed', statusCode: answer.status, error, responseBody, durationMs: answer.durationMs };
  }

  private async sendMail(message: CallbackMessage): Promise<CallbackAttemptResult> {
    if (!this.smtp) return { result: 'skipped', error: SKIPPED_NO_MAIL, durationMs: 0 };
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const reply = await this.smtp.send({
        from: this.options.smtpFrom,
        to: message.target,
        subject: `Tagwright callback: ${message.subjectType} ${message.subjectId} (${message.event})`,
        inline: { content: message.body, contentType: 'application/json; charset=utf-8', filename: 'callback.json' },
        headers: {
          'X-Tagwright-Signature': signCallbackBody(message.body, message.authKey),
          'X-Tagwright-Delivery': message.deliveryId,
          'X-Tagwright-Event': message.event,
        },
      });
      return { result: 'succeeded', responseBody: reply, durationMs: elapsed() };
    } catch (error) {
      return { result: 'failed', error: (error as Error).message, durationMs: elapsed() };
    }
  }
}
