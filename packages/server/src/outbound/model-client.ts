import { OutboundClient } from './outbound-client.ts';

/** A model endpoint as the server calls it (the key never leaves the server). */
export interface ModelTarget {
  url: string;
  model: string;
  apiKey: string | null;
  /** Request parameters sent with every call: temperature, max_completion_tokens, top_p, top_k, … */
  parameters: Record<string, unknown>;
}

export interface ModelMessage {
  role: 'system' | 'user' | 'assistant' | 'function';
  content: string;
}

/** How a call ended. `text` holds what arrived, also when it failed part-way. */
export interface ModelResult {
  ok: boolean;
  text: string;
  error?: string;
  timedOut?: boolean;
  /** HTTP status of the endpoint's answer, when one arrived. */
  status?: number;
}

/**
 * Calls OpenAI-compatible chat-completions endpoints (`POST <url>` with `{model, messages, stream:
 * true, ...parameters}`) through the shared outbound client (address guard, connect/headers/body
 * timeouts, no redirects), reads the server-sent `data:` lines as they arrive and reports each
 * content delta. A plain JSON answer (an endpoint that ignores `stream`) is accepted too. The answer
 * is capped at `maxResponseBytes`; past it the call fails with what arrived so far.
 */
export class ModelClient {
  private readonly http: OutboundClient;

  constructor(
    options: { timeoutMs: number; maxResponseBytes: number; allowPrivate: boolean },
    private readonly maxResponseBytes = options.maxResponseBytes,
  ) {
    this.http = new OutboundClient({ timeoutMs: options.timeoutMs, maxResponseBytes: options.maxResponseBytes, allowPrivate: options.allowPrivate, userAgent: 'Tagwright-Model' });
  }

  /** Never throws: failures come back as `{ok: false, error}`. `onToken` sees each piece of text in order. */
  async complete(target: ModelTarget, messages: readonly ModelMessage[], onToken: (text: string) => void, signal?: AbortSignal): Promise<ModelResult> {
    const body = JSON.stringify({ ...target.parameters, model: target.model, messages, stream: true });
    const headers: Record<string, string> = { accept: 'text/event-stream, application/json' };
    if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
    let text = '';
    let status: number | undefined;
    try {
      const response = await this.http.postStream(target.url, body, headers, signal);
      status = response.status;
      if (status < 200 || status >= 300) {
        const detail = await readSome(response.body, 4096);
        return { ok: false, text, status, error: `the model endpoint answered HTTP ${status}${errorMessage(detail)}` };
      }
      if (!response.contentType.includes('text/event-stream')) {
        const raw = await readSome(response.body, this.maxResponseBytes + 1);
        if (Buffer.byteLength(raw) > this.maxResponseBytes) return { ok: false, text, status, error: `the model's answer is over the ${this.maxResponseBytes}-byte limit` };
        text = contentOfCompletion(raw);
        if (text) onToken(text);
        return { ok: true, text, status };
      }
      let size = 0;
      let pending = '';
      const decoder = new TextDecoder();
      for await (const chunk of response.body) {
        size += chunk.length;
        if (size > this.maxResponseBytes) {
          void response.body.dump().catch(() => undefined);
          return { ok: false, text, status, error: `the model's answer is over the ${this.maxResponseBytes}-byte limit` };
        }
        pending += decoder.decode(chunk, { stream: true });
        let newline: number;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline).replace(/\r$/, '');
          pending = pending.slice(newline + 1);
          const event = readEventLine(line);
          if (event === 'done') return { ok: true, text, status };
          if (event && 'error' in event) return { ok: false, text, status, error: `the model endpoint reported: ${event.error}` };
          if (event?.token) {
            text += event.token;
            onToken(event.token);
          }
        }
      }
      return { ok: true, text, status };
    } catch (error) {
      const timedOut = OutboundClient.isTimeout(error);
      return { ok: false, text, status, timedOut, error: timedOut ? 'the model endpoint timed out' : `the model endpoint could not be reached: ${(error as Error).message || String(error)}` };
    }
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

/** One `data:` line of the stream: a token, the end, an error, or nothing (comments, keep-alives, role-only deltas). */
function readEventLine(line: string): { token?: string } | { error: string } | 'done' | undefined {
  if (!line.startsWith('data:')) return undefined;
  const data = line.slice(5).trim();
  if (data === '[DONE]') return 'done';
  let parsed: any;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (parsed?.error) return { error: typeof parsed.error === 'string' ? parsed.error : String(parsed.error.message ?? 'error') };
  const delta = parsed?.choices?.[0]?.delta?.content ?? parsed?.choices?.[0]?.text;
  return typeof delta === 'string' && delta !== '' ? { token: delta } : undefined;
}

function contentOfCompletion(raw: string): string {
  try {
    const parsed = JSON.parse(raw);
    const content = parsed?.choices?.[0]?.message?.content;
    return typeof content === 'string' ? content : '';
  } catch {
    return '';
  }
}

function errorMessage(raw: string): string {
  try {
    const parsed = JSON.parse(raw);
    const message = parsed?.error?.message ?? parsed?.error ?? parsed?.message;
    return typeof message === 'string' && message ? `: ${message}` : '';
  } catch {
    return raw.trim() ? `: ${raw.trim().slice(0, 200)}` : '';
  }
}

async function readSome(body: AsyncIterable<Buffer> & { dump(): Promise<void> }, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= max) {
      void body.dump().catch(() => undefined);
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, max);
}
