// A name a person recognises for the engine we reached ("OrbStack", "Docker Desktop"), guessed
// from what the engine says about itself and, failing that, from where its socket lives.
import type Dockerode from 'dockerode';
import type { EngineCandidate } from './candidates';

export function identifyEngine(
  candidate: EngineCandidate,
  version: Dockerode.DockerVersion,
  hostPlatform: NodeJS.Platform,
): string {
  const platform = version.Platform?.Name ?? '';
  const kernel = (version.KernelVersion ?? '').toLowerCase();
  const components = (version.Components ?? []).map((c) => c.Name ?? '');

  if (components.some((n) => /podman/i.test(n)) || /podman/i.test(platform)) return 'Podman';
  if (/orbstack/i.test(platform) || kernel.includes('orbstack')) return 'OrbStack';
  if (/docker desktop/i.test(platform)) return 'Docker Desktop';
  if (candidate.product && candidate.product !== 'Linux dockerd') return candidate.product;
  if (kernel.includes('linuxkit')) return 'Docker Desktop';
  if (candidate.endpoint.startsWith('tcp://') || candidate.endpoint.startsWith('ssh://')) {
    return `Docker Engine at ${candidate.endpoint.replace(/^\w+:\/\//, '')}`;
  }
  if (hostPlatform === 'linux' && version.Os === 'linux' && candidate.endpoint.startsWith('unix://')) {
    return 'Linux dockerd';
  }
  return 'Docker Engine';
}
