import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * SQLite (file databases): moves write-ahead-log checkpoints off the event loop.
 *
 * Why: better-sqlite3 runs every statement synchronously on the event loop, and SQLite's automatic
 * checkpoint runs inside the commit that crosses `wal_autocheckpoint` (1,000 pages): it copies the
 * log into the database file and fsyncs it, 10–30 ms during which the whole server answers nothing
 * (measured in bench/queue.bench.ts: those commits were the work queue's p99). Here the connection
 * that serves requests gets `wal_autocheckpoint = 0`, and a worker thread with its own connection
 * runs PASSIVE checkpoints (they never wait for or block writers and readers) every `intervalMs`,
 * repeating at once while the log has frames left to copy, so that the log is soon fully copied and
 * the next write starts it again from the beginning (the file does not grow).
 *
 * If the thread cannot start, the main connection keeps SQLite's automatic checkpoints.
 */
export interface Checkpointer {
  stop(): Promise<void>;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const database = new SQLite(workerData.file);
database.pragma('busy_timeout = 5000');
let timer;
let stopped = false;
function pass() {
  try {
    // Up to 3 rounds: each copies what was written during the previous one, so the last is short.
    for (let round = 0; round < 3; round++) {
      const [result] = database.pragma('wal_checkpoint(PASSIVE)');
      if (!result || result.busy || result.checkpointed >= result.log) break;
    }
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error && error.message || error) });
  }
  if (!stopped) timer = setTimeout(pass, workerData.intervalMs);
}
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  stopped = true;
  clearTimeout(timer);
  database.close();
  parentPort.postMessage({ type: 'stopped' });
});
parentPort.postMessage({ type: 'ready' });
timer = setTimeout(pass, workerData.intervalMs);
`;

/**
 * Starts the checkpoint thread for `file` and, once it runs, turns automatic checkpoints off on
 * `connection`. The thread never keeps the process alive.
 */
export function startCheckpointer(file: string, connection: { pragma(source: string): unknown }, intervalMs = 100): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs } });
  } catch {
    return { stop: async () => {} };
  }
  worker.unref();
  let exited = false;
  worker.on('message', (message: { type: string; message?: string }) => {
    if (message.type === 'ready') setAutoCheckpoint(connection, 0);
    else if (message.type === 'error') process.emitWarning(`SQLite checkpoint failed: ${message.message}`);
  });
  worker.on('error', (error) => {
    // The thread is gone: checkpoints go back to the commits that cross the threshold.
    setAutoCheckpoint(connection, 1000);
    process.emitWarning(`SQLite checkpoint thread ended: ${error.message}`);
  });
  worker.on('exit', () => {
    exited = true;
  });
  return {
    async stop() {
      if (exited) return;
      await new Promise<void>((resolve) => {
        const timeout = setTimeout(() => void worker.terminate().then(() => resolve()), 2000);
        worker.on('exit', () => {
          clearTimeout(timeout);
          resolve();
        });
        worker.on('message', (message: { type: string }) => {
          if (message.type === 'stopped') void worker.terminate();
        });
        worker.postMessage('stop');
      });
    },
  };
}

function setAutoCheckpoint(connection: { pragma(source: string): unknown }, pages: number): void {
  try {
    connection.pragma(`wal_autocheckpoint = ${pages}`);
  } catch {
    // Already closed: nothing to do.
  }
}
