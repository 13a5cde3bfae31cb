// A real inotify overflow: fs.inotify.max_queued_events is lowered while kilnd (and a bare
// @parcel/watcher subscription, the witness) start, so their inotify queues hold 32 events; a
// command then makes 6,000 files. The witness shows events really were dropped (parcel skips the
// kernel's overflow event without a word); the recorder still records every file and undo/redo
// restores them all, because a burst makes it rescan. The limit is per inotify instance, taken
// at creation, so it is restored at once (and again in afterAll, whatever happened).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import watcher, { type AsyncSubscription } from '@parcel/watcher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NostrEvent } from '../../../../src-shared/events';
import { KilndProcess } from '../../../support/kilnd-process';

const LIMIT_FILE = '/proc/sys/fs/inotify/max_queued_events';
const FILES = 6000; // half made by one `touch` (faster than any reader), half by a loop
const tag = (e: NostrEvent, name: string) => e.tags.find((t) => t[0] === name)?.[1];
const body = (e: NostrEvent) => JSON.parse(e.content) as Record<string, unknown>;

let writable = false;
try {
  fs.accessSync(LIMIT_FILE, fs.constants.W_OK);
  writable = true;
} catch { /* not root on this machine: the test cannot lower the limit */ }

describe.skipIf(!writable)('inotify overflow', () => {
  let k: KilndProcess | undefined;
  let witness: AsyncSubscription | undefined;
  const seen = new Set<string>();
  let original = '';

  beforeAll(async () => {
    original = fs.readFileSync(LIMIT_FILE, 'utf8').trim();
    try {
      fs.writeFileSync(LIMIT_FILE, '32');
      k = await KilndProcess.launch();
      fs.mkdirSync(`${k.workspace}/burst`);
      witness = await watcher.subscribe(`${k.workspace}/burst`, (_err, events) => {
        for (const e of events) if (e.type === 'create') seen.add(e.path);
      });
    } finally {
      fs.writeFileSync(LIMIT_FILE, original); // other processes on this kernel get the usual queue
    }
  }, 60_000);

  afterAll(async () => {
    if (original && fs.readFileSync(LIMIT_FILE, 'utf8').trim() !== original) fs.writeFileSync(LIMIT_FILE, original);
    await witness?.unsubscribe();
    await k?.dispose();
  }, 60_000);

  it('loses no change: every file is in the record and undo/redo restores them all', async () => {
    expect(k!.sh(`cd burst && touch $(seq -f 't%g' ${FILES / 2}) && for i in $(seq ${FILES / 2}); do echo "file $i" > f$i; done`)).toBe(0);
    await new Promise((r) => setTimeout(r, 1000)); // the witness's last batch
    console.log(`overflow: the witness watcher (queue of 32) saw ${seen.size} of ${FILES} files created`);
    expect(seen.size).toBeLessThan(FILES); // events really were dropped

    const evs = k!.events();
    const changes = evs.filter((e) => tag(e, 't') === 'changes');
    expect(changes.reduce((n, e) => n + (body(e).total as number), 0)).toBe(FILES);
    const hashes = () => new Map(fs.readdirSync(`${k!.workspace}/burst`).map((f) => [f, createHash('sha1').update(fs.readFileSync(`${k!.workspace}/burst/${f}`)).digest('hex')]));
    const after = hashes();
    expect(after.size).toBe(FILES);
    const cmd = [...evs].reverse().find((e) => tag(e, 't') === 'command')!;
    const u = await k!.api('POST', '/api/undo', k!.sessionToken, { checkpoint: body(cmd).checkpoint });
    expect(u.status).toBe(200);
    const dir = `${k!.workspace}/burst`;
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
    const { before } = (await u.json()) as { before: string };
    expect((await k!.api('POST', '/api/undo', k!.sessionToken, { checkpoint: before })).status).toBe(200);
    expect(hashes()).toEqual(after);
  }, 120_000);
});
