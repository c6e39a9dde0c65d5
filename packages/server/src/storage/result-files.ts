import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import type { FileStore } from './file-store.ts';

/**
 * Result files (task-types §1.2): masks and annotation files a response points at. Each response
 * gets a folder named by 192 random bits; the URL `<public base>/r/<folder>/<name>` is a capability
 * that works without an API key (FiftyOne and Scale's own clients fetch with a plain GET). Files
 * are written once and never rewritten: a fix writes a new folder, so `prior_responses` keep theirs.
 */
export const RESULT_URL_PREFIX = '/r/';

/** Content types by file extension; only these kinds of result file exist. */
export const RESULT_CONTENT_TYPES: Record<string, string> = { png: 'image/png', json: 'application/json' };

const FOLDER = /^[A-Za-z0-9_-]{32}$/;
const NAME = /^([A-Za-z0-9_-]{1,120})\.(png|json)$/;

/** A fresh, unguessable folder name (24 random bytes, base64url). */
export function newResultFolder(): string {
  return crypto.randomBytes(24).toString('base64url');
}

/** The store key of a result file, or undefined when the folder or name cannot be one (a 404, not an error). */
export function resultFileKey(folder: string, name: string): string | undefined {
  const match = NAME.exec(name);
  if (!FOLDER.test(folder) || !match) return undefined;
  return `results/${folder}/${match[2]}/${match[1]}`;
}

/** The public URL of a result file. */
export function resultFileUrl(publicBase: string, folder: string, name: string): string {
  return `${publicBase}${RESULT_URL_PREFIX}${folder}/${name}`;
}

/** A file name part made of the characters result names allow (labels may hold anything). */
export function safeFileStem(text: string): string {
  const stem = text.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80);
  return stem === '' ? 'label' : stem;
}

/** Writes one result file; returns its URL. */
export async function putResultFile(files: FileStore, publicBase: string, folder: string, name: string, bytes: Buffer): Promise<string> {
  const key = resultFileKey(folder, name);
  if (!key) throw new Error(`invalid result file name "${folder}/${name}"`);
  await files.put(key, Readable.from([bytes]), { maxBytes: bytes.length });
  return resultFileUrl(publicBase, folder, name);
}

/** The bytes of a result file by its URL (any host: only the `/r/<folder>/<name>` path counts); undefined when it is not one or is gone. */
export async function readResultFile(files: FileStore, url: string): Promise<Buffer | undefined> {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const match = /^\/r\/([^/]+)\/([^/]+)$/.exec(pathname);
  const key = match ? resultFileKey(match[1], match[2]) : undefined;
  if (!key) return undefined;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of await files.openRead(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
