/** An injectable fetch that records every request and answers from a script. */
import { Tagwright, type ClientOptions } from '../../src/index.ts';

export interface RecordedRequest {
  url: URL;
  method: string;
  headers: Headers;
  /** The body as text (JSON requests), or undefined. */
  text: string | undefined;
  /** The parsed JSON body, or undefined. */
  json: unknown;
  /** The form data of a multipart request. */
  form: FormData | undefined;
}

export type Responder = (request: RecordedRequest, index: number, signal: AbortSignal | undefined) => Response | Promise<Response>;

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

/** A fetch whose answers come from `respond`; `requests` lists what was sent, in order. */
export function fakeFetch(respond: Responder): { fetch: typeof fetch; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const fetchImpl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const type = request.headers.get('content-type') ?? '';
    let text: string | undefined;
    let form: FormData | undefined;
    if (init?.body !== undefined && init.body !== null) {
      if (type.startsWith('multipart/form-data')) form = await request.formData();
      else text = await request.text();
    }
    const recorded: RecordedRequest = {
      url: new URL(request.url),
      method: request.method,
      headers: request.headers,
      text,
      json: text ? JSON.parse(text) : undefined,
      form,
    };
    requests.push(recorded);
    return respond(recorded, requests.length - 1, init?.signal ?? undefined);
  };
  return { fetch: fetchImpl as typeof fetch, requests };
}

export const BASE_URL = 'http://tagwright.test/v1';
export const API_KEY = 'live_0123456789abcdef0123456789abcdef';

/** A client on the fake fetch with near-zero retry waits, so retry tests run fast. */
export function fakeClient(respond: Responder, options: ClientOptions = {}): { client: Tagwright; requests: RecordedRequest[] } {
  const { fetch, requests } = fakeFetch(respond);
  const client = new Tagwright({ apiKey: API_KEY, baseUrl: BASE_URL, fetch, initialRetryDelayMs: 1, maxRetryDelayMs: 5, ...options });
  return { client, requests };
}

export const TASK = {
  task_id: '65f1c0a4e4b0a1b2c3d4e5f6',
  type: 'imageannotation',
  status: 'pending',
  project: 'kittens',
  created_at: '2024-05-01T10:20:30.123Z',
  updated_at: '2024-05-01T10:20:30.123Z',
  params: {},
  metadata: {},
};
