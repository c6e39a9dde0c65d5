import { loadConfig } from './config.ts';
import { startServer } from './server.ts';

const config = loadConfig();
const server = await startServer(config);
const log = server.app.log;
if (server.bootstrap.generatedKeys) {
  // Shown once: only hashes are stored.
  const { live, test } = server.bootstrap.generatedKeys;
  process.stdout.write(
    `\n  Tagwright created the first account. Save these API keys now; they are not shown again.\n` +
      `    live key: ${live}\n    test key: ${test}\n    admin teammate: ${config.adminEmail}\n\n`,
  );
}
log.info({ url: server.url, database: server.services.db.dialect.name, roles: config.roles }, 'tagwright started');
if (config.roles.worker && !config.smtpUrl) {
  // Contract 8.6: email callbacks are never dropped silently.
  log.warn('no mail transport configured (TAGWRIGHT_SMTP_URL): email callback targets will be skipped, logged as such, and get callback_succeeded=false');
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  try {
    if (config.roles.api && config.drainMs > 0) {
      // The load balancer sees /readyz fail and stops sending new requests; until then they are served.
      log.info({ signal, drainMs: config.drainMs }, 'draining: /readyz answers 503, requests are still served');
      server.beginDrain();
      await new Promise((resolve) => setTimeout(resolve, config.drainMs));
    }
    log.info({ signal }, 'shutting down: finishing in-flight requests, releasing claimed background work');
    await server.close();
    process.exit(0);
  } catch (error) {
    log.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
