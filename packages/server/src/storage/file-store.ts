import type { Readable } from 'node:stream';

/** Thrown by `put` when the source holds more bytes than the limit; nothing is kept. */
export class FileTooLarge extends Error {
  constructor(readonly limitBytes: number) {
    super(`the file is larger than the ${limitBytes}-byte limit`);
    this.name = 'FileTooLarge';
  }
}

export interface StoredObject {
  size: number;
  /** sha256 of the bytes, lowercase hex. */
  sha256: string;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

/**
 * Where file bytes live. Keys are chosen by the caller (`[A-Za-z0-9_-]` segments joined by `/`).
 * Implementations must never expose a partly written object: a failed or oversized `put` leaves nothing behind.
 */
export interface FileStore {
  /** Streams `source` into the object `key`, failing with FileTooLarge past `maxBytes`. Replaces an existing object. */
  put(key: string, source: Readable, options: { maxBytes: number }): Promise<StoredObject>;
  /** A stream of the object's bytes (or of one range of them); rejects with an error whose code is ENOENT when absent. */
  openRead(key: string, range?: ByteRange): Promise<Readable>;
  /** Removes the object; a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes what puts that never finished (a crash mid-upload) left behind, once older than `olderThanMs`; returns how many. */
  purgeUnfinished(olderThanMs: number): Promise<number>;
  /**
   * Optional: a time-limited URL where a client can fetch the object straight from the store
   * (S3 presigned GET). Stores without one (the local folder) have the server stream the bytes.
   */
  downloadUrl?(key: string, options: DownloadUrlOptions): Promise<string>;
  /** Optional: resolves when the store answers (readiness checks); rejects with the reason otherwise. */
  check?(): Promise<void>;
}

export interface DownloadUrlOptions {
  expiresInSeconds: number;
  /** Sent back as the response's Content-Type and Content-Disposition, as the server would. */
  contentType: string;
  contentDisposition: string;
}

/** A store whose code loads on its first call (all of its methods are asynchronous anyway). */
export function loadedOnFirstUse(load: () => Promise<FileStore>): FileStore {
  let loading: Promise<FileStore> | undefined;
  const store = () => (loading ??= load());
  return {
    put: async (key, source, options) => (await store()).put(key, source, options),
    openRead: async (key, range) => (await store()).openRead(key, range),
    delete: async (key) => (await store()).delete(key),
    purgeUnfinished: async (olderThanMs) => (await store()).purgeUnfinished(olderThanMs),
    downloadUrl: async (key, options) => {
      const loaded = await store();
      if (!loaded.downloadUrl) throw new Error('this file store has no download links');
      return loaded.downloadUrl(key, options);
    },
    check: async () => (await store()).check?.(),
  };
}
