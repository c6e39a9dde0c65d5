import crypto from 'node:crypto';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Caller } from './account.service.ts';
import type { ProjectService } from './project.service.ts';
import type { PublicUrl } from './public-url.ts';
import type { FileRepository, StoredFile } from '../repositories/file.repository.ts';
import type { SettingsRepository } from '../repositories/settings.repository.ts';
import { FileTooLarge, type ByteRange, type FileStore } from '../storage/file-store.ts';
import { parseS3Url } from '../storage/s3-url.ts';
import type { S3Settings } from '../config.ts';
import { Forbidden, InvalidRequest, NotFound, PayloadTooLarge } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { readString, readStringArray } from '../domain/lenient.ts';
import { baseMimeType, chooseMimeType, isGenericMimeType, mimeTypeFromName } from '../domain/mime.ts';

export type { StoredFile } from '../repositories/file.repository.ts';

/** One part of a `files/upload` body, independent of the multipart parser that produced it. */
export type UploadPart =
  | { kind: 'field'; name: string; value: string }
  | {
      kind: 'file';
      name: string;
      filename: string | undefined;
      mimeType: string | undefined;
      stream: Readable;
      /** True when the parser cut the part at its own size limit. */
      truncated(): boolean;
    };

/** How an upload made for a task differs from a v1 `files/upload` (see FileService.upload). */
export interface UploadOptions {
  limitBytes?: number;
  /** The setting that sets `limitBytes`, named in the 413. */
  limitSetting?: string;
  projectNames?: string[];
  /** Throws to refuse the stored file (its bytes are deleted and nothing is recorded). */
  vet?: (file: { mimeType: string; size: number; name: string | null }) => void;
}

export interface FileServiceOptions {
  uploadLimitBytes: number;
  importLimitBytes: number;
  /** The store's bucket and prefix (never importable) and the buckets `s3://` imports may read. */
  s3: Pick<S3Settings, 'bucket' | 'prefix' | 'importBuckets' | 'presignedDownloads'>;
  publicUrl: PublicUrl;
  /** Called after an import row is committed, so an in-process worker starts at once. */
  notifyWork: () => void;
}

const ATTACHMENT_PREFIX = 'tagwright://files/';
const SIGNING_SECRET_SETTING = 'file_link_signing_secret';
/** Default lifetime of a signed link. */
const SIGNED_LINK_SECONDS = 6 * 3600;
/** Expiry times are rounded up to this step, so the same file gets the same link for a while (browser caching). */
const SIGNED_LINK_STEP_SECONDS = 600;
const MAX_IMPORT_ATTEMPTS = 3;
/** How long a worker holds an import before another worker may take it over. */
const IMPORT_CLAIM_MS = 15 * 60_000;
const SNIFF_BYTES = 32;

/** The attachment reference a file hands out (contract 4.4); tasks store it in `attachment`. */
export function attachmentUrlOf(fileId: string): string {
  return ATTACHMENT_PREFIX + fileId;
}

/** The file id inside a `tagwright://files/<id>` attachment, or undefined for any other value. */
export function fileIdFromAttachmentUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith(ATTACHMENT_PREFIX)) return undefined;
  const id = value.slice(ATTACHMENT_PREFIX.length);
  return /^[A-Za-z0-9_-]+$/.test(id) ? id : undefined;
}

/** Where a file's bytes live in the store; spread over 256 folders by the id's random tail. */
function storageKeyOf(fileId: string): string {
  return `${fileId.slice(-2)}/${fileId}`;
}

function tooLarge(limit: number, setting: string): PayloadTooLarge {
  return new PayloadTooLarge(`The file is larger than this server accepts (${limit} bytes; set by ${setting}).`);
}

/** Passes bytes through and keeps the first few, to recognise the format. */
function headCapture(): { stream: Transform; head: () => Buffer } {
  let head = Buffer.alloc(0);
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
      callback(null, chunk);
    },
  });
  // The store reports a failure through its own pipeline; it may attach that a tick after the
  // stream is destroyed, so an early error must not surface as an uncaught 'error' event.
  stream.on('error', () => undefined);
  return { stream, head: () => head };
}

