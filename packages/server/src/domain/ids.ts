import crypto from 'node:crypto';

let lastMillis = 0;
let counter = 0;

/**
 * A 24-hex-character id (the shape of Scale's ids) that sorts by creation time: 12 hex of epoch
 * milliseconds, 4 hex of a per-millisecond counter, 8 random hex. So ordering by (created_at, id)
 * is insertion order within one process, and ids stay unique across processes by their random tail.
 */
export function newId(now = Date.now()): string {
  if (now === lastMillis) counter = (counter + 1) & 0xffff;
  else {
    lastMillis = now;
    counter = 0;
  }
  return now.toString(16).padStart(12, '0') + counter.toString(16).padStart(4, '0') + randomHex8();
}

// Random bytes for id tails, drawn 4 KiB at a time: one randomBytes call per id cost more than the
// rest of a bulk import's per-task work together (measured with tagwright import).
const randomPool = Buffer.alloc(4096);
let randomOffset = randomPool.length;

function randomHex8(): string {
  if (randomOffset + 4 > randomPool.length) {
    crypto.randomFillSync(randomPool);
    randomOffset = 0;
  }
  randomOffset += 4;
  return randomPool.toString('hex', randomOffset - 4, randomOffset);
}

/** A secret of 32 lowercase hex characters, with an optional prefix (`live_`, `test_`). */
export function newSecret(prefix = ''): string {
  return prefix + crypto.randomBytes(16).toString('hex');
}

/** sha256 hex digest; API keys and one-time tokens are high-entropy, so a fast hash is enough at rest. */
export function sha256(value: string): string {
  return crypto.createHash('sha256').update(value).digest('hex');
}
