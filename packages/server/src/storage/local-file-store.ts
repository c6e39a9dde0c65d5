import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileTooLarge, type ByteRange, type FileStore, type StoredObject } from './file-store.ts';

const KEY = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;

/**
 * Files in a local folder (`<dataDir>/files`). Each put streams into a temporary file in the same
 * folder tree and is renamed into place only once complete, so readers never see a partial object
 * and a crash leaves at most a stray temporary file.
 */
export class LocalFileStore implements FileStore {
  private readonly temporaryDir: string;

  constructor(private readonly root: string) {
    this.temporaryDir = path.join(root, '.tmp');
  }

  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error(`invalid file store key "${key}"`);
    return path.join(this.root, ...key.split('/'));
  }

  async put(key: string, source: Readable, { maxBytes }: { maxBytes: number }): Promise<StoredObject> {
    const target = this.pathOf(key);
    await fs.promises.mkdir(this.temporaryDir, { recursive: true });
    const temporary = path.join(this.temporaryDir, `${crypto.randomBytes(12).toString('hex')}.part`);
    const hash = crypto.createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > maxBytes) return callback(new FileTooLarge(maxBytes));
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    // Opened before streaming so the file exists when a failed pipeline removes it: a write stream
    // opens asynchronously, and one destroyed mid-open created its file after the removal.
    const handle = await fs.promises.open(temporary, 'wx');
    try {
      await pipeline(source, meter, handle.createWriteStream());
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      await fs.promises.rename(temporary, target);
    } catch (error) {
      await fs.promises.rm(temporary, { force: true });
      throw error;
    }
    return { size, sha256: hash.digest('hex') };
  }

  async openRead(key: string, range?: ByteRange): Promise<Readable> {
    const handle = await fs.promises.open(this.pathOf(key), 'r');
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }

  async purgeUnfinished(olderThanMs: number): Promise<number> {
    let names: string[];
    try {
      names = await fs.promises.readdir(this.temporaryDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    const cutoff = Date.now() - olderThanMs;
    let purged = 0;
    for (const name of names) {
      const file = path.join(this.temporaryDir, name);
      // A put still streaming touches its file with every chunk, so only abandoned ones are this old.
      const stat = await fs.promises.stat(file).catch(() => undefined);
      if (!stat || stat.mtimeMs >= cutoff) continue;
      await fs.promises.rm(file, { force: true });
      purged++;
    }
    return purged;
  }
}