/**
 * Files (contract 4.4): multipart uploads streamed to the file store, imports queued for the
 * worker, reads scoped to (account, environment), and signed, time-limited download links.
 */
export class FileService {
  private signingSecret: Buffer | undefined;

  constructor(
    private readonly files: FileRepository,
    private readonly settings: SettingsRepository,
    private readonly store: FileStore,
    private readonly projects: ProjectService,
    private readonly options: FileServiceOptions,
  ) {}

  /** Deletes upload leftovers of crashed processes (see jobs/purges.ts). */
  purgeUnfinishedUploads(olderThanMs: number): Promise<number> {
    return this.store.purgeUnfinished(olderThanMs);
  }

  /**
   * Stores the one part named `file` and records it with the text parts (`project_name`, `display_name`).
   * `options` serve uploads made for a task (chat file questions): a smaller size limit and the
   * setting that names it, the project(s) to record instead of the text parts, and `vet`, which may
   * refuse the stored file by its sniffed type before it is recorded (nothing is kept then).
   */
  async upload(caller: Caller, parts: AsyncIterable<UploadPart>, options: UploadOptions = {}): Promise<StoredFile> {
    const limit = options.limitBytes ?? this.options.uploadLimitBytes;
    const limitSetting = options.limitSetting ?? 'TAGWRIGHT_UPLOAD_LIMIT_BYTES';
    const fields = new Map<string, string[]>();
    let stored: { id: string; key: string; size: number; sha256: string; mimeType: string; filename: string | undefined } | undefined;
    try {
      for await (const part of parts) {
        if (part.kind === 'field') {
          fields.set(part.name, [...(fields.get(part.name) ?? []), part.value]);
          continue;
        }
        if (part.name !== 'file' || stored) {
          part.stream.resume();
          throw new InvalidRequest(`Send exactly one file, in the multipart part named 'file' (got a file part named '${part.name}').`);
        }
        const id = newId();
        const key = storageKeyOf(id);
        const sniffer = headCapture();
        // A store failure destroys the sniffer, and pipeline() then destroys the part, which stops parsing.
        pipeline(part.stream, sniffer.stream).catch(() => undefined);
        let object;
        try {
          object = await this.store.put(key, sniffer.stream, { maxBytes: limit });
        } catch (error) {
          if (error instanceof FileTooLarge) throw tooLarge(limit, limitSetting);
          throw error;
        }
        stored = { id, key, ...object, mimeType: chooseMimeType(part.mimeType, sniffer.head(), part.filename), filename: part.filename };
        if (part.truncated()) throw tooLarge(limit, limitSetting);
      }
      if (!stored) throw new InvalidRequest("Missing the file: send it as the multipart part named 'file'.");
      const projectNames = options.projectNames ?? (await this.checkProjects(caller, [...(fields.get('project_name') ?? []), ...(fields.get('project_names') ?? [])]));
      const displayName = fields.get('display_name')?.at(-1) || stored.filename || null;
      const mimeType = isGenericMimeType(stored.mimeType) ? (mimeTypeFromName(displayName ?? undefined) ?? stored.mimeType) : stored.mimeType;
      options.vet?.({ mimeType, size: stored.size, name: displayName });
      const now = Date.now();
      const file: StoredFile = {
        id: stored.id,
        account_id: caller.account.id,
        environment: caller.environment,
        display_name: displayName,
        mime_type: mimeType,
        size: stored.size,
        sha256: stored.sha256,
        storage_key: stored.key,
        state: 'ready',
        source_url: null,
        error: null,
        project_names: projectNames,
        import_attempts: 0,
        claimed_until: null,
        created_at: now,
        updated_at: now,
      };
      await this.files.insert(file);
      return file;
    } catch (error) {
      if (stored) await this.store.delete(stored.key).catch(() => undefined);
      throw error;
    }
  }

