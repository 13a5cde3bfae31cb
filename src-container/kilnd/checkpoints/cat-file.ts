// One long-lived `git cat-file --batch` process for objects that live in packs: git reads its
// own packs (deltas included) faster than a JS pack reader, and spawning a process per read
// would cost more than the read (a fork of a large Node process is tens of milliseconds).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface RawObject { type: string; body: Buffer }
interface Waiter { oid: string; resolve: (o: RawObject) => void; reject: (e: Error) => void }

/** One `git cat-file --batch` process with its own queue: answers arrive in request order. */
interface Batch { child: ChildProcessWithoutNullStreams; buf: Buffer; waiting: Waiter[] }

export class CatFile {
  private current: Batch | null = null;

  constructor(private readonly gitDir: string) {}

  read(oid: string): Promise<RawObject> {
    return new Promise((resolve, reject) => {
      const batch = this.start();
      batch.waiting.push({ oid, resolve, reject });
      batch.child.stdin.write(`${oid}\n`);
    });
  }

  private start(): Batch {
    if (this.current) return this.current;
    const child = spawn('git', [`--git-dir=${this.gitDir}`, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const batch: Batch = { child, buf: Buffer.alloc(0), waiting: [] };
    child.stdout.on('data', (c: Buffer) => {
      batch.buf = batch.buf.length ? Buffer.concat([batch.buf, c]) : c;
      drain(batch);
    });
    // Each process fails only its own requests: a process closed after `git gc` (close()) must
    // not take down the requests already sent to its successor.
    const fail = (e: Error) => {
      if (this.current === batch) this.current = null;
      for (const w of batch.waiting.splice(0)) w.reject(e);
    };
    child.on('error', fail);
    child.on('close', () => fail(new Error('git cat-file exited')));
    child.stdin.on('error', () => undefined); // reported through 'close'
    this.current = batch;
    return batch;
  }

  /** Lets the current process answer what it was asked, then end; the next read starts a new one. */
  close(): void {
    this.current?.child.stdin.end();
    this.current = null;
  }
}

function drain(batch: Batch): void {
  while (batch.waiting.length) {
    const nl = batch.buf.indexOf(10);
    if (nl < 0) return;
    const header = batch.buf.toString('latin1', 0, nl).split(' ');
    const w = batch.waiting[0]!;
    if (header[1] === 'missing') {
      batch.waiting.shift();
      batch.buf = batch.buf.subarray(nl + 1);
      w.reject(new Error(`object ${w.oid} is missing from the checkpoint repository`));
      continue;
    }
    const size = Number(header[2]);
    if (batch.buf.length < nl + 1 + size + 1) return; // body not complete yet
    batch.waiting.shift();
    w.resolve({ type: header[1]!, body: Buffer.from(batch.buf.subarray(nl + 1, nl + 1 + size)) });
    batch.buf = batch.buf.subarray(nl + 1 + size + 1);
  }
}
