// Folders the kernel will not let the recorder watch (its watch limit, fs.inotify.
// max_user_watches, reached): their changes must still reach checkpoints (every checkpoint
// rescans while any folder is unwatched), and once the limit allows, they are watched again.
// The limit is lowered for real, in a user namespace of the test's own (fixtures/watch-limit.ts),
// so nothing else on the machine is touched.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const fixture = path.join(__dirname, 'fixtures', 'watch-limit.ts');
const canUnshare = spawnSync('unshare', ['--user', '--map-root-user', 'sh', '-c', 'echo 5 > /proc/sys/user/max_inotify_watches'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!canUnshare)('the kernel watch limit', () => {
  it('loses no change in folders it cannot watch, and watches them once it can', () => {
    const run = spawnSync('unshare', ['--user', '--map-root-user', process.execPath, '--import', 'tsx', fixture], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { limited: string[]; retried: string[]; watched: string[]; quietUnchanged: boolean };
    const all = ['a/f.txt', 'b/f.txt', 'c/f.txt', 'd/f.txt', 'e/f.txt', 'f/f.txt'];
    expect(out.limited).toEqual(all); // four of these folders had no watch: a rescan found their edits
    expect(out.retried).toEqual([]);
    expect(out.watched).toEqual(all); // now by their events
    expect(out.quietUnchanged).toBe(true); // all watched again: a quiet pre-action checkpoint is a no-op once more
  }, 90_000);
});
