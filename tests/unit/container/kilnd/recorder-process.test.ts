// kilnd as a real process on this machine (temp state and workspace), driven through the real
// shell hook and its HTTP API: the receipts' order, once-per-command capture, undo, the two
// tokens, and what survives a crash or a clean stop.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain, type NostrEvent } from '../../../../src-shared/events';
import { KilndProcess } from '../../../support/kilnd-process';

const tag = (e: NostrEvent, name: string) => e.tags.find((t) => t[0] === name)?.[1];
const body = (e: NostrEvent) => JSON.parse(e.content) as Record<string, unknown>;
type Changed = { path: string; change: string; diff?: string; binary?: boolean; size?: number; oid?: string };
const changedFiles = (evs: NostrEvent[]) => evs.filter((e) => tag(e, 't') === 'changes').flatMap((e) => body(e).files as Changed[]);

describe('kilnd process', () => {
  let k: KilndProcess;
  let workspace: string;
  const sh = (cmd: string) => k.sh(cmd);
  const events = () => k.events();
  const api = (method: string, route: string, token: string | null, payload?: unknown) => k.api(method, route, token, payload);

  beforeAll(async () => {
    k = await KilndProcess.launch();
    workspace = k.workspace;
  });
  afterAll(async () => {
    await k?.dispose();
  });

  it('records checkpoint, command and one changes receipt in that order', async () => {
    expect(sh('echo hello > a.txt && mkdir -p lib && echo "export {}" > lib/b.js')).toBe(0);
    const evs = events();
    const cmd = evs.findIndex((e) => tag(e, 't') === 'command');
    expect(cmd).toBeGreaterThan(0);
    expect(evs.slice(0, cmd).some((e) => e.kind === 4602 && tag(e, 'r') === body(evs[cmd]!).checkpoint)).toBe(true);
    const after = evs.slice(cmd + 1);
    expect(after.filter((e) => tag(e, 't') === 'changes')).toHaveLength(1);
    const changes = after.find((e) => tag(e, 't') === 'changes')!;
    expect(body(changes)).toMatchObject({ total: 2, cause: evs[cmd]!.id, parent: body(evs[cmd]!).checkpoint });
    expect(changedFiles(after).map((f) => f.path).sort()).toEqual(['a.txt', 'lib/b.js']);
    expect(changedFiles(after).find((f) => f.path === 'a.txt')!.diff).toContain('+hello');
    expect(body(evs[cmd]!).cwd).toBe(fs.realpathSync(workspace));
    expect(verifyChain(evs).valid).toBe(true);
  });

  it('takes one checkpoint and one receipt for a 1,000-iteration loop of nested shells', async () => {
    const before = events().length;
    expect(sh('for i in $(seq 1000); do echo $i >> count.txt; done; for i in 1 2 3; do bash -c "echo nested >> count.txt"; done')).toBe(0);
    const added = events().slice(before);
    expect(added.filter((e) => tag(e, 't') === 'command')).toHaveLength(1);
    expect(added.filter((e) => e.kind === 4602).length).toBeLessThanOrEqual(1);
    expect(changedFiles(added).map((f) => f.path)).toEqual(['count.txt']);
  });

  it('records a binary file by its hash, without a diff', async () => {
    expect(sh("printf '\\x00\\x01\\xff\\xfe' > blob.bin")).toBe(0);
    const bin = changedFiles(events()).find((f) => f.path === 'blob.bin')!;
    expect(bin).toMatchObject({ binary: true, size: 4 });
    expect(bin.oid).toMatch(/^[0-9a-f]{40}$/);
    expect(bin.diff).toBeUndefined();
  });

  it('passes the exit code through and records it', async () => {
    expect(sh('echo x > fails.txt; exit 7')).toBe(7);
    const last = events().filter((e) => tag(e, 't') === 'command').at(-1)!;
    expect(body(last).exitCode).toBe(7);
  });

  it('undoes the last action and lets the undo be undone', async () => {
    fs.writeFileSync(path.join(workspace, 'doc.md'), '# v1\n');
    expect(sh('echo "# v2" > doc.md && rm a.txt')).toBe(0);
    const undo = await api('POST', '/api/undo', k.sessionToken);
    expect(undo.status).toBe(200);
    expect(fs.readFileSync(path.join(workspace, 'doc.md'), 'utf8')).toBe('# v1\n');
    expect(fs.readFileSync(path.join(workspace, 'a.txt'), 'utf8')).toBe('hello\n');
    const { before } = (await undo.json()) as { before: string };
    expect((await api('POST', '/api/undo', k.sessionToken, { checkpoint: before })).status).toBe(200);
    expect(fs.readFileSync(path.join(workspace, 'doc.md'), 'utf8')).toBe('# v2\n');
    expect(fs.existsSync(path.join(workspace, 'a.txt'))).toBe(false);
  });

  it('refuses reads and undo without the session token; hooks need a token too', async () => {
    expect((await api('GET', '/api/checkpoints', null)).status).toBe(401);
    expect((await api('GET', '/api/checkpoints', k.hookToken)).status).toBe(401);
    expect((await api('POST', '/api/undo', k.hookToken)).status).toBe(401);
    expect((await api('POST', '/hooks/command/start', null)).status).toBe(401);
    const bad = await api('POST', '/api/undo', k.sessionToken, { checkpoint: 'not-a-commit' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/checkpoint/);
  });

  it('continues the same chain after a crash, and starts a new session after a clean stop', async () => {
    const startId = events()[0]!.id;
    await k.stop('SIGKILL');
    await k.start();
    expect(sh('echo after-crash > crash.txt')).toBe(0);
    const afterCrash = events();
    expect(afterCrash.filter((e) => e.kind === 4600)).toHaveLength(1);
    expect(verifyChain(afterCrash).valid).toBe(true);
    // The resumed recorder knows the session's actions and its last restore point.
    const session = (await (await api('GET', '/api/session', k.sessionToken)).json()) as { actions: number; lastRestorePoint: string | null };
    expect(session.actions).toBe(afterCrash.filter((e) => e.kind === 4601).length);
    const lastCommand = afterCrash.filter((e) => tag(e, 't') === 'command').at(-1)!;
    expect(session.lastRestorePoint).toBe(body(lastCommand).checkpoint);

    await k.stop('SIGTERM');
    const ended = events();
    expect(ended.at(-1)!.kind).toBe(4604);
    expect(tag(ended.at(-1)!, 'E')).toBe(startId);
    await k.start();
    const starts = events().filter((e) => e.kind === 4600);
    expect(starts).toHaveLength(2);
    expect(starts[1]!.pubkey).not.toBe(starts[0]!.pubkey); // one keypair per agent session
  });
});
