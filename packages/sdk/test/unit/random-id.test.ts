import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { randomUuid, uuidFromRandomBytes } from '../../src/core/random-id.ts';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const original = Object.getOwnPropertyDescriptor(globalThis, 'crypto')!;

/** Replaces the global `crypto` for one test, as a runtime without it (or with only part of it) would have it. */
function withGlobalCrypto(value: unknown): void {
  Object.defineProperty(globalThis, 'crypto', { value, configurable: true, writable: true });
}

describe('idempotency keys on every runtime', () => {
  afterEach(() => Object.defineProperty(globalThis, 'crypto', original));

  it('uses Web Crypto randomUUID where the runtime has it', async () => {
    withGlobalCrypto({ randomUUID: () => '11111111-2222-4333-8444-555555555555' });
    assert.equal(await randomUuid(), '11111111-2222-4333-8444-555555555555');
  });

  it('builds a v4 UUID from getRandomValues on a page that is not a secure context (no randomUUID)', async () => {
    withGlobalCrypto({ getRandomValues: (bytes: Uint8Array) => bytes.fill(0xff) });
    assert.equal(await randomUuid(), 'ffffffff-ffff-4fff-bfff-ffffffffffff');
  });

  it('falls back to node:crypto when there is no global crypto (Node 18), and the keys differ', async () => {
    withGlobalCrypto(undefined);
    const keys = new Set(await Promise.all(Array.from({ length: 50 }, () => randomUuid())));
    assert.equal(keys.size, 50);
    for (const key of keys) assert.match(key, V4);
  });

  it('sets the version and variant bits whatever the random bytes were', () => {
    assert.equal(uuidFromRandomBytes(new Uint8Array(16)), '00000000-0000-4000-8000-000000000000');
    assert.match(uuidFromRandomBytes(crypto.getRandomValues(new Uint8Array(16))), V4);
  });
});
