import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One chat-completions request the fake model received. */
export interface ModelRequest {
  authorization?: string;
  body: any;
}

/**
 * A real OpenAI-compatible chat-completions server on loopback, for tests and benches. The
 * requested `model` picks the behaviour:
 * - `echo` (default): streams `Echo: <last user message>` word by word as SSE `data:` lines, then `[DONE]`;
 * - `json`: answers one non-streaming completion;
 * - `fail`: HTTP 500 with an OpenAI-style error body;
 * - `broken-stream`: two tokens, then an error event;
 * - `stall`: sends headers and one token, then nothing (the caller's timeout must end it);
 * - `huge`: streams tokens without end (the caller's size cap must end it);
 * - `count-<n>`: streams n tokens `t0 t1 …` (benches).
 */
export async function startFakeModel(): Promise<{ url: string; requests: ModelRequest[]; close(): Promise<void> }> {
  const requests: ModelRequest[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      requests.push({ authorization: request.headers.authorization, body });
      void answer(body, response);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const delta = (content: string) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

async function answer(body: any, response: http.ServerResponse): Promise<void> {
  const model: string = body.model ?? 'echo';
  const lastUser = [...(body.messages ?? [])].reverse().find((message: any) => message.role === 'user')?.content ?? '';
  if (model === 'fail') {
    response.writeHead(500, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { message: 'the model is overloaded', type: 'server_error' } }));
    return;
  }
  if (model === 'json') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: `Plain: ${lastUser}` }, finish_reason: 'stop' }] }));
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  // A role-only first delta and a comment line, as real servers send.
  response.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant' } }] })}\n\n: keep-alive\n\n`);
  if (model === 'stall') {
    response.write(delta('Hello'));
    return; // never ends: the caller's body timeout fires
  }
  if (model === 'broken-stream') {
    response.write(delta('Half '));
    response.write(delta('an answer'));
    response.end(`data: ${JSON.stringify({ error: { message: 'upstream connection lost' } })}\n\n`);
    return;
  }
  if (model === 'huge') {
    const piece = delta('x'.repeat(500));
    for (let index = 0; index < 10_000 && !response.destroyed; index++) {
      if (!response.write(piece)) await new Promise((resolve) => response.once('drain', resolve));
    }
    response.end();
    return;
  }
  const count = /^count-(\d+)$/.exec(model);
  const words = count ? Array.from({ length: Number(count[1]) }, (_, index) => `t${index} `) : `Echo: ${lastUser}`.split(/(?<= )/);
  for (const word of words) {
    if (response.destroyed) return;
    response.write(delta(word));
    // Let each token leave as its own chunk, as a model produces them.
    await new Promise((resolve) => setImmediate(resolve));
  }
  response.end('data: [DONE]\n\n');
}
