// SessionManager against the real engine where the pod cannot come up (an image with no
// recorder in it): nothing half-made is left behind, and sessions known only by their labels
// are listed with the way out. The happy path runs through the CLI: tests/integration/cli/.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionManager } from '../../../../src-main/sessions';
import { ensureTestImage, type TestImage } from '../../../support/test-images';

const docker = new Dockerode();
const home = mkdtempSync(join(tmpdir(), 'kiln-sm-'));
const labels = { 'kiln.test': '1' };
const ids: string[] = [];
let image: TestImage;
let sessions: SessionManager;

const unique = (p: string) => {
  const id = `t-${p}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
  ids.push(id);
  return id;
};

beforeAll(async () => {
  image = await ensureTestImage(docker);
  sessions = new SessionManager({ docker, image: image.tag, labels, healthTimeoutMs: 3000, paths: { home, sessions: join(home, 'sessions'), workspaces: join(home, 'ws') } });
});

afterAll(async () => {
  for (const id of ids) {
    for (const c of await docker.listContainers({ all: true, filters: { label: [`kiln.session=${id}`] } })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    await docker.getVolume(`kiln-${id}-state`).remove().catch(() => undefined);
  }
  rmSync(home, { recursive: true, force: true });
});

describe('SessionManager when a pod cannot start', () => {
  it('rolls back: no container, no volume, no metadata; the error says what to do', async () => {
    const id = unique('nostart');
    const err = await sessions.create({ name: id }).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ kiln: { code: expect.stringMatching(/^E_/), next: expect.any(String) } });
    expect(await docker.listContainers({ all: true, filters: { label: [`kiln.session=${id}`] } })).toHaveLength(0);
    await expect(docker.getVolume(`kiln-${id}-state`).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(existsSync(join(home, 'sessions', `${id}.json`))).toBe(false);
    // The new workspace folder stays (it may already hold the user's first files).
    expect(readdirSync(join(home, 'ws', id))).toContain('.git');
  });

  it('names a missing image and the command that builds it', async () => {
    const missing = new SessionManager({ docker, image: 'kiln-test/no-such-image:0', labels, paths: { home, sessions: join(home, 'sessions'), workspaces: join(home, 'ws') } });
    const id = unique('noimage');
    await expect(missing.create({ name: id })).rejects.toMatchObject({ kiln: { code: 'E_IMAGE_MISSING', next: expect.stringContaining('kiln image build') } });
  });
});

describe('SessionManager finding sessions by their labels', () => {
  it('lists a session whose metadata is gone as broken, with `kiln rm` as the way out, and removes it', async () => {
    const id = unique('orphan');
    const c = await docker.createContainer({
      Image: image.tag,
      name: `kiln-${id}-recorder`,
      Cmd: ['sleep', '600'],
      Labels: { ...labels, 'kiln.session': id, 'kiln.role': 'recorder', 'kiln.name': id, 'kiln.workspace': '/nowhere', 'kiln.created': new Date(0).toISOString() },
    });
    await c.start();
    const listed = (await sessions.list()).find((s) => s.id === id);
    expect(listed).toMatchObject({ id, state: 'broken', workspace: '/nowhere', problem: { code: 'E_SESSION_ORPHAN', next: `Remove it with \`kiln rm ${id}\`.` } });
    await expect(sessions.resume(id)).rejects.toMatchObject({ kiln: { code: 'E_SESSION_ORPHAN' } });
    await sessions.remove(id);
    expect(await docker.listContainers({ all: true, filters: { label: [`kiln.session=${id}`] } })).toHaveLength(0);
  });

  it('says plainly when there is no such session', async () => {
    await expect(sessions.get('t-never-was')).rejects.toMatchObject({ kiln: { code: 'E_SESSION_NOT_FOUND', next: expect.stringContaining('kiln ls') } });
  });
});
