import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { adviseNoEngine, type TriedEngine } from '../../../../src-main/engine/advice';
import { identifyEngine } from '../../../../src-main/engine/identify';
import { formatTried } from '../../../../src-main/engine/discover';

const absent = (endpoint: string, product?: TriedEngine['product']): TriedEngine => ({
  source: 'socket',
  endpoint,
  error: 'no socket here',
  cause: 'ENOENT',
  ...(product ? { product } : {}),
});

describe('adviseNoEngine', () => {
  it('nothing anywhere on a Mac: install Docker Desktop or OrbStack', () => {
    const e = adviseNoEngine([absent('unix:///Users/a/.docker/run/docker.sock', 'Docker Desktop')], { explicit: false, platform: 'darwin' });
    expect(e.code).toBe('E_DOCKER_NOT_FOUND');
    expect(e.message).toMatch(/this Mac/);
    expect(e.next).toMatch(/Docker Desktop.*OrbStack/);
  });

  it('nothing anywhere on Linux: install docker.io, start it, join the group', () => {
    const e = adviseNoEngine([absent('unix:///var/run/docker.sock', 'Linux dockerd')], { explicit: false, platform: 'linux' });
    expect(e.code).toBe('E_DOCKER_NOT_FOUND');
    expect(e.next).toMatch(/apt install docker\.io/);
    expect(e.next).toMatch(/systemctl enable --now docker/);
  });

  it('nothing anywhere on Windows: install Docker Desktop', () => {
    expect(adviseNoEngine([], { explicit: false, platform: 'win32' }).next).toMatch(/Docker Desktop/);
  });

  it('permission denied on Linux: the docker group, named', () => {
    const e = adviseNoEngine(
      [{ source: 'socket', endpoint: 'unix:///var/run/docker.sock', error: 'permission denied', cause: 'EACCES', product: 'Linux dockerd' }],
      { explicit: false, platform: 'linux' },
    );
    expect(e.code).toBe('E_DOCKER_PERMISSION');
    expect(e.message).toContain('/var/run/docker.sock');
    expect(e.next).toMatch(/usermod -aG docker/);
  });

  it.each([
    ['Colima', 'darwin', /colima start/],
    ['Docker Desktop', 'darwin', /Open Docker Desktop/],
    ['Rancher Desktop', 'darwin', /Rancher Desktop/],
    ['Podman', 'darwin', /podman machine start/],
    ['Podman', 'linux', /podman\.socket/],
    ['Linux dockerd', 'linux', /systemctl start docker/],
  ] as const)('%s installed but stopped (%s): how to start it', (product, platform, next) => {
    const e = adviseNoEngine(
      [absent('unix:///a.sock'), { source: 'socket', endpoint: 'unix:///b.sock', error: 'connection refused, nothing is listening', cause: 'ECONNREFUSED', product }],
      { explicit: false, platform },
    );
    expect(e.code).toBe('E_DOCKER_NOT_RUNNING');
    expect(e.message).toContain(product);
    expect(e.message).toContain('/b.sock');
    expect(e.next).toMatch(next);
  });

  it('explicit DOCKER_HOST: names the address and the way out, never a bare errno', () => {
    const e = adviseNoEngine(
      [{ source: 'DOCKER_HOST', endpoint: 'tcp://10.1.1.1:2375', error: 'timed out after 2000 ms', cause: 'ETIMEDOUT' }],
      { explicit: true, platform: 'linux' },
    );
    expect(e).toEqual({
      code: 'E_DOCKER_HOST_UNREACHABLE',
      message: 'DOCKER_HOST is set to tcp://10.1.1.1:2375, but no Docker engine answers there: timed out after 2000 ms.',
      next: 'Start the engine at that address, or unset DOCKER_HOST so Kiln looks for a local engine.',
    });
  });

  it('explicit DOCKER_CONTEXT that cannot be read', () => {
    const e = adviseNoEngine([{ source: 'context:gone', endpoint: '(context gone)', error: 'context not found', cause: 'CONTEXT' }], {
      explicit: true,
      platform: 'darwin',
    });
    expect(e.code).toBe('E_DOCKER_CONTEXT_UNREACHABLE');
    expect(e.message).toContain('"gone"');
    expect(e.message).toContain('context not found');
  });

  it('formatTried gives one readable line per place', () => {
    expect(formatTried([absent('unix:///x.sock')])).toEqual(['socket       unix:///x.sock — no socket here']);
  });
});

describe('identifyEngine', () => {
  const v = (over: Partial<Dockerode.DockerVersion>) =>
    ({ Version: '1', ApiVersion: '1.41', Os: 'linux', Arch: 'arm64', KernelVersion: '', Platform: { Name: '' }, Components: [], ...over }) as Dockerode.DockerVersion;

  it('believes what the engine says about itself first', () => {
    const sock = { source: 'socket' as const, endpoint: 'unix:///var/run/docker.sock' };
    expect(identifyEngine(sock, v({ Platform: { Name: 'Docker Desktop 4.30.0 (149282)' } }), 'darwin')).toBe('Docker Desktop');
    expect(identifyEngine(sock, v({ KernelVersion: '6.7.11-orbstack-00143-ge6b82e26cd22' }), 'darwin')).toBe('OrbStack');
    expect(identifyEngine(sock, v({ Components: [{ Name: 'Podman Engine' } as Dockerode.DockerVersion['Components'][number]] }), 'linux')).toBe('Podman');
  });

  it('then the product of the socket path, then the platform', () => {
    expect(identifyEngine({ source: 'socket', endpoint: 'unix:///h/.colima/default/docker.sock', product: 'Colima' }, v({}), 'darwin')).toBe('Colima');
    expect(identifyEngine({ source: 'socket', endpoint: 'unix:///var/run/docker.sock', product: 'Linux dockerd' }, v({}), 'linux')).toBe('Linux dockerd');
    expect(identifyEngine({ source: 'DOCKER_HOST', endpoint: 'tcp://box:2375' }, v({}), 'linux')).toBe('Docker Engine at box:2375');
    expect(identifyEngine({ source: 'DOCKER_HOST', endpoint: 'unix:///weird.sock' }, v({ KernelVersion: '5.15.49-linuxkit' }), 'darwin')).toBe('Docker Desktop');
  });
});