  /** Records an import and queues it; answers at once, before the source is contacted (contract 4.4). */
  async import(caller: Caller, body: Record<string, unknown>): Promise<StoredFile> {
    const fileUrl = readString(body.file_url, 'file_url');
    if (!fileUrl) throw new InvalidRequest("Missing required parameter 'file_url': the http(s) URL (or s3://bucket/key) to copy the file from.");
    const source = this.importSource(fileUrl);
    const requested = [readString(body.project_name, 'project_name'), ...(readStringArray(body.project_names, 'project_names') ?? [])];
    const projectNames = await this.checkProjects(caller, requested.filter((name): name is string => name !== undefined));
    const displayName = readString(body.display_name, 'display_name') || source.lastSegment || null;
    const now = Date.now();
    const id = newId(now);
    const file: StoredFile = {
      id,
      account_id: caller.account.id,
      environment: caller.environment,
      display_name: displayName,
      mime_type: null,
      size: null,
      sha256: null,
      storage_key: storageKeyOf(id),
      state: 'importing',
      source_url: source.url,
      error: null,
      project_names: projectNames,
      import_attempts: 0,
      claimed_until: null,
      created_at: now,
      updated_at: now,
    };
    await this.files.insert(file);
    this.options.notifyWork();
    return file;
  }

  /** A file of the caller's account and environment; 404 otherwise. */
  async get(caller: Caller, id: string): Promise<StoredFile> {
    const file = await this.files.find(caller.account.id, caller.environment, id);
    if (!file) throw new NotFound(`No file with id ${id}.`);
    return file;
  }

  /** The caller's files among `ids`, by id, in one query; ids of no file of theirs are absent. */
  async getMany(caller: Caller, ids: readonly string[]): Promise<Map<string, StoredFile>> {
    const files = await this.files.findMany(caller.account.id, caller.environment, [...new Set(ids)]);
    return new Map(files.map((file) => [file.id, file]));
  }

  /** A file whose bytes can be read now: 404 when unknown, 400 while importing or after a failed import. */
  async getReadable(caller: Caller, id: string): Promise<StoredFile> {
    return this.requireReady(await this.get(caller, id));
  }

