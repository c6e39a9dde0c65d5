/** v1 files: upload (multipart) and import from a URL. Use the returned `attachment_url` in a task's `attachment`. */
import type { RequestOptions, Transport } from '../core/transport.ts';
import type { FileObject } from '../types.ts';

/** What `upload` accepts: a Blob or File (see `fileFromPath`), or bytes. */
export type Uploadable = Blob | Uint8Array | ArrayBuffer;

export interface FileUploadParams {
  projectName?: string;
  displayName?: string;
  referenceId?: string;
  /** File name sent with the bytes; default the File's name, else `file`. */
  filename?: string;
  /** Any other form field, sent as text (objects as JSON). */
  [field: string]: unknown;
}

export interface FileImportParams {
  projectName?: string;
  displayName?: string;
  referenceId?: string;
  /** Any other field, sent as is. */
  [field: string]: unknown;
}

const FIELD_NAMES: Record<string, string> = { projectName: 'project_name', displayName: 'display_name', referenceId: 'reference_id' };

function wireFields(params: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || key === 'filename') continue;
    fields[FIELD_NAMES[key] ?? key] = value;
  }
  return fields;
}

/**
 * A File backed by the file on disk: its bytes are read while uploading, not loaded up front
 * (Node 19.8+, Bun, Deno; Node 18 reads the file into memory). Loads `node:fs` on its first call,
 * so that the package itself also loads in browsers, where there is no disk to read.
 */
export async function fileFromPath(filePath: string, type?: string): Promise<File> {
  const fs = await import('node:fs');
  const name = filePath.replace(/^.*[\\/]/, '');
  // Node 18 has neither fs.openAsBlob nor a global File (only node:buffer's).
  const FileClass: typeof File = globalThis.File ?? ((await import('node:buffer')) as unknown as { File: typeof File }).File;
  const blob = fs.openAsBlob ? await fs.openAsBlob(filePath, type ? { type } : undefined) : new Blob([await fs.promises.readFile(filePath)], { type });
  return new FileClass([blob], name, { type: blob.type });
}

export class Files {
  constructor(private readonly transport: Transport) {}

  /** Uploads a file as multipart form data: the text fields first, then the part `file`. */
  upload(file: Uploadable, params: FileUploadParams = {}, options?: RequestOptions): Promise<FileObject> {
    const form = new FormData();
    for (const [key, value] of Object.entries(wireFields(params))) {
      form.append(key, typeof value === 'string' ? value : JSON.stringify(value));
    }
    const blob = file instanceof Blob ? file : new Blob([file as ArrayBuffer]);
    const filename = params.filename ?? (typeof File !== 'undefined' && file instanceof File && file.name ? file.name : 'file');
    form.append('file', blob, filename);
    return this.transport.request({ method: 'POST', path: 'files/upload', body: form, options });
  }

  /** Registers a file by URL; the server answers at once and copies the content in the background. */
  import(fileUrl: string, params: FileImportParams = {}, options?: RequestOptions): Promise<FileObject> {
    return this.transport.request({ method: 'POST', path: 'files/import', body: { file_url: fileUrl, ...wireFields(params) }, options });
  }
}
