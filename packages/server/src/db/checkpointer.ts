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
 * repeating at once until a round finds no frame committed since the previous one, so that the log
 * is fully copied and the next write starts it again from the beginning (the file does not grow;
 * measured under the queue bench: the log starts over about every second and stays under 10 MB).
 * Should writes never leave that moment (the log passes `restartFrames`, 64 MB of 4 KB pages), the
 * serving connection itself copies the frames the last pass left, between two transactions: a short
 * stall, instead of one every 4 MB. (A RESTART checkpoint on the thread would take the write lock,
 * and a transaction that has read and then writes gets SQLITE_BUSY at once instead of waiting.)
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
    // Rounds until one finds nothing new: each copies what was committed during the previous one
    // (the first copies up to 100 ms of writes, the next ones a few commits), so the log ends fully
    // copied and the next write starts it over from the beginning.
    let result;
    let previous = -1;
    for (let round = 0; round < 8; round++) {
      [result] = database.pragma('wal_checkpoint(PASSIVE)');
      if (!result || result.busy || result.log === previous) break;
      previous = result.log;
    }
    if (result && result.log > workerData.restartFrames) parentPort.postMessage({ type: 'pass', log: result.log });
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
export function startCheckpointer(file: string, connection: Connection, intervalMs = 100, restartFrames = 16_384): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs, restartFrames } });
  } catch {
    return { stop: async () => {} };
  }
  worker.unref();
  let exited = false;
  let stopping = false;
  let finishing = false;
  worker.on('message', (message: { type: string; message?: string; log?: number }) => {
    if (message.type === 'pass') {
      // The thread cannot make the log start over while writes keep coming; past the limit, this
      // connection copies the few frames the thread's pass left (between two transactions, so
      // nothing waits for a lock), and its next write starts the log from the beginning.
      if (message.log! > restartFrames && !finishing) {
        finishing = true;
        const finish = (attempt: number) => {
          if (connection.inTransaction && attempt < 1000) return void setImmediate(finish, attempt + 1);
          finishing = false;
          if (!connection.inTransaction) setPragma(connection, 'wal_checkpoint(PASSIVE)');
        };
        setImmediate(finish, 0);
      }
    } else if (message.type === 'ready') {
      setAutoCheckpoint(connection, 0);
      // When the log starts over, its file is cut back to this size.
      setPragma(connection, 'journal_size_limit = 67108864');
    }
    else if (message.type === 'error') process.emitWarning(`SQLite checkpoint failed: ${message.message}`);
  });
  worker.on('error', (error) => {
    // The thread is gone: checkpoints go back to the commits that cross the threshold.
    setAutoCheckpoint(connection, 1000);
    process.emitWarning(`SQLite checkpoint thread ended: ${error.message}`);
  });
  worker.on('exit', () => {
    exited = true;
    // A thread that ends without being asked to (terminated, out of memory) must not leave the log growing.
    if (!stopping) setAutoCheckpoint(connection, 1000);
  });
  return {
    async stop() {
      stopping = true;
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

/** The serving connection (better-sqlite3). */
interface Connection {
  pragma(source: string): unknown;
  readonly inTransaction: boolean;
}

function setAutoCheckpoint(connection: Connection, pages: number): void {
  setPragma(connection, `wal_autocheckpoint = ${pages}`);
}

function setPragma(connection: Connection, pragma: string): void {
  try {
    connection.pragma(pragma);
  } catch {
    // Already closed: nothing to do.
  }
}
