/**
 * Chat token relay benchmark (docs/chat.md): how much the server's relay adds to a streamed model
 * answer. The same client (this process, fetch reading the stream as it arrives) asks the fake
 * OpenAI-compatible model for a 200-token answer directly (baseline) and through Tagwright's
 * `POST /app/api/tasks/:id/generate` (which calls the model through the outbound client, records
 * the call and relays each token as a server-sent event). The model and the server each run in
 * their own child process. Prints median time to first token and per following token, the
 * overhead and the ratio.
 *
 *   node --import tsx bench/chat.bench.ts          (from the repository root; BENCH_ROUNDS=40)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ascending, percentile } from './stats.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const TOKENS = 200;
const here = path.dirname(fileURLToPath(import.meta.url));

function start(args: string[]): Promise<{ child: ChildProcess; info: any }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'chat-processes.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'silent' } });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk) => {
      buffer += chunk;
      const line = buffer.split('\n').find((entry) => entry.startsWith('{'));
      if (line) resolve({ child, info: JSON.parse(line) });
    });
    child.on('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
}

/** Streams one answer; answers ms to the first token and ms per following token. */
async function measure(url: string, init: RequestInit, isToken: (text: string) => number): Promise<{ first: number; perToken: number; tokens: number }> {
  const started = performance.now();
  const response = await fetch(url, init);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let first = NaN;
  let tokens = 0;
  let carry = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    carry += decoder.decode(value, { stream: true });
    const end = carry.lastIndexOf('\n\n');
    if (end < 0) continue;
    const count = isToken(carry.slice(0, end));
    carry = carry.slice(end + 2);
    if (count > 0 && Number.isNaN(first)) first = performance.now() - started;
    tokens += count;
  }
  const total = performance.now() - started;
  return { first, perToken: (total - first) / Math.max(1, tokens - 1), tokens };
}

const model = await start(['model']);
const server = await start(['server', model.info.url]);
const { url, taskId, leaseId, cookie, csrf } = server.info;
const countData = (text: string) => (text.match(/"delta":\{"content"/g) ?? []).length;
const countEvents = (text: string) => (text.match(/^event: token$/gm) ?? []).length;
const direct = { first: [] as number[], perToken: [] as number[] };
const relay = { first: [] as number[], perToken: [] as number[] };
for (let round = 0; round < ROUNDS + 3; round++) {
  const a = await measure(model.info.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'count-200', stream: true, messages: [{ role: 'user', content: 'go' }] }) }, countData);
  const b = await measure(
    `${url}/app/api/tasks/${taskId}/generate`,
    { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf }, body: JSON.stringify({ lease_id: leaseId, endpoint: 'bench', messages: [{ role: 'user', content: 'go' }] }) },
    countEvents,
  );
  if (a.tokens !== TOKENS || b.tokens !== TOKENS) throw new Error(`expected ${TOKENS} tokens, got ${a.tokens} direct and ${b.tokens} relayed`);
  if (round < 3) continue; // warm-up
  direct.first.push(a.first);
  direct.perToken.push(a.perToken);
  relay.first.push(b.first);
  relay.perToken.push(b.perToken);
}
const median = (values: number[]) => percentile(ascending(values), 50);
const row = (name: string, base: number, via: number, unit: string, scale: number) =>
  console.log(`${name.padEnd(22)} direct ${(base * scale).toFixed(1).padStart(8)} ${unit}   relayed ${(via * scale).toFixed(1).padStart(8)} ${unit}   overhead ${((via - base) * scale).toFixed(1).padStart(7)} ${unit}   ratio ${(via / base).toFixed(2)}x`);
console.log(`chat token relay, ${ROUNDS} answers of ${TOKENS} tokens each way (medians; shared machine, compare ratios)`);
row('time to first token', median(direct.first), median(relay.first), 'ms', 1);
row('per following token', median(direct.perToken), median(relay.perToken), 'µs', 1000);
model.child.kill();
server.child.kill();
process.exit(0);
