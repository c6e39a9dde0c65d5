// Starts a server from the environment, as src/main.ts does, and prints its URL as one JSON line.
// Used by crash-recovery.test.ts to run a server in a child process that can be killed with SIGKILL.
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/server.ts';

const server = await startServer(loadConfig(), { logger: false });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
