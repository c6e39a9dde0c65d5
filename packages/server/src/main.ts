import { loadConfig } from './config.ts';
import { startServer } from './server.ts';
import { startNotice } from './start-notice.ts';

const config = loadConfig();
const server = await startServer(config);
const log = server.app.log;
// Shown once: only hashes of the keys and of the sign-in token are stored.
process.stdout.write(startNotice(server.bootstrap, server.services.publicUrl.base, config.adminEmail));
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
