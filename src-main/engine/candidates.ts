// Where a Docker engine may be, in the order we ask: DOCKER_HOST, the active docker context, then
// the sockets that Docker Desktop, OrbStack, Colima, Rancher Desktop, Podman and a Linux dockerd
// create. Pure apart from reading the docker config files.
import { join } from 'node:path';
import { readActiveContext } from './context';
import type { TlsFiles } from './endpoint';

export type CandidateSource = 'DOCKER_HOST' | `context:${string}` | 'socket';

/** The products we can tell apart; `advice.ts` knows how to start each one. */
export type EngineProduct =
  | 'Docker Desktop'
  | 'OrbStack'
  | 'Colima'
  | 'Rancher Desktop'
  | 'Podman'
  | 'rootless dockerd'
  | 'Linux dockerd';

export interface EngineCandidate {
  source: CandidateSource;
  /** A Docker address: unix:///path, npipe:////./pipe/name, tcp://host:port, ssh://user@host. */
  endpoint: string;
  /** The product this place belongs to, when the path tells. */
  product?: EngineProduct;
  tls?: TlsFiles;
  /** Set when the candidate is known to be unusable before dialing (e.g. a context file is missing). */
  problem?: string;
}

export interface CandidateList {
  candidates: EngineCandidate[];
  /**
   * True when the user named one engine explicitly (DOCKER_HOST, DOCKER_CONTEXT): then only that
   * one is tried, as the Docker CLI does — silently using another engine would put sessions where
   * the user's own `docker` commands do not see them.
   */
  explicit: boolean;
}

export interface CandidateInput {
  env: NodeJS.ProcessEnv;
  home: string;
  platform: NodeJS.Platform;
}

/** Which product a socket path belongs to, by the folders each one uses. */
export function productForEndpoint(endpoint: string): EngineProduct | undefined {
  const e = endpoint.toLowerCase();
  if (e.includes('/.orbstack/')) return 'OrbStack';
  if (e.includes('/.colima/') || e.includes('/colima/')) return 'Colima';
  if (e.includes('/.rd/')) return 'Rancher Desktop';
  if (e.includes('podman')) return 'Podman';
  if (e.includes('/.docker/run/') || e.includes('com.docker.docker') || e.includes('/.docker/desktop/') || e.includes('dockerdesktop')) {
    return 'Docker Desktop';
  }
  return undefined;
}

function knownSockets(input: CandidateInput): { path: string; product: EngineProduct }[] {
  const { env, home, platform } = input;
  if (platform === 'win32') {
    return [
      { path: '//./pipe/dockerDesktopLinuxEngine', product: 'Docker Desktop' },
      { path: '//./pipe/docker_engine', product: 'Docker Desktop' },
      { path: '//./pipe/podman-machine-default', product: 'Podman' },
    ];
  }
  const h = (...p: string[]) => join(home, ...p);
  const list: { path: string; product: EngineProduct }[] = [
    { path: h('.docker', 'run', 'docker.sock'), product: 'Docker Desktop' },
    { path: h('Library', 'Containers', 'com.docker.docker', 'Data', 'docker.raw.sock'), product: 'Docker Desktop' },
    { path: h('.docker', 'desktop', 'docker.sock'), product: 'Docker Desktop' }, // Docker Desktop for Linux
    { path: h('.orbstack', 'run', 'docker.sock'), product: 'OrbStack' },
    { path: h('.colima', 'default', 'docker.sock'), product: 'Colima' },
    { path: h('.colima', 'docker.sock'), product: 'Colima' },
    { path: h('.rd', 'docker.sock'), product: 'Rancher Desktop' },
  ];
  if (env.XDG_RUNTIME_DIR) {
    list.push({ path: join(env.XDG_RUNTIME_DIR, 'podman', 'podman.sock'), product: 'Podman' });
    list.push({ path: join(env.XDG_RUNTIME_DIR, 'docker.sock'), product: 'rootless dockerd' });
  }
  list.push(
    { path: '/run/podman/podman.sock', product: 'Podman' },
    { path: h('.local', 'share', 'containers', 'podman', 'machine', 'podman.sock'), product: 'Podman' },
    { path: h('.local', 'share', 'containers', 'podman', 'machine', 'qemu', 'podman.sock'), product: 'Podman' },
    { path: h('.local', 'share', 'containers', 'podman', 'machine', 'applehv', 'podman.sock'), product: 'Podman' },
  );
  if (platform === 'darwin' && env.TMPDIR) {
    // Podman 5 machines on macOS put the API socket under $TMPDIR.
    list.push({ path: join(env.TMPDIR, 'podman', 'podman-machine-default-api.sock'), product: 'Podman' });
  }
  list.push({ path: '/var/run/docker.sock', product: platform === 'linux' ? 'Linux dockerd' : 'Docker Desktop' });
  return list;
}

function socketEndpoint(path: string, platform: NodeJS.Platform): string {
  return platform === 'win32' ? `npipe://${path}` : `unix://${path}`;
}

export function listCandidates(input: CandidateInput): CandidateList {
  const { env, home, platform } = input;
  if (env.DOCKER_HOST) {
    const tls = env.DOCKER_TLS_VERIFY ? { dir: env.DOCKER_CERT_PATH || join(home, '.docker'), verify: true } : undefined;
    const product = productForEndpoint(env.DOCKER_HOST);
    return {
      explicit: true,
      candidates: [{ source: 'DOCKER_HOST', endpoint: env.DOCKER_HOST, ...(product ? { product } : {}), ...(tls ? { tls } : {}) }],
    };
  }

  const candidates: EngineCandidate[] = [];
  const context = readActiveContext(env, home);
  if (context) {
    const product = context.host ? productForEndpoint(context.host) : undefined;
    candidates.push({
      source: `context:${context.name}`,
      endpoint: context.host ?? `(context ${context.name})`,
      ...(product ? { product } : {}),
      ...(context.tls ? { tls: context.tls } : {}),
      ...(context.problem ? { problem: context.problem } : {}),
    });
    if (context.explicit) return { explicit: true, candidates };
  }

  const seen = new Set(candidates.map((c) => c.endpoint));
  for (const { path, product } of knownSockets(input)) {
    const endpoint = socketEndpoint(path, platform);
    if (seen.has(endpoint)) continue;
    seen.add(endpoint);
    candidates.push({ source: 'socket', endpoint, product });
  }
  return { explicit: false, candidates };
}
