// Kiln's own Ollama, for machines without a native one: the official ollama/ollama image in a
// container named kiln-ollama, one models volume shared by every session, its API published on
// 127.0.0.1 only. Sessions reach it by name on a user-defined network (kiln-models) that each
// session's recorder joins (the workspace shares the recorder's network namespace), so an agent
// talks to http://kiln-ollama:11434 and nothing else on the machine or the LAN can.
import type Dockerode from 'dockerode';
import { KilnFailure, kilnError } from '../../src-shared/errors';

export const OLLAMA_IMAGE = 'ollama/ollama:latest';
export const OLLAMA_CONTAINER = 'kiln-ollama';
export const OLLAMA_VOLUME = 'kiln-ollama-models';
export const MODELS_NETWORK = 'kiln-models';
/** How a session's agent reaches the container (by name, on MODELS_NETWORK). */
export const OLLAMA_NETWORK_URL = `http://${OLLAMA_CONTAINER}:11434`;
export const OLLAMA_HOST_PORT = 11434;

export type OllamaContainerState = { state: 'absent' } | { state: 'stopped' | 'running'; url?: string; id: string };

const status = (err: unknown) => (err as { statusCode?: number }).statusCode;

export async function ollamaContainerState(docker: Dockerode): Promise<OllamaContainerState> {
  let info: Dockerode.ContainerInspectInfo;
  try {
    info = await docker.getContainer(OLLAMA_CONTAINER).inspect();
  } catch (err) {
    if (status(err) === 404) return { state: 'absent' };
    throw err;
  }
  const port = info.NetworkSettings?.Ports?.['11434/tcp']?.[0]?.HostPort;
  const running = info.State?.Running === true;
  return { state: running ? 'running' : 'stopped', id: info.Id, ...(running && port ? { url: `http://127.0.0.1:${port}` } : {}) };
}

export interface StartOllamaOptions {
  labels?: Record<string, string>;
  /** Host port on 127.0.0.1 (default 11434, Ollama's own). */
  hostPort?: number;
  onProgress?: (message: string) => void;
  /** How long to wait for the API to answer. */
  timeoutMs?: number;
}

/** Start (or create, or just find running) kiln-ollama; resolves once its API answers. */
export async function startOllamaContainer(docker: Dockerode, opts: StartOllamaOptions = {}): Promise<{ url: string; id: string }> {
  const labels = { 'kiln.role': 'ollama', ...opts.labels };
  await ensureModelsNetwork(docker, labels);
  let current = await ollamaContainerState(docker);
  if (current.state === 'absent') {
    await ensureOllamaImage(docker, opts.onProgress);
    opts.onProgress?.('Creating the Ollama container');
    try {
      await docker.createContainer({
        name: OLLAMA_CONTAINER,
        Image: OLLAMA_IMAGE,
        Labels: labels,
        ExposedPorts: { '11434/tcp': {} },
        HostConfig: {
          PortBindings: { '11434/tcp': [{ HostIp: '127.0.0.1', HostPort: String(opts.hostPort ?? OLLAMA_HOST_PORT) }] },
          Mounts: [{ Type: 'volume', Source: OLLAMA_VOLUME, Target: '/root/.ollama' }],
          RestartPolicy: { Name: 'unless-stopped' },
          NetworkMode: MODELS_NETWORK,
        },
        NetworkingConfig: { EndpointsConfig: { [MODELS_NETWORK]: { Aliases: [OLLAMA_CONTAINER] } } },
      });
    } catch (err) {
      if (status(err) !== 409) throw err; // another window created it first: use that one
    }
    current = await ollamaContainerState(docker);
  }
  if (current.state !== 'running') {
    opts.onProgress?.('Starting the Ollama container');
    try {
      await docker.getContainer(OLLAMA_CONTAINER).start();
    } catch (err) {
      if (status(err) !== 304) throw explainStart(err);
    }
    current = await ollamaContainerState(docker);
  }
  if (current.state !== 'running' || !current.url) {
    throw new KilnFailure(kilnError('E_OLLAMA_CONTAINER', 'The Ollama container did not stay up.', `Look at \`docker logs ${OLLAMA_CONTAINER}\`, then try again.`));
  }
  await waitForOllama(current.url, opts.timeoutMs ?? 30_000);
  return { url: current.url, id: current.id };
}

function explainStart(err: unknown): KilnFailure {
  const msg = ((err as Error).message ?? String(err)).split('\n')[0] ?? '';
  if (/address already in use|port is already allocated/i.test(msg)) {
    return new KilnFailure(kilnError('E_OLLAMA_PORT', `Port ${OLLAMA_HOST_PORT} on 127.0.0.1 is taken by another program.`, 'Stop whatever listens on 11434 (another Ollama?), or use that Ollama instead.'));
  }
  return new KilnFailure(kilnError('E_OLLAMA_CONTAINER', `The Ollama container could not start: ${msg}`, `Look at \`docker logs ${OLLAMA_CONTAINER}\`, then try again.`));
}

async function ensureOllamaImage(docker: Dockerode, onProgress?: (message: string) => void): Promise<void> {
  try {
    await docker.getImage(OLLAMA_IMAGE).inspect();
    return;
  } catch (err) {
    if (status(err) !== 404) throw err;
  }
  onProgress?.(`Downloading ${OLLAMA_IMAGE}`);
  try {
    const stream = await docker.pull(OLLAMA_IMAGE);
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
  } catch (err) {
    const msg = ((err as Error).message ?? String(err)).split('\n')[0];
    throw new KilnFailure(kilnError('E_OLLAMA_IMAGE', `The Ollama image (${OLLAMA_IMAGE}) could not be downloaded: ${msg}`, 'Check the internet connection, or install Ollama natively from https://ollama.com/download.'));
  }
}

async function waitForOllama(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/api/version`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      throw new KilnFailure(kilnError('E_OLLAMA_CONTAINER', `The Ollama container did not answer on ${url}.`, `Look at \`docker logs ${OLLAMA_CONTAINER}\`, then try again.`));
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function ensureModelsNetwork(docker: Dockerode, labels: Record<string, string> = {}): Promise<void> {
  try {
    await docker.getNetwork(MODELS_NETWORK).inspect();
  } catch (err) {
    if (status(err) !== 404) throw err;
    await docker.createNetwork({ Name: MODELS_NETWORK, Driver: 'bridge', Labels: { 'kiln.role': 'models-network', ...labels } }).catch((e: unknown) => {
      if (status(e) !== 409) throw e;
    });
  }
}

/** Put a session's recorder on the models network (its workspace shares the namespace). Idempotent. */
export async function joinModelsNetwork(docker: Dockerode, container: string): Promise<void> {
  await ensureModelsNetwork(docker);
  try {
    await docker.getNetwork(MODELS_NETWORK).connect({ Container: container });
  } catch (err) {
    const msg = (err as Error).message ?? '';
    if (status(err) === 403 && /already exists|already attached/i.test(msg)) return;
    throw err;
  }
}

/** Tests and a "remove local models" button: the container goes; `volume` also the models. */
export async function removeOllamaContainer(docker: Dockerode, opts: { volume?: boolean; network?: boolean } = {}): Promise<void> {
  await docker.getContainer(OLLAMA_CONTAINER).remove({ force: true }).catch(() => undefined);
  if (opts.volume) await docker.getVolume(OLLAMA_VOLUME).remove().catch(() => undefined);
  if (opts.network) await docker.getNetwork(MODELS_NETWORK).remove().catch(() => undefined);
}
