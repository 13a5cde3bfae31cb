// The recorder in a real pod built from the runtime image: receipts, undo, auth, hostile files,
// and a workspace container that dies mid-command.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_EVENT_BYTES, verifyChain, type NostrEvent } from '../../../src-shared/events';
import { bySeq, execIn, readEvents, startTestPod, waitFor, type TestPod } from '../../support/pod';

const tag = (e: NostrEvent, name: string) => e.tags.find((t) => t[0] === name)?.[1];
const content = (e: NostrEvent) => JSON.parse(e.content) as Record<string, unknown>;
type Changed = { path: string; change: string; diff?: string };
/** Every file named by the changes receipts among `events`. */
const changedFiles = (events: NostrEvent[]) => events.filter((e) => e.kind === 4601 && tag(e, 't') === 'changes').flatMap((e) => content(e).files as Changed[]);
const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Hashes of every file under dir (relative path → sha256), to compare trees byte for byte. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, full)] = sha(full);
  }
  return out;
}

/** Files the test writes from the host must be writable by the agent (uid 1001) in the pod. */
function hostWrite(file: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o777 });
  fs.chmodSync(path.dirname(file), 0o777);
  fs.writeFileSync(file, data, { mode: 0o666 });
  fs.chmodSync(file, 0o666);
}

describe('recorder in a real pod', () => {
  let pod: TestPod;

  /** The hooks answer before their receipts are stored: wait for them, as `kiln exec` does. */
  const settledEvents = async () => {
    expect((await pod.api('GET', '/api/settled')).status).toBe(200);
    return pod.events();
  };

  beforeAll(async () => {
    pod = await startTestPod({ prefix: 'rec' });
  });
  afterAll(async () => {
    await pod?.remove();
  });

  it('records a command as checkpoint → command → one changes receipt, signed and chained', async () => {
    hostWrite(path.join(pod.workspace, 'keep.txt'), 'original\n');
    const result = await pod.exec('echo "hello from the agent" > notes.txt && echo changed >> keep.txt');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);

    const events = bySeq(await settledEvents());
    const commandIdx = events.findIndex((e) => e.kind === 4601 && tag(e, 't') === 'command' && String(content(e).command).includes('notes.txt'));
    expect(commandIdx).toBeGreaterThan(0);
    const command = events[commandIdx]!;
    expect(content(command).exitCode).toBe(0);
    const before = events.slice(0, commandIdx).reverse().find((e) => e.kind === 4602)!;
    expect(content(before).reason).toBe('pre-command');
    expect(content(command).checkpoint).toBe(tag(before, 'r'));
    const receipts = events.slice(commandIdx + 1).filter((e) => e.kind === 4601 && tag(e, 't') === 'changes');
    expect(receipts).toHaveLength(1);
    expect(content(receipts[0]!)).toMatchObject({ total: 2, cause: command.id });
    const files = changedFiles(receipts);
    expect(files.map((f) => f.path).sort()).toEqual(['keep.txt', 'notes.txt']);
    const notes = files.find((f) => f.path === 'notes.txt')!;
    expect(notes.change).toBe('added');
    expect(String(notes.diff)).toContain('+hello from the agent');

    const report = verifyChain(events);
    expect(report.problems).toEqual([]);
    expect(report.valid).toBe(true);
  });

  it('undoes to the checkpoint byte for byte, and the undo itself can be undone', async () => {
    hostWrite(path.join(pod.workspace, 'data.bin'), Buffer.from([0, 1, 2, 255, 254, 10, 13]));
    hostWrite(path.join(pod.workspace, 'src', 'app.js'), 'console.log(1)\n');
    const cp = await pod.api<{ commit: string }>('POST', '/api/checkpoint');
    expect(cp.status).toBe(200);
    const original = snapshot(pod.workspace);

    const run = await pod.exec('rm -rf src data.bin && echo new > added.txt && printf "\\x00\\x01" > keep.txt');
    expect(run.exitCode).toBe(0);
    const changed = snapshot(pod.workspace);
    expect(changed).not.toEqual(original);

    const undo = await pod.api<{ restored: string; before: string; changed: number }>('POST', '/api/undo', {});
    expect(undo.status).toBe(200);
    expect(snapshot(pod.workspace)).toEqual(original);

    const redo = await pod.api('POST', '/api/undo', { checkpoint: undo.body.before });
    expect(redo.status).toBe(200);
    expect(snapshot(pod.workspace)).toEqual(changed);
  });

  it('lets an unauthenticated client read nothing', async () => {
    await expect(readEvents(pod.url, null, [{ limit: 10 }])).rejects.toThrow(/auth-required/);
    await expect(readEvents(pod.url, 'f'.repeat(64), [{ limit: 10 }])).rejects.toThrow(/auth|restricted|not allowed/i);
    expect((await pod.api('GET', '/api/checkpoints', undefined, null)).status).toBe(401);
    // The hook token (which the workspace holds) may add receipts but not read or undo.
    expect((await pod.api('GET', '/api/checkpoints', undefined, pod.hookToken)).status).toBe(401);
    expect((await pod.api('POST', '/api/undo', {}, pod.hookToken)).status).toBe(401);
  });

  it('handles a 200 MB binary and hostile file contents without a crash or an oversized event', async () => {
    const run = await pod.exec([
      'head -c 200000000 /dev/urandom > big.bin',
      "printf 'ctrl:\\x01\\x02\\x1b[31m bad utf8:\\xff\\xfe\\xc3\\x28 end\\n' > hostile.txt",
      "printf 'x%.0s' $(seq 1 100000) > wide.txt",
    ].join(' && '));
    expect(run.exitCode).toBe(0);
    const health = await fetch(`${pod.url}/health`);
    expect(health.ok).toBe(true);
    const events = await settledEvents();
    for (const e of events) expect(Buffer.byteLength(JSON.stringify(e))).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    const hostile = events.find((e) => e.kind === 4601 && (content(e).files as Changed[] | undefined)?.some((f) => f.path === 'hostile.txt'));
    expect(hostile).toBeDefined();
    expect(hostile!.content).not.toMatch(/[\u0001\u0002\u001b]/);
    expect(events.some((e) => e.kind === 4603 && String(content(e).what).includes('big.bin'))).toBe(true);
    expect(verifyChain(bySeq(events)).valid).toBe(true);
  });

  it('loses nothing when the workspace container is killed mid-command', async () => {
    const before = await pod.events();
    const running = execIn(pod.workspaceContainer, ['bash', '-c', 'echo partial > partial.txt; sleep 60']).catch(() => null);
    await waitFor(async () => fs.existsSync(path.join(pod.workspace, 'partial.txt')), 20_000, 'the command to start');
    await pod.workspaceContainer.kill();
    await running;
    // The watcher still records what the dead command left behind.
    await waitFor(async () => changedFiles(await pod.events()).some((f) => f.path === 'partial.txt'), 40_000, 'partial.txt receipt');
    const after = bySeq(await pod.events());
    const ids = new Set(after.map((e) => e.id));
    for (const e of before) expect(ids.has(e.id)).toBe(true);
    // The killed command's checkpoint was taken before it ran, and kept.
    expect(after.slice(before.length).some((e) => e.kind === 4602)).toBe(true);
    expect(verifyChain(after).valid).toBe(true);
  });
});
