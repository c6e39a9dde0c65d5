import type { Config } from '../config.ts';
import type { Services } from '../services/container.ts';

/** Options every command accepts. */
export interface GlobalOptions {
  json?: boolean;
}

/**
 * Opens the database the server would use (same environment variables: TAGWRIGHT_DATA_DIR,
 * DATABASE_URL), brings its schema up to date, runs `work` with the services, and closes it.
 */
export async function withServices<T>(work: (services: Services, config: Config) => Promise<T>): Promise<T> {
  // Loaded here, not at the top, so that --help and usage errors answer without loading the server.
  const [{ loadConfig }, { migrateToLatest }, { openDatabase }, { createServices }] = await Promise.all([
    import('../config.ts'),
    import('../db/migrate.ts'),
    import('../server.ts'),
    import('../services/container.ts'),
  ]);
  const config = loadConfig();
  const db = openDatabase(config);
  try {
    await migrateToLatest(db);
    return await work(createServices(config, db), config);
  } finally {
    await db.close();
  }
}

/** Prints rows as aligned columns under a header line. */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  process.stdout.write([line(headers), ...rows.map(line)].join('\n') + '\n');
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** ISO text for an epoch-millisecond instant, or '' when there is none. */
export function iso(millis: number | null | undefined): string {
  return millis === null || millis === undefined ? '' : new Date(millis).toISOString();
}
