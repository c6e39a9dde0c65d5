import { Agent, request } from 'undici';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { privateRefusingLookup, REFUSED_CODE, refuseReason } from './address-guard.ts';

export interface OutboundOptions {
  /** Connect, headers and body timeouts, each. */
  timeoutMs: number;
  /** Largest response body read into memory by `post` (the rest is discarded). */
  maxResponseBytes: number;
  allowPrivate: boolean;
  userAgent: string;
}

export interface PostResult {
  /** HTTP status, or undefined when no answer arrived (connection error, timeout, refused target). */
  status?: number;
  /** The response body, cut to maxResponseBytes. */
  body: string;
  durationMs: number;
  error?: string;
  /** True when the error was a timeout (connect, headers, body, or the caller's deadline). */
  timedOut?: boolean;
  /** True when the address guard refused the target (a policy decision: asking again gives the same answer). */
  refused?: boolean;
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export class DownloadTooLarge extends Error {}

/**
 * The one client for every outbound request (callbacks, file imports): timeouts on connect, headers
 * and body; a response-size cap; no redirects; an optional guard against private addresses.
 */
export class OutboundClient {
  private readonly agent: Agent;

  constructor(private readonly options: OutboundOptions) {
    this.agent = new Agent({
      connect: { timeout: options.timeoutMs, ...(options.allowPrivate ? {} : { lookup: privateRefusingLookup }) },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 10_000,
      connections: 64,
    });
  }

  /** POSTs a JSON body; never throws: failures come back as `error`. `signal` bounds the whole exchange. */
  async postJson(url: string, body: string, headers: Record<string, string>, signal?: AbortSignal): Promise<PostResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const target = new URL(url);
      const refused = await refuseReason(target, this.options.allowPrivate);
      if (refused) return { body: '', durationMs: elapsed(), error: refused, refused: true };
      const response = await request(target, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { 'content-type': 'application/json', 'user-agent': this.options.userAgent, ...headers },
        body,
        signal,
        maxRedirections: 0,
      } as Parameters<typeof request>[1]);
      const text = await readCapped(response.body, this.options.maxResponseBytes);
      return { status: response.statusCode, body: text, durationMs: elapsed() };
    } catch (error) {
      const { code, name } = (error ?? {}) as { code?: string; name?: string };
      const timedOut = TIMEOUT_CODES.has(code ?? '') || name === 'TimeoutError';
      // The connect-time lookup refuses a name that resolved to a private address on its second lookup.
      const refused = code === REFUSED_CODE;
      return { body: '', durationMs: elapsed(), error: (error as Error).message || String(error), timedOut, ...(refused ? { refused } : {}) };
    }
  }

  /**
   * POSTs a JSON body and hands back the response as it arrives (model endpoints stream tokens).
   * Throws on refusal or network failure; the caller reads or dumps `body` and applies its own cap.
   */
  async postStream(url: string, body: string, headers: Record<string, string>, signal?: AbortSignal): Promise<{ status: number; contentType: string; body: AsyncIterable<Buffer> & { dump(): Promise<void> } }> {
    const target = new URL(url);
    const refused = await refuseReason(target, this.options.allowPrivate);
    if (refused) throw new Error(refused);
    const response = await request(target, {
      method: 'POST',
      dispatcher: this.agent,
      headers: { 'content-type': 'application/json', 'user-agent': this.options.userAgent, ...headers },
      body,
      signal,
      maxRedirections: 0,
    } as Parameters<typeof request>[1]);
    const type = response.headers['content-type'];
    return { status: response.statusCode, contentType: (Array.isArray(type) ? type[0] : type) ?? '', body: response.body };
  }

  /** True when `error` (thrown by postStream or while reading its body) was a connect, headers or body timeout. */
  static isTimeout(error: unknown): boolean {
    const { code, name } = (error ?? {}) as { code?: string; name?: string };
    return TIMEOUT_CODES.has(code ?? '') || name === 'TimeoutError';
  }

  /**
   * GETs a URL and streams its body into `destination`, failing with DownloadTooLarge past
   * `maxBytes`. Returns the content type and size. Throws on refusal, non-2xx or network failure.
   */
  async download(url: string, destination: Writable, maxBytes: number): Promise<{ contentType?: string; size: number }> {
    const target = new URL(url);
    const refused = await refuseReason(target, this.options.allowPrivate);
    if (refused) throw new Error(refused);
    const response = await request(target, { method: 'GET', dispatcher: this.agent, headers: { 'user-agent': this.options.userAgent } });
    if (response.statusCode < 200 || response.statusCode >= 300) {
      await response.body.dump();
      throw new Error(`source answered HTTP ${response.statusCode}`);
    }
    const declared = Number(response.headers['content-length'] ?? NaN);
    if (declared > maxBytes) {
      await response.body.dump();
      throw new DownloadTooLarge(`source is ${declared} bytes, over the ${maxBytes}-byte limit`);
    }
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > maxBytes) callback(new DownloadTooLarge(`source is over the ${maxBytes}-byte limit`));
        else callback(null, chunk);
      },
    });
    await pipeline(response.body, counter, destination);
    const type = response.headers['content-type'];
    return { contentType: Array.isArray(type) ? type[0] : type, size };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < max) chunks.push(chunk.subarray(0, max - size));
    size += chunk.length;
    if (size >= max) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}
