import type { Kysely, Migration } from 'kysely';
import type { DialectHelpers } from '../dialect.ts';

// Placeholder: this area's tables are added by its own issue.
export function filesMigration(_dialect: DialectHelpers): Migration {
  return { async up(_db: Kysely<any>) {} };
}
