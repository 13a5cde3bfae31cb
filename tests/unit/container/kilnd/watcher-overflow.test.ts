// A real inotify overflow: fs.inotify.max_queued_events is lowered while kilnd starts, so its
// inotify queue holds 32 events; a command then stops kilnd (SIGSTOP, as a starved process on a
// loaded machine reads nothing) and makes 6,000 files, so the kernel certainly drops events
// (parcel skips its overflow event without a word). Once resumed, the recorder still records
// every file and undo/redo restores them all, because a burst makes it rescan. (A live witness
// watcher only sometimes overflowed: on a quiet machine it kept up, so the overflow is now made
// certain rather than observed.) The limit is per inotify instance, taken at creation, so it is
// restored at once (and again in afterAll, whatever happened).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NostrEvent } from '../../../../src-shared/events';
import { KilndProcess } from '../../../support/kilnd-process';

const LIMIT_FILE = '/proc/sys/fs/inotify/max_queued_events';
const DIRS = 60;
const PER_DIR = 100; // half made by one `touch` (faster than any reader), half by a loop
const FILES = DIRS * PER_DIR;
const tag = (e: NostrEvent, name: string) => e.tags.find((t) => t[0] === name)?.[1];
const body = (e: NostrEvent) => JSON.parse(e.content) as Record<string, unknown>;

let writable = false;
try {
  fs.accessSync(LIMIT_FILE, fs.constants.W_OK);
  writable = true;
} catch { /* not root on this machine: the test cannot lower the limit */ }

describe.skipIf(!writable)('inotify overflow', () => {
  let k: KilndProcess | undefined;
  let original = '';

  beforeAll(async () => {
    original = fs.readFileSync(LIMIT_FILE, 'utf8').trim();
    try {
      fs.writeFileSync(LIMIT_FILE, '32');
      k = await KilndProcess.launch();
      fs.mkdirSync(`${k.workspace}/burst`);
    } finally {
      fs.writeFileSync(LIMIT_FILE, original); // other processes on this kernel get the usual queue
    }
  }, 60_000);

  afterAll(async () => {
    if (original && fs.readFileSync(LIMIT_FILE, 'utf8').trim() !== original) fs.writeFileSync(LIMIT_FILE, original);
    if (k?.pid) try { process.kill(k.pid, 'SIGCONT'); } catch { /* gone */ }
    await k?.dispose();
  }, 60_000);

  it('loses no change: every file is in the record and undo/redo restores them all', async () => {
    const pid = k!.pid!;
    // kilnd reads no event between STOP and CONT: 6,000 creations into a queue of 32. They are
    // spread over 60 new folders, so the few events that survive (and the shallow rescan of
    // their folders) cannot stand in for the full rescan a burst must trigger.
    const half = PER_DIR / 2;
    const make = `for d in $(seq ${DIRS}); do mkdir d$d && (cd d$d && touch $(seq -f 't%g' ${half}) && for i in $(seq ${half}); do echo "file $d/$i" > f$i; done) || exit 1; done`;
    expect(k!.sh(`kill -STOP ${pid}; cd burst && ${make}; s=$?; kill -CONT ${pid}; exit $s`)).toBe(0);

    const evs = k!.events();
    const changes = evs.filter((e) => tag(e, 't') === 'changes');
    expect(changes.reduce((n, e) => n + (body(e).total as number), 0)).toBe(FILES);
    const root = `${k!.workspace}/burst`;
    const hashes = () => new Map(fs.readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((f) => fs.statSync(`${root}/${f}`).isFile())
      .map((f) => [f, createHash('sha1').update(fs.readFileSync(`${root}/${f}`)).digest('hex')]));
    const after = hashes();
    expect(after.size).toBe(FILES);
    const cmd = [...evs].reverse().find((e) => tag(e, 't') === 'command')!;
    const u = await k!.api('POST', '/api/undo', k!.sessionToken, { checkpoint: body(cmd).checkpoint });
    expect(u.status).toBe(200);
    expect(fs.existsSync(root) ? fs.readdirSync(root) : []).toEqual([]);
    const { before } = (await u.json()) as { before: string };
    expect((await k!.api('POST', '/api/undo', k!.sessionToken, { checkpoint: before })).status).toBe(200);
    expect(hashes()).toEqual(after);
  }, 120_000);
});
