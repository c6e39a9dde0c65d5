import type { Environment } from './projects_batches.ts';

/** Row types of the files migration. Times are epoch milliseconds; JSON is stored as text. */
export type FileState = 'ready' | 'importing' | 'failed';

export interface FilesTable {
  id: string;
  account_id: string;
  environment: Environment;
  display_name: string | null;
  /** Known once the bytes are stored. */
  mime_type: string | null;
  size: number | null;
  sha256: string | null;
  /** Where the bytes live in the file store. */
  storage_key: string;
  state: FileState;
  /** The URL a `files/import` copies from. */
  source_url: string | null;
  /** Why an import failed. */
  error: string | null;
  /** JSON array of project names given at upload or import. */
  project_names: string;
  /** How many times a worker has claimed this import (a crashed worker's claim expires and is retried). */
  import_attempts: number;
  /** While a worker downloads the import: until when its claim lasts. */
  claimed_until: number | null;
  created_at: number;
  updated_at: number;
}

/** Server-wide key/value settings, shared by every process (for example the file-link signing secret). */
export interface SettingsTable {
  key: string;
  value: string;
  created_at: number;
}

export interface FileTables {
  files: FilesTable;
  settings: SettingsTable;
}
