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
// One shared Int32 tells both threads where the worker is, so close() waits only for a worker
// that has (or is about to have) the database open.
const IDLE = 0, OPENING = 1, CLOSED = 2, STOPPED_EARLY = 3;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const state = new Int32Array(workerData.state);
const finish = () => { Atomics.store(state, 0, ${CLOSED}); Atomics.notify(state, 0); parentPort.close(); };
let db;
if (Atomics.compareExchange(state, 0, ${IDLE}, ${OPENING}) !== ${IDLE}) {
  parentPort.close(); // the store closed before this thread got going
} else {
  try {
    const Database = require(workerData.driver);
    db = new Database(workerData.path);
    db.pragma('busy_timeout = 1000');
  } catch (err) {
    parentPort.postMessage('open: ' + String(err && err.message));
    finish();
  }
}
if (db) {
  const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage(String(err && err.message)); } };
  const timer = setInterval(checkpoint, workerData.intervalMs);
  parentPort.on('message', () => {
    clearInterval(timer);
    try { db.close(); } finally { finish(); }
  });
}
`;

/** WAL pages after which the writer checkpoints itself anyway (worker stalled or gone). */
const FALLBACK_AUTOCHECKPOINT = 10_000;

export interface Checkpointer {
  stop(): void;
}

export function startCheckpointer(db: Database.Database, path: string, intervalMs = 500): Checkpointer {
  if (path === ':memory:' || path === '') return { stop() {} };
  let worker: Worker;
  const shared = new SharedArrayBuffer(4);
  const state = new Int32Array(shared);
  try {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, intervalMs, state: shared } });
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
  worker.on('message', (msg) => {
    console.error(`[store] WAL checkpoint failed: ${String(msg)}`);
    if (String(msg).startsWith('open: ')) fallBack();
  });
  return {
    /** Close the worker's connection first (waiting briefly), so the store's own close is the
     *  last one and SQLite folds the WAL back into the database file. */
    stop() {
      worker.off('error', fallBack);
      worker.on('error', () => {});
      if (Atomics.compareExchange(state, 0, IDLE, STOPPED_EARLY) === IDLE) return; // it never opened the database
      worker.postMessage('stop');
      // The worker runs on its own thread, so it finishes while this one waits.
      const deadline = Date.now() + 5000;
      for (let now = Date.now(); Atomics.load(state, 0) !== CLOSED && now < deadline; now = Date.now()) {
        Atomics.wait(state, 0, OPENING, deadline - now);
      }
      if (Atomics.load(state, 0) !== CLOSED) void worker.terminate();
    },
  };
}
