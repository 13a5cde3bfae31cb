import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionStore, type SessionRecord } from '../../../../src-main/sessions/metadata';
import { sessionIdFor } from '../../../../src-main/sessions/naming';
import { kilnPaths } from '../../../../src-main/sessions/paths';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'kiln-meta-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const record = (id: string): SessionRecord => ({
  id, name: id, workspace: '/tmp/ws', createdAt: new Date(0).toISOString(), sessionToken: 'a'.repeat(64), hookToken: 'b'.repeat(64),
  agent: 'opencode', model: 'unknown', version: '0.1.0',
});

describe('session metadata on the host', () => {
  it('is written readable only by the owner, and read back the same', () => {
    const store = new SessionStore(join(tmp(), 'sessions'));
    store.write(record('demo'));
    expect(statSync(join(store.dir, 'demo.json')).mode & 0o777).toBe(0o600);
    expect(store.read('demo')).toEqual(record('demo'));
    expect(store.ids()).toEqual(['demo']);
    expect(readdirSync(store.dir)).toEqual(['demo.json']); // no temp file left behind
  });

  it('reports a damaged file as an error that names the file and the way out', () => {
    const store = new SessionStore(tmp());
    writeFileSync(join(store.dir, 'demo.json'), '{"id": "demo", "sessionToken": 3');
    expect(() => store.read('demo')).toThrow(/damaged/);
  });

  it('refuses an id that could escape the folder', () => {
    const store = new SessionStore(tmp());
    expect(() => store.read('../etc/passwd')).toThrow(/not a session id/);
  });

  it('turns names into ids a container name can carry', () => {
    expect(sessionIdFor('My Project')).toBe('my-project');
    expect(sessionIdFor('Café déjà vu!')).toBe('cafe-deja-vu');
    expect(() => sessionIdFor('!!!')).toThrow(/cannot be a session name/);
  });

  it('honours KILN_HOME and KILN_WORKSPACES', () => {
    const p = kilnPaths({ HOME: '/home/x', KILN_HOME: '/tmp/kh', KILN_WORKSPACES: '/tmp/kw' });
    expect(p).toEqual({ home: '/tmp/kh', sessions: '/tmp/kh/sessions', workspaces: '/tmp/kw' });
    expect(kilnPaths({ HOME: '/home/x' })).toEqual({ home: '/home/x/.kiln', sessions: '/home/x/.kiln/sessions', workspaces: '/home/x/Kiln' });
  });
});
