// Moves WAL checkpoints (the part of a SQLite commit cycle that fsyncs the database file) off
// the recorder's event loop: a worker thread with its own connection checkpoints every
// intervalMs. Writers keep committing to the WAL meanwhile (WAL allows it), so an fsync stall
// on a busy disk delays nobody's acknowledgement. If the worker cannot run, the writing
// connection falls back to SQLite's own auto-checkpoint.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

// CommonJS source: an eval'd worker has require(); the driver path is resolved here, so the
// worker loads the same better-sqlite3 whether kilnd runs from source or from a bundle.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage(String(err && err.message)); } };
const timer = setInterval(checkpoint, workerData.intervalMs);
const done = new Int32Array(workerData.done);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.close(); } finally { Atomics.store(done, 0, 1); Atomics.notify(done, 0); parentPort.close(); }
});
`;

/** WAL pages after which the writer checkpoints itself anyway (worker stalled or gone). */
const FALLBACK_AUTOCHECKPOINT = 10_000;

export interface Checkpointer {
  stop(): void;
}

export function startCheckpointer(db: Database.Database, path: string, intervalMs = 500): Checkpointer {
  if (path === ':memory:' || path === '') return { stop() {} };
  let worker: Worker;
  const done = new SharedArrayBuffer(4);
  try {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, intervalMs, done } });
  } catch {
    return { stop() {} }; // keep SQLite's default auto-checkpoint
  }
  worker.unref();
  db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT}`);
  const fallBack = () => {
    try {
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
    } catch {
      // the store is closing
    }
  };
  worker.on('error', fallBack);
  worker.on('message', (msg) => console.error(`[store] WAL checkpoint failed: ${String(msg)}`));
  let started = false;
  worker.once('online', () => (started = true));
  return {
    /** Close the worker's connection first (waiting briefly), so the store's own close is the
     *  last one and SQLite folds the WAL back into the database file. */
    stop() {
      worker.off('error', fallBack);
      worker.on('error', () => {});
      worker.postMessage('stop');
      if (started) Atomics.wait(new Int32Array(done), 0, 0, 2000);
      else void worker.terminate();
    },
  };
}
