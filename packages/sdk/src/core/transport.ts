/**
 * The one place that talks HTTP: builds URLs and headers, sends with a per-attempt timeout,
 * retries transient failures (keeping the call's idempotency key), and turns error answers into
 * the error classes of `errors.ts`.
 */
import {
  ScaleConnectionError,
  ScaleConnectionTimeout,
  ScaleException,
  ScaleUserAbort,
  errorFromResponse,
} from './errors.ts';
import { randomUuid } from './random-id.ts';
import { isRetryableStatus, retryAfterMs, retryDelayMs, sleep, type RetryPolicy } from './retries.ts';

export const SDK_VERSION = '0.2.0';
/** Scale's own v1 base URL, the default like in the Python SDK; point `baseUrl` at Tagwright. */
export const DEFAULT_BASE_URL = 'https://api.scale.com/v1';
export const DEFAULT_TIMEOUT_MS = 60_000;

/** Base64 of the text's UTF-8 bytes, with what every runtime has (no Buffer in browsers). */
function base64(text: string): string {
  return btoa(Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte)).join(''));
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type QueryScalar = string | number | boolean | Date;
export type QueryValue = QueryScalar | readonly QueryScalar[] | null | undefined;
export type Query = Record<string, QueryValue>;

/** Options every SDK method accepts as its last argument. */
export interface RequestOptions {
  /** Per-attempt timeout in ms (default: the client's `timeout`). */
  timeout?: number;
  /** Retries after the first attempt (default: the client's `maxRetries`). */
  maxRetries?: number;
  /** Aborts the call, including any wait between retries. */
  signal?: AbortSignal;
  /** The `Idempotency-Key` for this call; by default a fresh UUID per non-GET call, reused on its retries. */
  idempotencyKey?: string;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

export interface ApiRequest<T = unknown> {
  method: HttpMethod;
  /** v1: relative to the base URL (`task/abc`); v2: absolute path (`/v2/task`). */
  path: string;
  /** v1 (default): relative to `baseUrl`, Basic auth; v2 and app (Tagwright's `/app/api`): an absolute path on the v2 host, Bearer auth. */
  api?: 'v1' | 'v2' | 'app';
  query?: Query;
  /** Sent as JSON, except a FormData, which is sent as multipart. */
  body?: unknown;
  options?: RequestOptions;
  /** Treat a 3xx as success and resolve with `{url: Location}` instead of following it. */
  manualRedirect?: boolean;
  /**
   * Resolve a 2xx with the unread answer (`RawAnswer`) instead of its parsed JSON. The timeout then
   * covers the wait for the headers only: a long download is not cut off; the signal still aborts it.
   */
  raw?: boolean;
  /**
   * Called when a 409 answers a retry whose earlier attempt may have been applied (a 5xx, 408,
   * timeout or lost connection): the first attempt probably created the resource and the retry
   * collided with it. Returns the resource, or undefined to throw the 409.
   */
  recoverConflict?: (conflict: ScaleException) => Promise<T | undefined>;
}

export interface TransportConfig {
  apiKey: string;
  /** v1 base, e.g. `http://host:8080/v1`. */
  baseUrl: string;
  /** v2 host, e.g. `http://host:8080` (paths add `/v2`). */
  v2BaseUrl: string;
  fetch: typeof fetch;
  timeout: number;
  retry: RetryPolicy;
  defaultHeaders: Record<string, string>;
  userAgent: string;
}

interface Answer {
  status: number;
  statusText: string;
  headers: Headers;
  body: unknown;
}

/** What a `raw` request resolves with. */
export interface RawAnswer {
  status: number;
  headers: Headers;
  body: ReadableStream<Uint8Array>;
}

function trimTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

function formatQueryValue(value: QueryScalar): string {
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** Flat query string: arrays become repeated keys, dates ISO strings, null and undefined are left out. */
export function buildQuery(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value as readonly QueryScalar[]) params.append(key, formatQueryValue(item));
    else params.append(key, formatQueryValue(value as QueryScalar));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Percent-encodes one path segment with nothing left safe: space, `/` and `+` included (contract 2.3). */
export function pathSegment(value: string): string {
  return encodeURIComponent(value);
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export class Transport {
  constructor(readonly config: TransportConfig) {}

  /** The full URL of a request, query included. */
  url(request: Pick<ApiRequest, 'path' | 'api' | 'query'>): string {
    const base =
      request.api === 'v2' || request.api === 'app'
        ? trimTrailingSlashes(this.config.v2BaseUrl) + request.path
        : `${trimTrailingSlashes(this.config.baseUrl)}/${request.path.replace(/^\/+/, '')}`;
    return base + buildQuery(request.query);
  }

  private headers(request: ApiRequest, idempotencyKey: string | undefined): Record<string, string> {
    const { apiKey } = this.config;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.config.userAgent,
      ...this.config.defaultHeaders,
      // v1 sends Basic `key:` as the Python SDK does; v2 sends Bearer as Scale's v2 client does.
      authorization: request.api === 'v2' || request.api === 'app' ? `Bearer ${apiKey}` : `Basic ${base64(`${apiKey}:`)}`,
    };
    if (request.body !== undefined && !(request.body instanceof FormData)) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    return { ...headers, ...request.options?.headers };
  }

  /** Sends the request, retrying transient failures, and resolves with the parsed JSON answer. */
  async request<T>(request: ApiRequest<T>): Promise<T> {
    const options = request.options ?? {};
    const maxRetries = options.maxRetries ?? this.config.retry.maxRetries;
    const idempotencyKey = request.method === 'GET' ? undefined : (options.idempotencyKey ?? (await randomUuid()));
    const url = this.url(request);
    const headers = this.headers(request, idempotencyKey);
    const body =
      request.body === undefined ? undefined : request.body instanceof FormData ? request.body : JSON.stringify(request.body);
    // True once an attempt failed in a way that leaves open whether the server applied it.
    let mayHaveBeenApplied = false;

    for (let retryIndex = 0; ; retryIndex++) {
      let answer: Answer | undefined;
      let failure: ScaleException;
      try {
        answer = await this.attempt(url, { method: request.method, headers, body, redirect: request.manualRedirect ? 'manual' : 'follow' }, options, request.raw ?? false);
      } catch (error) {
        if (!(error instanceof ScaleConnectionError) || retryIndex >= maxRetries) throw error;
        failure = error;
        mayHaveBeenApplied = true;
      }
      if (answer) {
        if (answer.status >= 200 && answer.status < 300) return answer.body as T;
        if (request.manualRedirect && answer.status >= 300 && answer.status < 400) {
          return { url: answer.headers.get('location') ?? '' } as T;
        }
        failure = errorFromResponse(answer.status, answer.body, answer.headers, answer.statusText);
        if (answer.status === 409 && mayHaveBeenApplied && request.recoverConflict) {
          const recovered = await request.recoverConflict(failure);
          if (recovered !== undefined) return recovered;
          throw failure;
        }
        if (!isRetryableStatus(answer.status) || retryIndex >= maxRetries) throw failure;
        if (answer.status >= 500 || answer.status === 408) mayHaveBeenApplied = true;
      }
      const wait = retryDelayMs(retryIndex, this.config.retry, retryAfterMs(failure!.headers));
      try {
        await sleep(wait, options.signal);
      } catch (reason) {
        throw new ScaleUserAbort('The request was aborted.', { cause: reason });
      }
    }
  }

  /** One attempt under its own timeout; connection failures become ScaleConnectionError. */
  private async attempt(url: string, init: RequestInit, options: RequestOptions, raw: boolean): Promise<Answer> {
    const timeoutMs = options.timeout ?? this.config.timeout;
    const userSignal = options.signal;
    if (userSignal?.aborted) throw new ScaleUserAbort('The request was aborted.', { cause: userSignal.reason });
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const onUserAbort = () => controller.abort(userSignal!.reason);
    userSignal?.addEventListener('abort', onUserAbort, { once: true });
    let streaming = false;
    try {
      const response = await this.config.fetch(url, { ...init, signal: controller.signal });
      if (raw && response.ok && response.body) {
        // The caller reads the body; the user's signal must still reach it, so its listener stays.
        streaming = true;
        const answer: RawAnswer = { status: response.status, headers: response.headers, body: response.body };
        return { status: response.status, statusText: response.statusText, headers: response.headers, body: answer };
      }
      const text = await response.text();
      return { status: response.status, statusText: response.statusText, headers: response.headers, body: parseBody(text) };
    } catch (error) {
      if (userSignal?.aborted) throw new ScaleUserAbort('The request was aborted.', { cause: error });
      if (timedOut) {
        throw new ScaleConnectionTimeout(`No answer from ${init.method} ${url} within ${timeoutMs} ms.`, { cause: error });
      }
      const cause = (error as { cause?: { message?: string } })?.cause;
      const reason = cause?.message ?? (error as Error)?.message ?? String(error);
      throw new ScaleConnectionError(`Connection error on ${init.method} ${url}: ${reason}`, { cause: error });
    } finally {
      clearTimeout(timer);
      if (!streaming) userSignal?.removeEventListener('abort', onUserAbort);
    }
  }
}
