import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listCandidates, productForEndpoint } from '../../../../src-main/engine/candidates';
import { readActiveContext } from '../../../../src-main/engine/context';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'kiln-cand-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function context(name: string, meta: unknown, current = true, configDir = join(home, '.docker')) {
  const dir = join(configDir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
  mkdirSync(dir, { recursive: true });
  if (current) writeFileSync(join(configDir, 'config.json'), JSON.stringify({ currentContext: name }));
  writeFileSync(join(dir, 'meta.json'), typeof meta === 'string' ? meta : JSON.stringify(meta));
}

describe('listCandidates', () => {
  it('DOCKER_HOST alone, explicitly, even when a context is configured', () => {
    context('c', { Endpoints: { docker: { Host: 'unix:///c.sock' } } });
    const list = listCandidates({ env: { DOCKER_HOST: 'tcp://h:2375' }, home, platform: 'linux' });
    expect(list).toEqual({ explicit: true, candidates: [{ source: 'DOCKER_HOST', endpoint: 'tcp://h:2375' }] });
  });

  it('DOCKER_HOST with DOCKER_TLS_VERIFY takes certificates from DOCKER_CERT_PATH', () => {
    const list = listCandidates({ env: { DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }, home, platform: 'linux' });
    expect(list.candidates[0]!.tls).toEqual({ dir: '/certs', verify: true });
  });

  it('the current context first, then the known sockets in order, ending with /var/run/docker.sock', () => {
    context('orbstack', { Endpoints: { docker: { Host: `unix://${home}/.orbstack/run/docker.sock` } } });
    const { explicit, candidates } = listCandidates({ env: { XDG_RUNTIME_DIR: '/run/user/1000' }, home, platform: 'linux' });
    expect(explicit).toBe(false);
    expect(candidates[0]).toMatchObject({ source: 'context:orbstack', product: 'OrbStack' });
    const endpoints = candidates.map((c) => c.endpoint);
    // The context's socket is not asked twice.
    expect(endpoints.filter((e) => e.endsWith('/.orbstack/run/docker.sock'))).toHaveLength(1);
    expect(endpoints).toContain(`unix://${home}/.colima/default/docker.sock`);
    expect(endpoints).toContain(`unix://${home}/.rd/docker.sock`);
    expect(endpoints).toContain('unix:///run/user/1000/podman/podman.sock');
    expect(endpoints).toContain('unix:///run/podman/podman.sock');
    expect(endpoints).toContain(`unix://${home}/.local/share/containers/podman/machine/qemu/podman.sock`);
    expect(endpoints.at(-1)).toBe('unix:///var/run/docker.sock');
    expect(candidates.at(-1)!.product).toBe('Linux dockerd');
    expect(endpoints.indexOf(`unix://${home}/.docker/run/docker.sock`)).toBeLessThan(endpoints.indexOf(`unix://${home}/.colima/default/docker.sock`));
  });

  it('DOCKER_CONTEXT is explicit: that context only', () => {
    context('remote', { Endpoints: { docker: { Host: 'ssh://me@box' } } }, false);
    const list = listCandidates({ env: { DOCKER_CONTEXT: 'remote' }, home, platform: 'darwin' });
    expect(list).toEqual({ explicit: true, candidates: [{ source: 'context:remote', endpoint: 'ssh://me@box' }] });
  });

  it('a missing or broken context is a candidate with a problem, not a crash', () => {
    expect(listCandidates({ env: { DOCKER_CONTEXT: 'nope' }, home, platform: 'linux' }).candidates).toEqual([
      { source: 'context:nope', endpoint: '(context nope)', problem: 'context not found' },
    ]);
    context('broken', '{not json');
    expect(readActiveContext({}, home)).toMatchObject({ name: 'broken', problem: 'context file is not valid JSON' });
    context('empty', { Endpoints: {} });
    expect(readActiveContext({}, home)).toMatchObject({ name: 'empty', problem: 'context has no docker endpoint' });
  });

  it('"default" context means no context; DOCKER_CONFIG moves the config folder', () => {
    context('default', { Endpoints: { docker: { Host: 'unix:///x.sock' } } });
    expect(readActiveContext({}, home)).toBeUndefined();
    const elsewhere = join(home, 'cfg');
    context('moved', { Endpoints: { docker: { Host: 'unix:///m.sock' } } }, true, elsewhere);
    expect(readActiveContext({ DOCKER_CONFIG: elsewhere }, home)).toMatchObject({ name: 'moved', host: 'unix:///m.sock', explicit: false });
  });

  it('a context with TLS material points at its tls folder', () => {
    context('secure', { Endpoints: { docker: { Host: 'tcp://h:2376', SkipTLSVerify: true } } });
    const hash = createHash('sha256').update('secure').digest('hex');
    mkdirSync(join(home, '.docker', 'contexts', 'tls', hash, 'docker'), { recursive: true });
    expect(readActiveContext({}, home)!.tls).toEqual({ dir: join(home, '.docker', 'contexts', 'tls', hash, 'docker'), verify: false });
  });

  it('Windows: named pipes of Docker Desktop and Podman', () => {
    const { candidates } = listCandidates({ env: {}, home, platform: 'win32' });
    expect(candidates.map((c) => c.endpoint)).toEqual([
      'npipe:////./pipe/dockerDesktopLinuxEngine',
      'npipe:////./pipe/docker_engine',
      'npipe:////./pipe/podman-machine-default',
    ]);
  });
});

describe('productForEndpoint', () => {
  it.each([
    ['unix:///Users/a/.orbstack/run/docker.sock', 'OrbStack'],
    ['unix:///Users/a/.colima/default/docker.sock', 'Colima'],
    ['unix:///Users/a/.rd/docker.sock', 'Rancher Desktop'],
    ['unix:///run/user/1000/podman/podman.sock', 'Podman'],
    ['unix:///Users/a/.docker/run/docker.sock', 'Docker Desktop'],
    ['unix:///var/run/docker.sock', undefined],
  ])('%s → %s', (endpoint, product) => {
    expect(productForEndpoint(endpoint)).toBe(product);
  });
});