  /** The file a signed link names, if the signature is right and the link has not expired. */
  async getReadableBySignature(id: string, expires: string | undefined, signature: string | undefined, now = Date.now()): Promise<StoredFile> {
    if (!expires || !/^\d{1,12}$/.test(expires) || !signature) {
      throw new Forbidden('This file link is incomplete: it needs its expires and signature parameters.');
    }
    const expected = Buffer.from(await this.sign(id, Number(expires)), 'hex');
    const given = Buffer.from(/^[0-9a-f]+$/i.test(signature) ? signature : '', 'hex');
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
      throw new Forbidden('This file link is not valid: its signature does not match.');
    }
    if (Number(expires) * 1000 < now) throw new Forbidden('This file link has expired; ask for a fresh one.');
    const file = await this.files.findById(id);
    if (!file) throw new NotFound(`No file with id ${id}.`);
    return this.requireReady(file);
  }

  /** A stream of a ready file's bytes, or of one byte range of them. */
  async openBytes(file: StoredFile, range?: ByteRange): Promise<Readable> {
    try {
      return await this.store.openRead(file.storage_key, range);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFound(`The content of file ${file.id} is missing from the file store.`);
      throw error;
    }
  }

  /**
   * A signed, time-limited HTTP link to a file's bytes that needs no API key (contract 5.9,
   * `include_attachment_url`). It does not check that the file exists: the link answers 404 if not.
   */
  async signedFileUrl(fileId: string, options: { ttlSeconds?: number; now?: number } = {}): Promise<string> {
    const now = options.now ?? Date.now();
    const ttl = options.ttlSeconds ?? SIGNED_LINK_SECONDS;
    const expires = Math.ceil((now / 1000 + ttl) / SIGNED_LINK_STEP_SECONDS) * SIGNED_LINK_STEP_SECONDS;
    const signature = await this.sign(fileId, expires);
    return `${this.options.publicUrl.base}/app/files/${encodeURIComponent(fileId)}?expires=${expires}&signature=${signature}`;
  }

  /** Signed links for several files at once (one secret lookup), keyed by file id. */
  async signedFileUrls(fileIds: readonly string[], options: { ttlSeconds?: number; now?: number } = {}): Promise<Map<string, string>> {
    const links = new Map<string, string>();
    for (const id of new Set(fileIds)) links.set(id, await this.signedFileUrl(id, options));
    return links;
  }

  /** Which of these file ids are ready files of the caller's account and environment (one query). */
  readyFileIds(caller: Caller, ids: readonly string[]): Promise<Set<string>> {
    return this.files.readyIds(caller.account.id, caller.environment, [...new Set(ids)]);
  }

  /** Claims imports for this worker; rows claimed too often (the worker died mid-download) fail for good. */
  async claimImports(limit: number, now = Date.now()): Promise<StoredFile[]> {
    const claimed = await this.files.claimImports(now, now + IMPORT_CLAIM_MS, limit);
    const runnable: StoredFile[] = [];
    for (const file of claimed) {
      if (file.import_attempts > MAX_IMPORT_ATTEMPTS) {
        await this.files.finishImport(file.id, { state: 'failed', error: `import abandoned after ${MAX_IMPORT_ATTEMPTS} interrupted attempts` }, now);
      } else runnable.push(file);
    }
    return runnable;
  }

  /**
   * Copies a claimed import's source into the store with `fetchInto` (which streams the source
   * into the writable it is given and reports the source's content type), then marks the file
   * ready, or failed with the reason. Never throws for a failed download.
   */
  async runImport(file: StoredFile, fetchInto: (destination: Writable) => Promise<{ contentType?: string }>): Promise<StoredFile['state']> {
    const limit = this.options.importLimitBytes;
    const sniffer = headCapture();
    const fetching = fetchInto(sniffer.stream).catch((error: unknown) => {
      // A failure before any byte arrived never ends the stream; end it so the store stops waiting.
      sniffer.stream.destroy(error as Error);
      throw error;
    });
    // A store failure (size cap) destroys the sniffer, which ends the download's pipeline too.
    const [fetched, stored] = await Promise.allSettled([fetching, this.store.put(file.storage_key, sniffer.stream, { maxBytes: limit })]);
    const now = Date.now();
    if (fetched.status === 'fulfilled' && stored.status === 'fulfilled') {
      const declared = fetched.value.contentType;
      const mimeType = chooseMimeType(declared, sniffer.head(), file.display_name ?? file.source_url ?? undefined);
      const finished = await this.files.finishImport(
        file.id,
        { state: 'ready', mime_type: isGenericMimeType(mimeType) ? (mimeTypeFromName(file.source_url ?? undefined) ?? baseMimeType(mimeType)) : mimeType, size: stored.value.size, sha256: stored.value.sha256 },
        now,
      );
      if (!finished) await this.store.delete(file.storage_key).catch(() => undefined);
      return 'ready';
    }
    await this.store.delete(file.storage_key).catch(() => undefined);
    const reason =
      stored.status === 'rejected' && stored.reason instanceof FileTooLarge
        ? `the source is larger than the ${limit}-byte import limit (TAGWRIGHT_IMPORT_LIMIT_BYTES)`
        : messageOf(fetched.status === 'rejected' ? fetched.reason : (stored as PromiseRejectedResult).reason);
    await this.files.finishImport(file.id, { state: 'failed', error: `Import from ${file.source_url} failed: ${reason}` }, now);
    return 'failed';
  }

  /** Checks an import's `file_url`: an http(s) URL, or `s3://bucket/key` in a bucket the deployment allows. */
  private importSource(fileUrl: string): { url: string; lastSegment: string } {
    if (fileUrl.startsWith('s3://')) {
      const location = parseS3Url(fileUrl);
      if (!location) throw new InvalidRequest(`Invalid value for 'file_url': "${fileUrl}" is not of the form s3://bucket/key.`);
      const { bucket, prefix, importBuckets } = this.options.s3;
      if (!importBuckets.includes(location.bucket)) {
        throw new InvalidRequest(
          `Invalid value for 'file_url': this server may not import from bucket "${location.bucket}" (the buckets it may read are listed in TAGWRIGHT_S3_IMPORT_BUCKETS${importBuckets.length ? `: ${importBuckets.join(', ')}` : ', which is empty'}).`,
        );
      }
      // Every account's files live there: importing one by its key would read another account's file.
      if (location.bucket === bucket && location.key.startsWith(prefix)) {
        throw new InvalidRequest(`Invalid value for 'file_url': s3://${bucket}/${prefix} is where this server keeps its own files; import from another key or bucket.`);
      }
      return { url: fileUrl, lastSegment: location.key.split('/').pop() ?? '' };
    }
    let parsed: URL;
    try {
      parsed = new URL(fileUrl);
    } catch {
      throw new InvalidRequest(`Invalid value for 'file_url': "${fileUrl}" is not an absolute URL.`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new InvalidRequest(`Invalid value for 'file_url': only http, https and s3 URLs can be imported (got ${parsed.protocol}).`);
    }
    return { url: parsed.toString(), lastSegment: decodeURIComponentSafe(parsed.pathname.split('/').pop() ?? '') };
  }

  /**
   * Where a signed link should send the client instead of streaming: a presigned URL straight
   * into the bucket, when the store has them and TAGWRIGHT_S3_PRESIGNED_DOWNLOADS is on. It lasts
   * no longer than the signed link itself, so the link's expiry still bounds access.
   */
  async directDownloadUrl(file: StoredFile, secondsLeft: number): Promise<string | undefined> {
    if (!this.options.s3.presignedDownloads || !this.store.downloadUrl || secondsLeft <= 0) return undefined;
    return this.store.downloadUrl(file.storage_key, {
      expiresInSeconds: Math.min(secondsLeft, 3600),
      contentType: file.mime_type ?? 'application/octet-stream',
      contentDisposition: `inline; filename*=UTF-8''${encodeURIComponent(file.display_name ?? file.id)}`,
    });
  }

  /** Resolves when the file store answers (readiness); stores without a check always pass. */
  async checkStore(): Promise<void> {
    await this.store.check?.();
  }

  private requireReady(file: StoredFile): StoredFile {
    if (file.state === 'importing') throw new InvalidRequest(`File ${file.id} is still being imported; its content is not available yet.`);
    if (file.state === 'failed') throw new InvalidRequest(`File ${file.id} has no content: its import failed (${file.error ?? 'unknown reason'}).`);
    return file;
  }

  /** Every named project must exist in the caller's environment (contract 3.4: an unknown project in a body is 400). */
  private async checkProjects(caller: Caller, names: string[]): Promise<string[]> {
    const unique = [...new Set(names.map((name) => name.trim()).filter((name) => name !== ''))];
    for (const name of unique) {
      if (!(await this.projects.find(caller, name))) throw new InvalidRequest(`Invalid value for 'project_name': no project named "${name}".`);
    }
    return unique;
  }

  private async sign(fileId: string, expires: number): Promise<string> {
    this.signingSecret ??= Buffer.from(await this.settings.getOrInsert(SIGNING_SECRET_SETTING, crypto.randomBytes(32).toString('hex')), 'hex');
    return crypto.createHmac('sha256', this.signingSecret).update(`file:${fileId}:${expires}`).digest('hex');
  }
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message || error.name : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
  return cause && !message.includes(cause) ? `${message} (${cause})` : message;
}
