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
  /** After SIGTERM, how long an API process answers /readyz with 503 but keeps serving, before it stops listening. */
  drainMs: number;
  bodyLimitBytes: number;
  uploadLimitBytes: number;
  /** Largest file a labeler attaches to a chat `file` question (docs/chat.md). */
  chatUploadLimitBytes: number;
  rateLimitPerMinute: number;
  /** How long an authenticated API key is remembered; bounds how late another process's revocation applies here. */
  keyCacheMs: number;
  defaultProjectName: string;
  /** Base URL used in links the server hands out (attachment URLs); defaults to http://host:port. */
  publicUrl: string | undefined;
  logLevel: string;
  /** One log line per request received and answered (off by default: it cost about a third of a get's CPU). */
  requestLog: boolean;
  /** Outbound HTTP (callbacks, imports) may reach private and loopback addresses only when true. */
  allowPrivateOutbound: boolean;
  importLimitBytes: number;
  /** Connect, headers and idle-body timeout for each `files/import` download. */
  importTimeoutMs: number;
  /** Model endpoints (docs/chat.md): per-phase timeout (connect, first byte, gap between tokens) and the largest answer read. */
  model: { timeoutMs: number; maxResponseBytes: number };
  workerPollMs: number;
  /** PostgreSQL connections this process keeps (statements in flight at once). */
  databasePoolSize: number;
  /** The built web UI (packages/web/dist), served at /ui/. */
  webDistDir: string;
  /** Callbacks (docs/callbacks.md): delays in seconds before each retry, after the first attempt fails. */
  callbackSchedule: number[];
  /** Per-attempt bound on a callback POST (or SMTP submission). */
  callbackTimeoutMs: number;
  /** How long a worker's claim on an outbox row lasts; a crashed worker's rows are retried after it. */
  callbackClaimMs: number;
  /** Callback deliveries in flight at once, per worker process. */
  callbackConcurrency: number;
  /** Days of callback delivery history kept (attempts, finished outbox rows but each subject's latest); 0 keeps all. */
  deliveryLogDays: number;
  /** smtp:// or smtps:// URL for email callbacks; unset means email callbacks are skipped (and logged). */
  smtpUrl: string | undefined;
  smtpFrom: string;
  /** Self-service password-reset requests let through per hour (docs/auth-and-roles.md); 0 turns a limit off. */
  passwordReset: { perEmailPerHour: number; perAddressPerHour: number };
  /** The work queue (docs/work-queue.md). */
  queue: QueueSettings;
  /** S3-compatible storage: the file store's bucket (unset: the local folder) and buckets `files/import` may read. */
  s3: S3Settings;
}

export interface S3Settings {
  /** Bucket of the file store (TAGWRIGHT_S3_BUCKET); unset keeps files in `<dataDir>/files`. */
  bucket: string | undefined;
  /** '' or a key prefix ending in '/', under which the store writes. */
  prefix: string;
  /** Endpoint of an S3-compatible server (MinIO, Ceph, R2); unset means AWS. */
  endpoint: string | undefined;
  region: string;
  /** Bucket in the path (http://host/bucket/key) instead of the host name; most self-hosted servers need it. */
  forcePathStyle: boolean;
  /** Signed file links redirect to a presigned S3 URL instead of streaming the bytes through the server. */
  presignedDownloads: boolean;
  /** Buckets `files/import` may copy from with `s3://bucket/key`. */
  importBuckets: string[];
}

export interface QueueSettings {
  /** How long a lease on a task lasts unless renewed (TAGWRIGHT_LEASE_SECONDS). */
  leaseMs: number;
  /** Share of label assignments that are gold tasks, 0..1 (TAGWRIGHT_GOLD_RATE). */
  goldRate: number;
  /** Consensus agreement at or above which the merged response is accepted, 0..1 (TAGWRIGHT_CONSENSUS_THRESHOLD). */
  consensusThreshold: number;
  /** How long a skipped task is kept from the user who skipped it (TAGWRIGHT_SKIP_COOLDOWN_SECONDS). */
  skipCooldownMs: number;
  /** How long after submitting a labeler may reopen their submission while nobody acted on it (TAGWRIGHT_REOPEN_SECONDS); 0 turns it off. */
  reopenWindowMs: number;
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

/** The contract's retry schedule (8.4): 20 retries within 24 h. */
export const DEFAULT_CALLBACK_SCHEDULE = [30, 60, 120, 240, 480, 900, 1800, 2700, 3600, 3600, 5400, 5400, 5400, 7200, 7200, 7200, 7200, 7200, 7200, 7200];

function secondsList(name: string, fallback: number[], env: NodeJS.ProcessEnv): number[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isFinite(value) || value < 0)) {
    throw new Error(`${name} must be a comma-separated list of non-negative seconds, got "${raw}"`);
  }
  return values;
}

function smtpUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.TAGWRIGHT_SMTP_URL || undefined;
  if (raw && !/^smtps?:\/\/[^/]/.test(raw)) throw new Error('TAGWRIGHT_SMTP_URL must be an smtp:// or smtps:// URL');
  return raw;
}

function roles(raw: string | undefined): Config['roles'] {
  const value = raw ?? 'all';
  if (value === 'all') return { api: true, worker: true };
  if (value === 'api') return { api: true, worker: false };
  if (value === 'worker') return { api: false, worker: true };
  throw new Error(`TAGWRIGHT_ROLE must be all, api or worker, got "${value}"`);
}

/**
 * The data folder. A relative TAGWRIGHT_DATA_DIR (and the default `./data`) is resolved against the
 * directory the person ran the command in: npm's INIT_CWD under `npm start` and `npx tagwright`
 * (npm runs the server's script inside packages/server), else the current directory. So
 * `npm start` and `npx tagwright …` run from the same folder share one database.
 */
export function resolveDataDir(env: NodeJS.ProcessEnv): string {
  return path.resolve(env.INIT_CWD || process.cwd(), env.TAGWRIGHT_DATA_DIR || './data');
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
    dataDir: resolveDataDir(env),
    databaseUrl,
    bootstrapApiKey: env.TAGWRIGHT_BOOTSTRAP_API_KEY || undefined,
    bootstrapTestApiKey: env.TAGWRIGHT_BOOTSTRAP_TEST_API_KEY || undefined,
    adminEmail: env.TAGWRIGHT_ADMIN_EMAIL || 'admin@localhost',
    roles: roles(env.TAGWRIGHT_ROLE),
    drainMs: integer('TAGWRIGHT_DRAIN_SECONDS', 0, env) * 1000,
    bodyLimitBytes: integer('TAGWRIGHT_BODY_LIMIT_BYTES', 10 * 1024 * 1024, env),
    uploadLimitBytes: integer('TAGWRIGHT_UPLOAD_LIMIT_BYTES', 100 * 1024 * 1024, env),
    chatUploadLimitBytes: integer('TAGWRIGHT_CHAT_UPLOAD_LIMIT_BYTES', 20 * 1024 * 1024, env),
    rateLimitPerMinute: integer('TAGWRIGHT_RATE_LIMIT_PER_MINUTE', 60_000, env),
    keyCacheMs: integer('TAGWRIGHT_KEY_CACHE_MS', 1000, env),
    defaultProjectName: env.TAGWRIGHT_DEFAULT_PROJECT || 'default',
    publicUrl: env.TAGWRIGHT_PUBLIC_URL || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    requestLog: flag('TAGWRIGHT_REQUEST_LOG', false, env),
    allowPrivateOutbound: flag('TAGWRIGHT_ALLOW_PRIVATE_OUTBOUND', false, env),
    importLimitBytes: integer('TAGWRIGHT_IMPORT_LIMIT_BYTES', 100 * 1024 * 1024, env),
    importTimeoutMs: integer('TAGWRIGHT_IMPORT_TIMEOUT_MS', 30_000, env),
    model: { timeoutMs: integer('TAGWRIGHT_MODEL_TIMEOUT_MS', 60_000, env), maxResponseBytes: integer('TAGWRIGHT_MODEL_MAX_BYTES', 4 * 1024 * 1024, env) },
    workerPollMs: integer('TAGWRIGHT_WORKER_POLL_MS', 500, env),
    databasePoolSize: Math.max(1, integer('TAGWRIGHT_DATABASE_POOL_SIZE', 10, env)),
    webDistDir: path.resolve(env.TAGWRIGHT_WEB_DIR || path.join(import.meta.dirname, '../../web/dist')),
    ...callbackSettings(env),
    passwordReset: {
      perEmailPerHour: integer('TAGWRIGHT_PASSWORD_RESET_PER_EMAIL', 3, env),
      perAddressPerHour: integer('TAGWRIGHT_PASSWORD_RESET_PER_ADDRESS', 20, env),
    },
    queue: queueSettings(env),
    s3: s3Settings(env),
  };
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function s3Settings(env: NodeJS.ProcessEnv): S3Settings {
  const bucket = env.TAGWRIGHT_S3_BUCKET || undefined;
  if (bucket && !BUCKET_NAME.test(bucket)) throw new Error(`TAGWRIGHT_S3_BUCKET must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens), got "${bucket}"`);
  const rawPrefix = (env.TAGWRIGHT_S3_PREFIX ?? '').replace(/^\/+|\/+$/g, '');
  if (rawPrefix && !/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(rawPrefix)) {
    throw new Error(`TAGWRIGHT_S3_PREFIX may hold letters, digits, '.', '_', '-' and '/' only, got "${env.TAGWRIGHT_S3_PREFIX}"`);
  }
  const endpoint = env.TAGWRIGHT_S3_ENDPOINT || undefined;
  if (endpoint && !/^https?:\/\/[^/]/.test(endpoint)) throw new Error(`TAGWRIGHT_S3_ENDPOINT must be an http:// or https:// URL, got "${endpoint}"`);
  const importBuckets = (env.TAGWRIGHT_S3_IMPORT_BUCKETS ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
  const badImport = importBuckets.find((name) => !BUCKET_NAME.test(name));
  if (badImport) throw new Error(`TAGWRIGHT_S3_IMPORT_BUCKETS must be a comma list of S3 bucket names, got "${badImport}"`);
  return {
    bucket,
    prefix: rawPrefix ? `${rawPrefix}/` : '',
    endpoint,
    region: env.TAGWRIGHT_S3_REGION || env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    forcePathStyle: flag('TAGWRIGHT_S3_FORCE_PATH_STYLE', false, env),
    presignedDownloads: flag('TAGWRIGHT_S3_PRESIGNED_DOWNLOADS', false, env),
    importBuckets,
  };
}

function fraction(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new Error(`${name} must be a number from 0 to 1, got "${raw}"`);
  return value;
}

function queueSettings(env: NodeJS.ProcessEnv): QueueSettings {
  const leaseSeconds = integer('TAGWRIGHT_LEASE_SECONDS', 300, env);
  if (leaseSeconds < 1) throw new Error('TAGWRIGHT_LEASE_SECONDS must be at least 1');
  return {
    leaseMs: leaseSeconds * 1000,
    goldRate: fraction('TAGWRIGHT_GOLD_RATE', 0.05, env),
    consensusThreshold: fraction('TAGWRIGHT_CONSENSUS_THRESHOLD', 0.8, env),
    skipCooldownMs: integer('TAGWRIGHT_SKIP_COOLDOWN_SECONDS', 86_400, env) * 1000,
    reopenWindowMs: integer('TAGWRIGHT_REOPEN_SECONDS', 3_600, env) * 1000,
  };
}

function callbackSettings(env: NodeJS.ProcessEnv) {
  const callbackTimeoutMs = integer('TAGWRIGHT_CALLBACK_TIMEOUT_MS', 30_000, env);
  const callbackClaimMs = integer('TAGWRIGHT_CALLBACK_CLAIM_MS', callbackTimeoutMs + 60_000, env);
  // A claim that ends while its attempt may still be in flight would let another worker send it again.
  if (callbackClaimMs <= callbackTimeoutMs) {
    throw new Error(`TAGWRIGHT_CALLBACK_CLAIM_MS (${callbackClaimMs}) must be larger than TAGWRIGHT_CALLBACK_TIMEOUT_MS (${callbackTimeoutMs})`);
  }
  const callbackConcurrency = integer('TAGWRIGHT_CALLBACK_CONCURRENCY', 64, env);
  if (callbackConcurrency < 1) throw new Error('TAGWRIGHT_CALLBACK_CONCURRENCY must be at least 1');
  return {
    callbackSchedule: secondsList('TAGWRIGHT_CALLBACK_SCHEDULE', DEFAULT_CALLBACK_SCHEDULE, env),
    callbackTimeoutMs,
    callbackClaimMs,
    callbackConcurrency,
    deliveryLogDays: integer('TAGWRIGHT_DELIVERY_LOG_DAYS', 30, env),
    smtpUrl: smtpUrl(env),
    smtpFrom: env.TAGWRIGHT_SMTP_FROM || 'tagwright@localhost',
  };
}
