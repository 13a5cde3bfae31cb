// When no engine answers: one KilnError that says what was wrong and what to install or start,
// for this platform and for what we actually saw (a socket refusing is "start it", a socket we may
// not open is "join the docker group", nothing at all is "install one").
import { kilnError, type KilnError } from '../../src-shared/errors';
import type { CandidateSource, EngineProduct } from './candidates';

export interface TriedEngine {
  source: CandidateSource;
  endpoint: string;
  /** Short human reason: 'no socket here', 'connection refused, nothing is listening', 'timed out after 2000 ms', … */
  error: string;
  product?: EngineProduct;
  /** errno-like code behind `error` (ENOENT, ECONNREFUSED, EACCES, ETIMEDOUT, …). */
  cause?: string;
}

const DOCKER_DESKTOP_URL = 'https://www.docker.com/products/docker-desktop/';

export function startHint(product: EngineProduct | undefined, platform: NodeJS.Platform): string {
  switch (product) {
    case 'Docker Desktop':
      return 'Open Docker Desktop and wait until it says the engine is running, then try again.';
    case 'OrbStack':
      return 'Open OrbStack, then try again.';
    case 'Colima':
      return 'Run `colima start`, then try again.';
    case 'Rancher Desktop':
      return 'Open Rancher Desktop (container engine: dockerd), then try again.';
    case 'Podman':
      return platform === 'linux'
        ? 'Run `systemctl --user start podman.socket`, then try again.'
        : 'Run `podman machine start`, then try again.';
    case 'rootless dockerd':
      return 'Run `systemctl --user start docker`, then try again.';
    case 'Linux dockerd':
      return 'Start it with `sudo systemctl start docker` (or `sudo service docker start`), then try again.';
    default:
      return 'Start your Docker engine, then try again.';
  }
}

function installHint(platform: NodeJS.Platform): { message: string; next: string } {
  if (platform === 'darwin') {
    return {
      message: 'Kiln needs a Docker engine, and none is running on this Mac.',
      next: `Install and open Docker Desktop (${DOCKER_DESKTOP_URL}) or OrbStack (https://orbstack.dev), then try again.`,
    };
  }
  if (platform === 'win32') {
    return {
      message: 'Kiln needs a Docker engine, and none is running on this computer.',
      next: `Install and open Docker Desktop (${DOCKER_DESKTOP_URL}), then try again.`,
    };
  }
  return {
    message: 'Kiln needs a Docker engine, and none was found on this computer.',
    next:
      'Install Docker — on Debian or Ubuntu: `sudo apt install docker.io`, then `sudo systemctl enable --now docker` ' +
      'and `sudo usermod -aG docker $USER` (log out and back in) — then try again.',
  };
}

function socketPath(endpoint: string): string {
  return endpoint.replace(/^(unix|npipe):\/\//, '');
}

function permissionHint(t: TriedEngine, platform: NodeJS.Platform): string {
  if (platform === 'linux' && (t.product === 'Linux dockerd' || t.product === undefined)) {
    return 'Add yourself to the docker group — `sudo usermod -aG docker $USER` — then log out and back in and try again.';
  }
  return `Check who may open ${socketPath(t.endpoint)}, or restart ${t.product ?? 'the engine'}, then try again.`;
}

// Nothing installed there: no socket, a stray plain file, an unreadable context.
const ABSENT = new Set(['ENOENT', 'ENOTSOCK', 'CONTEXT', 'EINVAL']);

export function adviseNoEngine(tried: TriedEngine[], opts: { explicit: boolean; platform: NodeJS.Platform }): KilnError {
  const { platform } = opts;
  const first = tried[0];

  if (opts.explicit && first) {
    const denied = first.cause === 'EACCES' || first.cause === 'EPERM';
    if (first.source === 'DOCKER_HOST') {
      return kilnError(
        denied ? 'E_DOCKER_PERMISSION' : 'E_DOCKER_HOST_UNREACHABLE',
        `DOCKER_HOST is set to ${first.endpoint}, but no Docker engine answers there: ${first.error}.`,
        denied
          ? permissionHint(first, platform)
          : 'Start the engine at that address, or unset DOCKER_HOST so Kiln looks for a local engine.',
      );
    }
    const name = first.source.replace(/^context:/, '');
    return kilnError(
      denied ? 'E_DOCKER_PERMISSION' : 'E_DOCKER_CONTEXT_UNREACHABLE',
      `DOCKER_CONTEXT selects the docker context "${name}", but no Docker engine answers there: ${first.error}.`,
      denied
        ? permissionHint(first, platform)
        : `Start that engine, or unset DOCKER_CONTEXT so Kiln looks for a local engine.`,
    );
  }

  const denied = tried.find((t) => t.cause === 'EACCES' || t.cause === 'EPERM');
  if (denied) {
    return kilnError(
      'E_DOCKER_PERMISSION',
      `A Docker engine is at ${socketPath(denied.endpoint)}, but this user may not open it (permission denied).`,
      permissionHint(denied, platform),
    );
  }

  // A socket that exists but does not answer: the product is installed and stopped (or starting).
  const present = tried.find((t) => t.cause !== undefined && !ABSENT.has(t.cause));
  if (present) {
    const who = present.product ?? 'A Docker engine';
    return kilnError(
      'E_DOCKER_NOT_RUNNING',
      `${who} seems to be installed (${socketPath(present.endpoint)}), but it does not answer: ${present.error}.`,
      startHint(present.product, platform),
    );
  }

  const { message, next } = installHint(platform);
  return kilnError('E_DOCKER_NOT_FOUND', message, next);
}
