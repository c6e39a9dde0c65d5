import type { StoredFile } from '../repositories/file.repository.ts';
import { attachmentUrlOf } from '../services/file.service.ts';
import { toIso } from '../domain/time.ts';

/**
 * The file object (contract 4.4): `id` and `attachment_url` always, with `created_at`,
 * `updated_at` and `project_names`; `mime_type` and `size` once the bytes are stored;
 * `display_name` when known. `state` (ready, importing, failed) is a Tagwright addition,
 * and `error` says why an import failed.
 */
export function presentFile(file: StoredFile): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    id: file.id,
    attachment_url: attachmentUrlOf(file.id),
    created_at: toIso(file.created_at),
    updated_at: toIso(file.updated_at),
  };
  if (file.mime_type !== null) wire.mime_type = file.mime_type;
  if (file.size !== null) wire.size = file.size;
  wire.project_names = file.project_names;
  if (file.display_name !== null) wire.display_name = file.display_name;
  wire.state = file.state;
  if (file.state === 'failed' && file.error !== null) wire.error = file.error;
  return wire;
}
