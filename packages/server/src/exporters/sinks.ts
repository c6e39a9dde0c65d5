import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ExportEntry } from './types.ts';

/**
 * Where exports go: one stream, a folder of files, or a tar stream of that folder. Every writer
 * waits for the destination to drain before writing more, so a slow disk, pipe or HTTP client
 * slows the export down instead of filling memory.
 */

/** Writes a piece to the stream, waiting for `drain` when its buffer is full; rejects if the stream fails or closes first. */
export async function writeWithBackpressure(stream: Writable, chunk: string | Buffer): Promise<void> {
  if (stream.destroyed) throw stream.errored ?? new Error('the output stream was closed');
  if (stream.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: Error | null) => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onError = (error: Error) => settle(error);
    const onClose = () => settle(stream.errored ?? new Error('the output stream was closed'));
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/** Copies the pieces to the stream (with backpressure); ends it unless `end: false` (standard output). */
export async function writeToStream(chunks: AsyncIterable<string | Buffer>, stream: Writable, options: { end?: boolean } = {}): Promise<void> {
  for await (const chunk of chunks) await writeWithBackpressure(stream, chunk);
  if (options.end === false) return;
  const finished = once(stream, 'finish');
  stream.end();
  await finished;
}

/** Files written at once by writeToDirectory; more would only queue in the kernel. */
const PARALLEL_WRITES = 16;

/**
 * Writes a file-set export into `dir`, which must be absent or empty (so that files of an earlier
 * export never mix in). Whole files are written with a few writes in flight; `line` entries are
 * appended to their file through one open stream each.
 */
export async function writeToDirectory(entries: AsyncIterable<ExportEntry>, dir: string): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true });
  if ((await fs.promises.readdir(dir)).length > 0) throw new Error(`the output folder ${dir} is not empty: choose a new or empty folder`);
  const made = new Set<string>([path.resolve(dir)]);
  const appenders = new Map<string, fs.WriteStream>();
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const target = async (relative: string) => {
    const file = path.resolve(dir, relative);
    if (!file.startsWith(path.resolve(dir) + path.sep)) throw new Error(`export entry ${relative} would land outside the output folder`);
    const parent = path.dirname(file);
    if (!made.has(parent)) {
      await fs.promises.mkdir(parent, { recursive: true });
      made.add(parent);
    }
    return file;
  };
  try {
    for await (const entry of entries) {
      if (failure) throw failure;
      if (entry.kind === 'line') {
        let stream = appenders.get(entry.path);
        if (!stream) {
          stream = fs.createWriteStream(await target(entry.path));
          appenders.set(entry.path, stream);
        }
        await writeWithBackpressure(stream, entry.content);
        continue;
      }
      const file = await target(entry.path);
      const write: Promise<void> = fs.promises.writeFile(file, entry.content).then(
        () => void inFlight.delete(write),
        (error) => {
          failure ??= error;
          inFlight.delete(write);
        },
      );
      inFlight.add(write);
      if (inFlight.size >= PARALLEL_WRITES) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failure) throw failure;
  } finally {
    await Promise.all(
      [...appenders.values()].map((stream) => new Promise<void>((resolve) => (stream.closed ? resolve() : stream.end(() => resolve())))),
    );
  }
}

const BLOCK = 512;

/**
 * A file-set export as an (uncompressed, POSIX ustar) tar stream, for standard output and HTTP.
 * `line` entries grow in temporary files and are added at the end, once their size is known.
 */
export async function* tarStream(entries: AsyncIterable<ExportEntry>, tempDir = os.tmpdir()): AsyncGenerator<Buffer> {
  const dir = await fs.promises.mkdtemp(path.join(tempDir, 'tagwright-tar-'));
  const appenders = new Map<string, { file: string; stream: fs.WriteStream }>();
  const mtime = Math.floor(Date.now() / 1000);
  try {
    for await (const entry of entries) {
      if (entry.kind === 'line') {
        let appender = appenders.get(entry.path);
        if (!appender) {
          const file = path.join(dir, `${appenders.size}.part`);
          appender = { file, stream: fs.createWriteStream(file) };
          appenders.set(entry.path, appender);
        }
        await writeWithBackpressure(appender.stream, entry.content);
        continue;
      }
      const content = typeof entry.content === 'string' ? Buffer.from(entry.content, 'utf8') : entry.content;
      yield Buffer.concat([tarHeader(entry.path, content.length, mtime), content, padding(content.length)]);
    }
    for (const [name, appender] of appenders) {
      await new Promise<void>((resolve, reject) => appender.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
      const { size } = await fs.promises.stat(appender.file);
      yield tarHeader(name, size, mtime);
      for await (const chunk of fs.createReadStream(appender.file)) yield chunk as Buffer;
      yield padding(size);
    }
    // The end of an archive: two zero blocks.
    yield Buffer.alloc(BLOCK * 2);
  } finally {
    for (const appender of appenders.values()) appender.stream.destroy();
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** A ustar header block for a regular file (names up to 100 bytes, or 255 with a directory prefix). */
function tarHeader(name: string, size: number, mtime: number): Buffer {
  const header = Buffer.alloc(BLOCK);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`tar: the path ${name} is too long`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  header.write(base, 0, 100, 'utf8');
  header.write('0000644\0', 100, 8, 'ascii');
  header.write('0000000\0', 108, 8, 'ascii');
  header.write('0000000\0', 116, 8, 'ascii');
  header.write(size.toString(8).padStart(11, '0') + '\0', 124, 12, 'ascii');
  header.write(mtime.toString(8).padStart(11, '0') + '\0', 136, 12, 'ascii');
  header.write('        ', 148, 8, 'ascii');
  header.write('0', 156, 1, 'ascii');
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  header.write(prefix, 345, 155, 'utf8');
  let checksum = 0;
  for (const byte of header) checksum += byte;
  header.write(checksum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return header;
}
