// Find the Docker engine to use: DOCKER_HOST, the active docker context, then the known sockets of
// Docker Desktop, OrbStack, Colima, Rancher Desktop, Podman and /var/run/docker.sock.
//
// Fall-through policy: when the user named an engine explicitly (DOCKER_HOST or DOCKER_CONTEXT),
// only that engine is tried and a dead one is reported, like the Docker CLI. A context chosen in
// ~/.docker/config.json is ambient (tools switch it behind the user's back), so when it does not
// answer we go on to the known sockets; the `tried` list still shows it first.
import { homedir } from 'node:os';
import type Dockerode from 'dockerode';
import type { KilnError } from '../../src-shared/errors';
import { adviseNoEngine, type TriedEngine } from './advice';
import { listCandidates, type CandidateSource, type EngineCandidate } from './candidates';
import { identifyEngine } from './identify';
import { probeCandidate, type ProbeResult } from './probe';

export interface DiscoverOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  platform?: NodeJS.Platform;
  /** Per candidate; candidates are asked in parallel, so this bounds the whole search. */
  timeoutMs?: number;
  /** Replace the computed candidate list (tests, or a user-chosen engine in settings). */
  candidates?: EngineCandidate[];
}

export interface EngineFound {
  ok: true;
  docker: Dockerode;
  source: CandidateSource;
  endpoint: string;
  /** 'Docker Desktop', 'OrbStack', 'Colima', 'Rancher Desktop', 'Podman', 'Linux dockerd', … */
  name: string;
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
  /** Candidates that came before the one used and did not answer. */
  tried: TriedEngine[];
}

export interface EngineMissing {
  ok: false;
  tried: TriedEngine[];
  error: KilnError;
}

export type DiscoverResult = EngineFound | EngineMissing;

export const DEFAULT_DISCOVER_TIMEOUT_MS = 2000;

export async function discoverEngine(opts: DiscoverOptions = {}): Promise<DiscoverResult> {
  const env = opts.env ?? process.env;
  const home = opts.home ?? env.HOME ?? homedir();
  const platform = opts.platform ?? process.platform;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_DISCOVER_TIMEOUT_MS;

  const { candidates, explicit } = opts.candidates
    ? { candidates: opts.candidates, explicit: false }
    : listCandidates({ env, home, platform });

  // All at once: a dead candidate costs its timeout only once, not once per place in the list.
  const probes: ProbeResult[] = await Promise.all(
    candidates.map((c) => probeCandidate(c, { timeoutMs, ...(env.SSH_AUTH_SOCK ? { sshAgent: env.SSH_AUTH_SOCK } : {}) })),
  );

  const tried: TriedEngine[] = [];
  for (const [i, candidate] of candidates.entries()) {
    const probe = probes[i]!;
    if (probe.ok) {
      const v = probe.version;
      return {
        ok: true,
        docker: probe.docker,
        source: candidate.source,
        endpoint: candidate.endpoint,
        name: identifyEngine(candidate, v, platform),
        version: v.Version,
        apiVersion: v.ApiVersion,
        os: v.Os,
        arch: v.Arch,
        tried,
      };
    }
    tried.push({
      source: candidate.source,
      endpoint: candidate.endpoint,
      error: probe.error,
      ...(candidate.product ? { product: candidate.product } : {}),
      ...(probe.cause ? { cause: probe.cause } : {}),
    });
  }
  return { ok: false, tried, error: adviseNoEngine(tried, { explicit, platform }) };
}

/** One line per place tried, for `kiln doctor` and logs. */
export function formatTried(tried: TriedEngine[]): string[] {
  return tried.map((t) => `${t.source.padEnd(12)} ${t.endpoint} — ${t.error}`);
}
