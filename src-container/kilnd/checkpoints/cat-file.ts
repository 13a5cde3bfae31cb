// One long-lived `git cat-file --batch` process for objects that live in packs: git reads its
// own packs (deltas included) faster than a JS pack reader, and spawning a process per read
// would cost more than the read (a fork of a large Node process is tens of milliseconds).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface RawObject { type: string; body: Buffer }
interface Waiter { oid: string; resolve: (o: RawObject) => void; reject: (e: Error) => void }

export class CatFile {
  private child: ChildProcessWithoutNullStreams | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private readonly waiting: Waiter[] = [];

  constructor(private readonly gitDir: string) {}

  read(oid: string): Promise<RawObject> {
    return new Promise((resolve, reject) => {
      const child = this.start();
      this.waiting.push({ oid, resolve, reject });
      child.stdin.write(`${oid}\n`);
    });
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn('git', [`--git-dir=${this.gitDir}`, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, c]) : c;
      this.drain();
    });
    const fail = (e: Error) => {
      this.child = null;
      for (const w of this.waiting.splice(0)) w.reject(e);
    };
    child.on('error', fail);
    child.on('close', () => fail(new Error('git cat-file exited')));
    child.stdin.on('error', () => undefined); // reported through 'close'
    this.child = child;
    return child;
  }

  private drain(): void {
    while (this.waiting.length) {
      const nl = this.buf.indexOf(10);
      if (nl < 0) return;
      const header = this.buf.toString('latin1', 0, nl).split(' ');
      const w = this.waiting[0]!;
      if (header[1] === 'missing') {
        this.waiting.shift();
        this.buf = this.buf.subarray(nl + 1);
        w.reject(new Error(`object ${w.oid} is missing from the checkpoint repository`));
        continue;
      }
      const size = Number(header[2]);
      if (this.buf.length < nl + 1 + size + 1) return; // body not complete yet
      this.waiting.shift();
      w.resolve({ type: header[1]!, body: Buffer.from(this.buf.subarray(nl + 1, nl + 1 + size)) });
      this.buf = this.buf.subarray(nl + 1 + size + 1);
    }
  }

  close(): void {
    this.child?.stdin.end();
    this.child = null;
  }
}
