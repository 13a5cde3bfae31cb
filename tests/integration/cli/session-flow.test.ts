// Issue 4's flow through the real CLI, real engine, real runtime image:
// up → exec a file change → timeline (checkpoint, command, file receipts) → undo → verify → down,
// then resume without a second pod, and rm (workspace folder kept).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, KilnSandbox } from './kiln-process';

interface Session { id: string; name: string; workspace: string; url?: string; state: string; reused?: boolean; containers: { recorder?: string; workspace?: string } }
interface Ev { id: string; kind: number; tags: string[][]; content: string; sig: string; pubkey: string; created_at: number }

const k = new KilnSandbox();
afterAll(() => k.cleanup());

const tag = (e: Ev, n: string) => e.tags.find((t) => t[0] === n)?.[1];
const body = (e: Ev) => JSON.parse(e.content) as Record<string, unknown>;

describe('kiln CLI: a session from up to rm', () => {
  const name = k.name('flow');
  let s: Session;

  it('kiln up starts a pod and prints id, workspace and url', async () => {
    const r = await k.json<Session>(['up', '--name', name]);
    expect(r.code, r.stderr).toBe(0);
    s = r.data;
    expect(s).toMatchObject({ id: name, state: 'running', reused: false, workspace: join(k.workspaces, name) });
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(join(s.workspace, '.git'))).toBe(true); // a new workspace is git-initialised
  });

  it('builds the pod to the contract: loopback port, limits, nothing but the workspace mounted, no session token inside', async () => {
    const rec = await k.docker.getContainer(s.containers.recorder!).inspect();
    const ws = await k.docker.getContainer(s.containers.workspace!).inspect();
    expect(rec.HostConfig.PortBindings?.['7680/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: '' }]);
    expect(rec.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
    expect(ws.HostConfig.NetworkMode).toBe(`container:${rec.Id}`);
    for (const c of [rec, ws]) {
      expect(c.HostConfig.Privileged).toBe(false);
      expect(c.HostConfig.PidsLimit).toBeGreaterThan(0);
      expect(c.HostConfig.Memory).toBeGreaterThan(0);
      expect(c.Config.Labels).toMatchObject({ 'kiln.session': name, 'kiln.workspace': s.workspace, 'kiln.name': name });
    }
    const token = (name: string) => rec.Config.Env.find((e) => e.startsWith(`${name}=`))!.split('=')[1]!;
    for (const secret of [token('KILN_SESSION_TOKEN'), token('KILN_HOOK_TOKEN')]) {
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify([rec.Config.Labels, ws.Config.Labels])).not.toContain(secret); // tokens never in labels
    }
    // Nothing of the host's but the workspace; the shared agent installs come read-only.
    expect(ws.Mounts.filter((m) => m.Type === 'bind').map((m) => m.Destination)).toEqual(['/workspace']);
    expect(ws.Mounts.filter((m) => m.Type !== 'bind').map((m) => [m.Destination, m.RW])).toEqual([['/opt/kiln/agent-installs', false]]);
    // Root only for the entrypoint (it matches user `agent` to the folder's owner); execs name `agent`.
    expect(ws.Config.User).toBe('root');
    expect(ws.Config.Env.join('\n')).not.toContain(token('KILN_SESSION_TOKEN'));
    expect(ws.Config.Env).toContain('BASH_ENV=/etc/kiln/hook.bash');
  });

  it('kiln exec changes a file in the workspace', async () => {
    const write = await k.run(['exec', name, '--', 'echo hi > a.txt']);
    expect(write.code, write.stderr).toBe(0);
    expect(readFileSync(join(s.workspace, 'a.txt'), 'utf8')).toBe('hi\n');
  });

  it('kiln timeline shows, in order, the checkpoint, the command receipt and the file receipt', async () => {
    const events = await eventually(async () => {
      const r = await k.json<Ev[]>(['timeline', name]);
      expect(r.code, r.stderr).toBe(0);
      return r.data.some((e) => e.kind === 4601 && tag(e, 't') === 'changes' && ((body(e).files ?? []) as { path: string }[]).some((f) => f.path === 'a.txt')) ? r.data : undefined;
    });
    const command = events.findIndex((e) => e.kind === 4601 && tag(e, 't') === 'command' && body(e).command === 'echo hi > a.txt');
    const file = events.findIndex((e) => e.kind === 4601 && tag(e, 't') === 'changes' && ((body(e).files ?? []) as { path: string }[]).some((f) => f.path === 'a.txt'));
    const checkpointBefore = events.slice(0, command).map((e) => e.kind).lastIndexOf(4602);
    expect(command).toBeGreaterThan(0);
    expect(checkpointBefore).toBeGreaterThanOrEqual(0);
    expect(file).toBeGreaterThan(command);
    expect(body(events[command]!).exitCode).toBe(0);
    // Raw signed NIP-01 events.
    for (const e of events) expect(Object.keys(e).sort()).toEqual(['content', 'created_at', 'id', 'kind', 'pubkey', 'sig', 'tags']);

    const only = await k.json<Ev[]>(['timeline', name, '--kind', '4602', '--limit', '1']);
    expect(only.data).toHaveLength(1);
    expect(only.data[0]!.kind).toBe(4602);
  });

  it('kiln undo restores the workspace to before the last command', async () => {
    const r = await k.json<{ restored: string; before: string; changed: number }>(['undo', name]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.data.restored).toMatch(/^[0-9a-f]{40}/);
    expect(existsSync(join(s.workspace, 'a.txt'))).toBe(false);
  });

  it('kiln checkpoints and kiln checkpoint answer in the documented shapes', async () => {
    const list = await k.json<{ id: string; commit: string; created_at: number }[]>(['checkpoints', name]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.data.length).toBeGreaterThan(0);
    expect(list.data[0]).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{64}$/), commit: expect.stringMatching(/^[0-9a-f]{40}/), created_at: expect.any(Number) });
    const cp = await k.json<{ commit: string; files: number; ms: number }>(['checkpoint', name]);
    expect(cp.code, cp.stderr).toBe(0);
    expect(cp.data).toMatchObject({ commit: expect.stringMatching(/^[0-9a-f]{40}/), files: expect.any(Number), ms: expect.any(Number) });
  });

  it('kiln verify finds every signature and link intact', async () => {
    const r = await k.json<{ events: number; valid: boolean; problems: unknown[] }>(['verify', name]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.data).toMatchObject({ valid: true, problems: [] });
    expect(r.data.events).toBeGreaterThanOrEqual(4);
  });

  it('kiln exec runs in /workspace as the folder\'s owner, streams stdout and stderr apart, passes the exit code', async () => {
    const io = await k.run(['exec', name, '--', 'echo out; echo err >&2; id -u; pwd']);
    // This test runs as root, so the folder Kiln made is root's, and so is the agent.
    expect(io.stdout).toBe(`out\n${statSync(s.workspace).uid}\n/workspace\n`);
    expect(io.stderr).toBe('err\n');
    expect((await k.run(['exec', name, '--', 'exit 3'])).code).toBe(3);
  });

  it('kiln down stops the pod and keeps the workspace; kiln up resumes the same session, no second pod', async () => {
    const down = await k.json<Session>(['down', name]);
    expect(down.code, down.stderr).toBe(0);
    expect(down.data.state).toBe('stopped');
    const ls = await k.json<Session[]>(['ls']);
    expect(ls.data.find((x) => x.id === name)?.state).toBe('stopped');
    expect(existsSync(s.workspace)).toBe(true);

    const again = await k.json<Session>(['up', '--name', name]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.data).toMatchObject({ id: name, state: 'running', reused: true, workspace: s.workspace });
    expect(await k.containers(name)).toHaveLength(2);
    // The record survived: the chain still verifies, with what came before the stop.
    const v = await k.json<{ events: number; valid: boolean }>(['verify', name]);
    expect(v.data.valid).toBe(true);
  });

  it('kiln status of an unknown session fails with one line and a next step', async () => {
    const r = await k.run(['status', 'no-such-session']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^kiln: There is no session "no-such-session"\. List sessions with `kiln ls`/);
  });

  it('kiln rm removes containers, volume and metadata but never the workspace folder', async () => {
    const r = await k.json<{ removed: boolean }>(['rm', name]);
    expect(r.code, r.stderr).toBe(0);
    expect(await k.containers(name)).toHaveLength(0);
    await expect(k.docker.getVolume(`kiln-${name}-state`).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(existsSync(join(k.home, 'sessions', `${name}.json`))).toBe(false);
    expect(existsSync(join(s.workspace, '.git'))).toBe(true);
  });
});
