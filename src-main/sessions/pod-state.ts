// What a session's pod looks like right now, read from the engine: which containers exist, which
// run, the recorder's published port, and whether the workspace container sits in a stale
// network namespace (it joined a recorder that has since restarted).
import type Dockerode from 'dockerode';
import { httpJson } from '../timeline/http-json';
import { LABEL, RECORDER_PORT } from './pod-spec';
import { recorderName, workspaceName } from './naming';

export type SessionState = 'running' | 'stopped' | 'starting' | 'broken';

export interface ContainerView {
  id: string;
  running: boolean;
  startedAt: number;
  /** Host port of the recorder's 7680/tcp on 127.0.0.1 (recorder only, while running). */
  hostPort?: number;
  /** Workspace only: the container id in NetworkMode "container:<id>". */
  joinedTo?: string;
  labels: Record<string, string>;
}

export interface PodView {
  recorder?: ContainerView;
  workspace?: ContainerView;
}

export interface PodHealth {
  state: SessionState;
  /** Why the pod is broken, for a person (undefined when running or stopped). */
  reason?: string;
  /** The workspace container must be restarted to join the recorder's current network namespace. */
  workspaceStale: boolean;
}

async function view(docker: Dockerode, name: string): Promise<ContainerView | undefined> {
  let info: Dockerode.ContainerInspectInfo;
  try {
    info = await docker.getContainer(name).inspect();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
  const binding = info.NetworkSettings?.Ports?.[`${RECORDER_PORT}/tcp`]?.find((b) => b.HostIp === '127.0.0.1') ??
    info.NetworkSettings?.Ports?.[`${RECORDER_PORT}/tcp`]?.[0];
  const mode = info.HostConfig?.NetworkMode ?? '';
  return {
    id: info.Id,
    running: info.State.Running === true,
    startedAt: Date.parse(info.State.StartedAt) || 0,
    ...(binding?.HostPort ? { hostPort: Number(binding.HostPort) } : {}),
    ...(mode.startsWith('container:') ? { joinedTo: mode.slice('container:'.length) } : {}),
    labels: info.Config?.Labels ?? {},
  };
}

export async function inspectPod(docker: Dockerode, id: string): Promise<PodView> {
  const [recorder, workspace] = await Promise.all([view(docker, recorderName(id)), view(docker, workspaceName(id))]);
  return { ...(recorder ? { recorder } : {}), ...(workspace ? { workspace } : {}) };
}

export function podHealth(pod: PodView): PodHealth {
  const { recorder: r, workspace: w } = pod;
  if (!r && !w) return { state: 'broken', reason: 'its containers are gone', workspaceStale: false };
  if (!r) return { state: 'broken', reason: 'its recorder container is gone', workspaceStale: false };
  // Joined a recorder container that was replaced, or one that restarted after the workspace started.
  const stale = !!w && (w.joinedTo !== r.id || (w.running && r.running && r.startedAt > w.startedAt));
  if (r.running && w?.running && !stale) return { state: 'running', workspaceStale: false };
  if (!r.running && !w?.running) return { state: 'stopped', workspaceStale: stale };
  if (!r.running) return { state: 'broken', reason: 'its recorder is not running', workspaceStale: stale };
  if (!w) return { state: 'broken', reason: 'its workspace container is gone', workspaceStale: false };
  if (stale) return { state: 'broken', reason: 'its workspace container lost the recorder\'s network (the recorder restarted)', workspaceStale: true };
  return { state: 'broken', reason: 'its workspace container is not running', workspaceStale: false };
}

/**
 * Session ids that have at least one container or volume carrying kiln labels. Pods made under
 * another KILN_HOME (label kiln.home) belong to that home's sessions and are left out.
 */
export async function labelledSessionIds(docker: Dockerode, opts: { home?: string; extraFilter?: string[] } = {}): Promise<Set<string>> {
  const filters = { label: [LABEL.session, ...(opts.extraFilter ?? [])] };
  const [containers, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listVolumes({ filters }),
  ]);
  const ids = new Set<string>();
  for (const labels of [...containers.map((c) => c.Labels), ...(volumes.Volumes ?? []).map((v) => v.Labels)]) {
    const id = labels?.[LABEL.session];
    const home = labels?.[LABEL.home];
    if (id && (!opts.home || !home || home === opts.home)) ids.add(id);
  }
  return ids;
}

/** Wait until the recorder answers GET /health with ok:true. */
export async function waitForHealth(url: string, timeoutMs: number): Promise<{ session: string; actions: number }> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  // Short, fixed steps: the recorder answers within a second or two of its start. Each ask is
  // short too: before kilnd listens, docker-proxy may accept and then hold the connection.
  const delay = 40;
  for (;;) {
    try {
      const res = await httpJson(`${url}/health`, { timeoutMs: 500 });
      const body = (res.data ?? {}) as { ok?: boolean; session?: string; actions?: number };
      if (res.status === 200 && body.ok) return { session: body.session ?? '', actions: body.actions ?? 0 };
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() + delay > deadline) throw new Error(last);
    await new Promise((r) => setTimeout(r, delay));
  }
}
