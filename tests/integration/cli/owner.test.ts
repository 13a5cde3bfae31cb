// Issue 12, item 1, as a normal Linux user: a non-root user in the docker group, umask 077, runs
// the real `kiln` on the real engine. On a folder Kiln makes and on one the user already has
// (mode 0700), the agent writes as that user: the files are the user's on the host, undo
// restores them with the user's ownership, and Kiln never changes the folder's owner or mode.
// A root-owned folder gets a root agent. Skipped, with the reason, where users cannot be made.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../../scripts/build.mjs';
import { RUNTIME_IMAGE } from '../../../src-main/engine/images';
import { ROOT } from './kiln-process';

const USER = `kt${process.pid % 100000}`;
const BIN = path.join(ROOT, 'bin', 'kiln.mjs');
const image = process.env.KILN_TEST_RUNTIME_IMAGE ?? process.env.KILN_IMAGE ?? RUNTIME_IMAGE;

function why(): string | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'needs root on Linux to create a test user';
  for (const tool of ['useradd', 'userdel', 'runuser']) if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `needs ${tool}`;
  if (spawnSync('getent', ['group', 'docker']).status !== 0) return 'needs a docker group';
  return undefined;
}
const skip = why();

interface Session { id: string; workspace: string; state: string }
interface Run { code: number; stdout: string; stderr: string }

describe.skipIf(skip)(`kiln as a normal user in the docker group, umask 077${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let base: string;
  let home: string;
  let uid: number;
  let gid: number;
  const sessions: string[] = [];

  /** `kiln ARGS` as the test user, umask 077, with its own HOME and Kiln folders. */
  const kiln = (args: string[]): Run => {
    const env = [`HOME=${home}`, `KILN_HOME=${home}/.kiln`, `KILN_WORKSPACES=${home}/Kiln`, 'KILN_LABELS=kiln.test=1', `KILN_IMAGE=${image}`, `PATH=${process.env.PATH}`];
    const r = spawnSync('runuser', ['-u', USER, '--', 'env', '-i', ...env, 'sh', '-c', 'umask 077; exec "$0" "$@"', process.execPath, BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  };
  const json = <T>(args: string[]): T => {
    const r = kiln([...args, '--json']);
    expect(r.code, `kiln ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return JSON.parse(r.stdout) as T;
  };
  const owner = (p: string) => { const st = fs.statSync(p); return { uid: st.uid, gid: st.gid }; };
  const mode = (p: string) => fs.statSync(p).mode & 0o7777;

  beforeAll(async () => {
    // The user's own commands start from the bundle, as after `npm run setup`.
    await buildCli();
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-owner-'));
    fs.chmodSync(base, 0o755);
    home = path.join(base, 'home');
    execFileSync('useradd', ['--create-home', '--home-dir', home, '--user-group', '--groups', 'docker', '--shell', '/bin/sh', USER]);
    fs.chmodSync(home, 0o700);
    uid = fs.statSync(home).uid;
    gid = fs.statSync(home).gid;
  });

  afterAll(() => {
    for (const id of sessions) kiln(['rm', id]);
    spawnSync('userdel', [USER]);
    if (base) fs.rmSync(base, { recursive: true, force: true });
  });

  it('kiln up on a new folder: the folder is the user\'s (0700), the agent writes as the user, undo restores as the user', () => {
    const name = `own-new-${process.pid}`;
    sessions.push(name);
    const s = json<Session>(['up', '--name', name]);
    expect(s.state).toBe('running');
    expect(s.workspace).toBe(path.join(home, 'Kiln', name));
    expect(owner(s.workspace)).toEqual({ uid, gid });
    expect(mode(s.workspace)).toBe(0o700); // the user's umask, untouched by Kiln

    const id = kiln(['exec', name, '--', 'id -u; id -g; echo hi > a.txt; mkdir -p d/e; echo x > d/e/b.txt']);
    expect(id.code, id.stderr).toBe(0);
    expect(id.stdout).toBe(`${uid}\n${gid}\n`);
    for (const p of ['a.txt', 'd', 'd/e', 'd/e/b.txt']) expect(owner(path.join(s.workspace, p)), p).toEqual({ uid, gid });

    // Change and delete, then undo to before that: the files come back, and they are the user's.
    expect(kiln(['exec', name, '--', 'rm -r a.txt d; echo later > c.txt']).code).toBe(0);
    const undo = json<{ restored: string }>(['undo', name]);
    expect(undo.restored).toMatch(/^[0-9a-f]{40}/);
    expect(fs.readFileSync(path.join(s.workspace, 'a.txt'), 'utf8')).toBe('hi\n');
    expect(fs.readFileSync(path.join(s.workspace, 'd/e/b.txt'), 'utf8')).toBe('x\n');
    expect(fs.existsSync(path.join(s.workspace, 'c.txt'))).toBe(false);
    for (const p of ['a.txt', 'd', 'd/e', 'd/e/b.txt']) expect(owner(path.join(s.workspace, p)), `restored ${p}`).toEqual({ uid, gid });
    expect(owner(s.workspace)).toEqual({ uid, gid });
    expect(mode(s.workspace)).toBe(0o700);
  });

  it('kiln up --workspace on a folder the user already has, mode 0700: writable, the user\'s, unchanged', () => {
    const dir = path.join(home, 'project');
    expect(spawnSync('runuser', ['-u', USER, '--', 'sh', '-c', `umask 077; mkdir ${dir} && echo mine > ${dir}/notes.txt`]).status).toBe(0);
    const name = `own-old-${process.pid}`;
    sessions.push(name);
    const s = json<Session>(['up', '--name', name, '--workspace', dir]);
    expect(s.workspace).toBe(dir);
    const w = kiln(['exec', name, '--', 'cat notes.txt && echo new > new.txt']);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toBe('mine\n');
    expect(owner(path.join(dir, 'new.txt'))).toEqual({ uid, gid });
    expect(owner(dir)).toEqual({ uid, gid });
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, 'notes.txt'))).toBe(0o600);
  });

  it('a root-owned folder gets a root agent, and stays root\'s', () => {
    const dir = path.join(base, 'root-owned');
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    const name = `own-root-${process.pid}`;
    sessions.push(name);
    json<Session>(['up', '--name', name, '--workspace', dir]);
    const w = kiln(['exec', name, '--', 'id -u && echo made > made.txt']);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toBe('0\n');
    expect(owner(path.join(dir, 'made.txt'))).toEqual({ uid: 0, gid: 0 });
    expect(owner(dir)).toEqual({ uid: 0, gid: 0 });
    expect(mode(dir)).toBe(0o755);
  });
});
