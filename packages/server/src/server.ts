import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { connect, type Db } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { buildApp, type BuildAppOptions } from './http/app.ts';
import { Readiness } from './http/health.routes.ts';
import { createServices, type Services } from './services/container.ts';
import { bootstrapFirstAccount, type BootstrapResult } from './services/bootstrap.ts';
import { Worker } from './jobs/worker.ts';
import { createJobRunners } from './jobs/runners.ts';

export interface RunningServer {
  app: FastifyInstance;
  services: Services;
  worker: Worker | undefined;
  bootstrap: BootstrapResult;
  /** Base URL the server listens on, e.g. http://127.0.0.1:8080. */
  url: string;
  /** Marks the process draining: GET /readyz answers 503 while every route keeps working. */
  beginDrain(): void;
  close(): Promise<void>;
}

/** Opens the configured database (SQLite file in the data folder unless DATABASE_URL is set). */
export function openDatabase(config: Config): Db {
  return connect({ databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'tagwright.sqlite'), poolSize: config.databasePoolSize });
}

/** Config → database → migrations → bootstrap → HTTP app and worker, as the roles ask. */
export async function startServer(config: Config, options: BuildAppOptions & { db?: Db } = {}): Promise<RunningServer> {
  const db = options.db ?? openDatabase(config);
  await migrateToLatest(db);
  const services = createServices(config, db);
  const bootstrap = await bootstrapFirstAccount(config, services.accounts, services.teams);
  const readiness = new Readiness();
  const app = await buildApp(services, { ...options, readiness });
  let url = '';
  if (config.roles.api) {
    url = await app.listen({ host: config.host, port: config.port });
    services.publicUrl.listeningOn(url);
  } else {
    await app.ready();
  }
  const worker = config.roles.worker ? new Worker(createJobRunners(services, app.log), config.workerPollMs, app.log) : undefined;
  worker?.start();
  services.onWorkQueued = () => worker?.nudge();
  return {
    app,
    services,
    worker,
    bootstrap,
    url,
    beginDrain() {
      readiness.draining = true;
    },
    async close() {
      await app.close();
      // Invitation and reset mails started by answered requests (bounded by the SMTP timeout).
      await services.teamMail.idle();
      await worker?.stop();
      await services.chatModels.close();
      await db.close();
    },
  };
}
