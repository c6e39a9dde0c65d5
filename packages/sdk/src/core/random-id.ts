/**
 * Idempotency keys on every runtime the package supports, with nothing from `node:` loaded unless
 * it is the only way: Node 18 has no global `crypto` (Web Crypto became global in Node 19), and a
 * browser page served over plain http (not a secure context) has `crypto.getRandomValues` but no
 * `crypto.randomUUID`.
 */

/** A random (version 4) UUID. */
export async function randomUuid(): Promise<string> {
  const webCrypto = (globalThis as { crypto?: Partial<Crypto> }).crypto;
  if (typeof webCrypto?.randomUUID === 'function') return webCrypto.randomUUID();
  if (typeof webCrypto?.getRandomValues === 'function') return uuidFromRandomBytes(webCrypto.getRandomValues(new Uint8Array(16)));
  const nodeCrypto = await import('node:crypto');
  return nodeCrypto.randomUUID();
}

/** Formats 16 random bytes as a v4 UUID (RFC 9562 §5.4: version nibble 4, variant bits 10). */
export function uuidFromRandomBytes(bytes: Uint8Array): string {
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
