import path from 'node:path';

/** Every environment variable the server reads, parsed in one place. Documented in README.md. */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** A postgres:// URL selects PostgreSQL; otherwise SQLite in dataDir. */
  databaseUrl: string | undefined;
  bootstrapApiKey: string | undefined;
  bootstrapTestApiKey: string | undefined;
  adminEmail: string;
  /** Which loops this process runs: the HTTP API, the background worker, or both. */
  roles: { api: boolean; worker: boolean };
  bodyLimitBytes: number;
  uploadLimitBytes: number;
  rateLimitPerMinute: number;
  defaultProjectName: string;
  /** Base URL used in links the server hands out (attachment URLs); defaults to http://host:port. */
  publicUrl: string | undefined;
  logLevel: string;
  /** Outbound HTTP (callbacks, imports) may reach private and loopback addresses only when true. */
  allowPrivateOutbound: boolean;
  importLimitBytes: number;
  workerPollMs: number;
}

function integer(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function flag(name: string, fallback: boolean, env: NodeJS.ProcessEnv): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes)$/i.test(raw)) return true;
  if (/^(0|false|no)$/i.test(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function roles(raw: string | undefined): Config['roles'] {
  const value = raw ?? 'all';
  if (value === 'all') return { api: true, worker: true };
  if (value === 'api') return { api: true, worker: false };
  if (value === 'worker') return { api: false, worker: true };
  throw new Error(`TAGWRIGHT_ROLE must be all, api or worker, got "${value}"`);
}

/** Reads the configuration from the environment; throws with the variable's name when a value is malformed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error('DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite database)');
  }
  return {
    host: env.HOST || '127.0.0.1',
    port: integer('PORT', 8080, env),
    dataDir: path.resolve(env.TAGWRIGHT_DATA_DIR || './data'),
    databaseUrl,
    bootstrapApiKey: env.TAGWRIGHT_BOOTSTRAP_API_KEY || undefined,
    bootstrapTestApiKey: env.TAGWRIGHT_BOOTSTRAP_TEST_API_KEY || undefined,
    adminEmail: env.TAGWRIGHT_ADMIN_EMAIL || 'admin@localhost',
    roles: roles(env.TAGWRIGHT_ROLE),
    bodyLimitBytes: integer('TAGWRIGHT_BODY_LIMIT_BYTES', 10 * 1024 * 1024, env),
    uploadLimitBytes: integer('TAGWRIGHT_UPLOAD_LIMIT_BYTES', 100 * 1024 * 1024, env),
    rateLimitPerMinute: integer('TAGWRIGHT_RATE_LIMIT_PER_MINUTE', 60_000, env),
    defaultProjectName: env.TAGWRIGHT_DEFAULT_PROJECT || 'default',
    publicUrl: env.TAGWRIGHT_PUBLIC_URL || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    allowPrivateOutbound: flag('TAGWRIGHT_ALLOW_PRIVATE_OUTBOUND', false, env),
    importLimitBytes: integer('TAGWRIGHT_IMPORT_LIMIT_BYTES', 100 * 1024 * 1024, env),
    workerPollMs: integer('TAGWRIGHT_WORKER_POLL_MS', 500, env),
  };
}
