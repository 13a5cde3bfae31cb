// Sessions: create, list, get, stop, resume, remove, and reattach after the host process or the
// Docker daemon restarted. A session is found again from its container labels and its metadata
// file, never duplicated: creating a session whose name exists reuses it.
import { basename, resolve } from 'node:path';
import type Dockerode from 'dockerode';
import { version as appVersion } from '../../package.json';
import { KilnFailure, kilnError, toKilnError, type KilnError } from '../../src-shared/errors';
import type { SessionSummary } from '../../src-shared/api/contract';
import { workspaceImageFor } from '../recipes/image';
import type { BuildProgress } from '../engine/images';
import { SessionStore, type SessionRecord } from './metadata';
import { newSessionName, newToken, recorderName, sessionIdFor, stateVolumeName, workspaceName } from './naming';
import { kilnPaths, type KilnPaths } from './paths';
import { inspectPod, labelledSessionIds, podHealth, waitForHealth, type PodView, type SessionState } from './pod-state';
import { LABEL, MATCH_OWNER_ENV, recorderSpec, stateVolumeSpec, workspaceSpec, type PodSpecOptions } from './pod-spec';
import { waitForWorkspaceReady } from './workspace-ready';
import type { ModelsConfig } from '../../src-shared/recipe/schema';
import { joinModelsNetwork, ollamaContainerState, OLLAMA_NETWORK_URL } from '../models/ollama-container';

export interface SessionManagerOptions {
  docker: Dockerode;
  /** The runtime image tag (RUNTIME_IMAGE). */
  image: string;
  paths?: KilnPaths;
  /** Extra labels on every container and volume (tests: { 'kiln.test': '1' }). */
  labels?: Record<string, string>;
  healthTimeoutMs?: number;
  /** Give the agent the workspace folder's uid/gid (pod-spec); default: on a Linux host. */
  matchWorkspaceOwner?: boolean;
}

export interface CreateSessionOptions {
  name?: string;
  /** Host folder; default <KILN_WORKSPACES>/<name>, created and git-initialised. */
  workspace?: string;
  /** A recipe folder; its hash is recorded in the session start event. */
  recipe?: string;
  agent?: string;
  model?: string;
  /** Steps as they happen (2 workspace folder, 3 recorder, 4 workspace container, 5 ready, of 5; step 1, the image, is the caller's). */
  onProgress?: (p: CreateProgress) => void;
  /** Progress of building a recipe's image (a recipe with a Dockerfile). */
  onBuildProgress?: (p: BuildProgress) => void;
}

export interface CreateProgress {
  step: 'workspace folder' | 'recorder' | 'workspace container' | 'ready';
  message: string;
  current: number;
  total: number;
}

export interface SessionInfo extends SessionSummary {
  state: SessionState;
  /** Why a session is broken, with the command that fixes it. */
  problem?: KilnError;
  containers: { recorder?: string; workspace?: string };
}

export interface CreatedSession extends SessionInfo {
  /** True when a session of that name already existed and was resumed instead. */
  reused: boolean;
  /** The model the agent was given, and sentences about it (a fallback, a pull still needed). */
  model?: string;
  notes?: string[];
}

/** What a client needs to talk to a running session's recorder. */
export interface RecorderConnection {
  id: string;
  url: string;
  sessionToken: string;
}

const notFound = (id: string) =>
  new KilnFailure(kilnError('E_SESSION_NOT_FOUND', `There is no session "${id}".`, 'List sessions with `kiln ls`, or start one with `kiln up`.'));

export class SessionManager {
  readonly paths: KilnPaths;
  readonly store: SessionStore;
  private readonly docker: Dockerode;
  private readonly spec: PodSpecOptions;
  private readonly healthTimeoutMs: number;
  /** Workspace containers known to be ready for execs (see workspaceReady), by id. */
  private readonly readyContainers = new Map<string, Promise<void>>();
  /** Sessions being removed: never healed meanwhile (see needsHeal). */
  private readonly removing = new Set<string>();

  constructor(opts: SessionManagerOptions) {
    this.docker = opts.docker;
    this.paths = opts.paths ?? kilnPaths();
    this.store = new SessionStore(this.paths.sessions);
    this.spec = {
      image: opts.image,
      extraLabels: { ...opts.labels, [LABEL.home]: this.paths.home },
      matchWorkspaceOwner: opts.matchWorkspaceOwner ?? process.platform === 'linux',
    };
    this.healthTimeoutMs = opts.healthTimeoutMs ?? 30_000;
  }

  /** Start a new session, or resume the one that already has this name. */
  async create(opts: CreateSessionOptions = {}): Promise<CreatedSession> {
    const name = opts.name ?? (opts.workspace ? basename(resolve(opts.workspace)) : newSessionName());
    const id = sessionIdFor(name);
    const existing = this.store.read(id);
    if (existing) {
      if (opts.workspace && resolve(opts.workspace) !== existing.workspace) {
        throw new KilnFailure(
          kilnError('E_SESSION_EXISTS', `A session named "${id}" already exists, with the workspace ${existing.workspace}.`, 'Choose another --name, or remove that session with `kiln rm ' + id + '`.'),
        );
      }
      return { ...(await this.resume(id)), reused: true };
    }
    if ((await labelledSessionIds(this.docker, { extraFilter: [`kiln.session=${id}`] })).size > 0) {
      throw new KilnFailure(
        kilnError('E_SESSION_ORPHAN', `Containers of a session "${id}" exist, but its metadata (and so its token) is gone.`, `Remove them with \`kiln rm ${id}\`, then start again.`),
      );
    }

    // What only a new session needs, loaded here: `kiln ls`, `exec` and the rest never parse it.
    const [{ sessionModel }, { prepareWorkspace }] = await Promise.all([import('./model-endpoint'), import('./workspace-folder')]);
    // Any recipe source (folder, git URL, kiln:// link, library hash), checked before anything exists.
    const fromRecipe = opts.recipe ? await (await import('../recipes/session-recipe')).prepareSessionRecipe(opts.recipe, { kilnHome: this.paths.home, docker: this.docker, runtimeImage: this.spec.image, ...(this.spec.extraLabels ? { labels: this.spec.extraLabels } : {}), ...(opts.onBuildProgress ? { onProgress: opts.onBuildProgress } : {}) }) : undefined;
    const recipe = fromRecipe?.hash;
    const models: ModelsConfig | undefined = fromRecipe?.models;
    const progress = opts.onProgress;
    progress?.({ step: 'workspace folder', message: 'Preparing the workspace folder', current: 2, total: 5 });
    // Side by side: asking Ollama (and preparing a model variant) needs nothing of the folder.
    const [chosen, ws] = await Promise.all([
      sessionModel({ ...(models ? { models } : {}), ...(opts.model ? { explicit: opts.model } : {}), container: () => ollamaContainerState(this.docker) }),
      prepareWorkspace({ ...(opts.workspace ? { path: opts.workspace } : {}), defaultParent: this.paths.workspaces, name }),
    ]);
    const record: SessionRecord = {
      id,
      name,
      workspace: ws.path,
      createdAt: new Date().toISOString(),
      sessionToken: newToken(),
      hookToken: newToken(),
      agent: opts.agent ?? 'opencode',
      model: chosen.endpoint.model,
      endpoint: chosen.endpoint,
      ...(recipe ? { recipe } : {}),
      version: appVersion,
    };
    // Metadata first: a host process killed mid-create leaves a session `kiln rm` can find.
    this.store.write(record);
    try {
      progress?.({ step: 'recorder', message: 'Starting the recorder', current: 3, total: 5 });
      await this.docker.createVolume(stateVolumeSpec(record, this.spec));
      await this.startPod(record, () => progress?.({ step: 'workspace container', message: 'Starting the workspace container', current: 4, total: 5 }));
    } catch (err) {
      // Nothing half-made stays: containers, volume, metadata (the workspace folder is the user's).
      await this.removePod(id).catch(() => undefined);
      await this.docker.getVolume(stateVolumeName(id)).remove().catch(() => undefined);
      this.store.remove(id);
      throw new KilnFailure(this.explain(err, 'E_SESSION_START', `Session "${id}" could not start`));
    }
    progress?.({ step: 'ready', message: 'Ready', current: 5, total: 5 });
    return { ...(await this.get(id)), reused: false, model: record.model, notes: [...chosen.notes, ...(fromRecipe?.notes ?? [])] };
  }

  async list(): Promise<SessionInfo[]> {
    const ids = new Set([...this.store.ids(), ...(await labelledSessionIds(this.docker, { home: this.paths.home }))]);
    const out = await Promise.all([...ids].sort().map((id) => this.get(id)));
    return out;
  }

  async get(id: string): Promise<SessionInfo> {
    const record = this.store.read(id);
    const pod = await inspectPod(this.docker, id);
    if (!record && !pod.recorder && !pod.workspace) {
      if ((await labelledSessionIds(this.docker, { extraFilter: [`kiln.session=${id}`] })).size === 0) throw notFound(id);
    }
    return this.describe(id, record, pod);
  }

  /** Stop both containers; the workspace folder and the record (volume) are kept. */
  async stop(id: string): Promise<SessionInfo> {
    await this.get(id);
    const pod = await inspectPod(this.docker, id);
    // Workspace first: its commands' last receipts still reach the recorder.
    if (pod.workspace?.running) await this.docker.getContainer(pod.workspace.id).stop({ t: 2 }).catch(ignoreNotModified);
    if (pod.recorder?.running) await this.docker.getContainer(pod.recorder.id).stop({ t: 10 }).catch(ignoreNotModified);
    return this.get(id);
  }

  /** Bring a stopped or broken session back: recorder first, then the workspace in its network. */
  async resume(id: string): Promise<SessionInfo> {
    const record = this.store.read(id);
    if (!record) {
      await this.get(id); // not found → that error
      throw new KilnFailure(
        kilnError('E_SESSION_ORPHAN', `Session "${id}" has containers but no metadata (its token is gone), so it cannot be resumed.`, `Remove it with \`kiln rm ${id}\`, then start a new one.`),
      );
    }
    try {
      await this.docker.createVolume(stateVolumeSpec(record, this.spec)); // no-op when it exists
      await this.startPod(record);
    } catch (err) {
      throw new KilnFailure(this.explain(err, 'E_SESSION_RESUME', `Session "${id}" could not be resumed`));
    }
    return this.get(id);
  }

  /**
   * After a restart of this process or of the Docker daemon: every session whose recorder is
   * running but whose workspace container is down or in a stale network namespace is healed.
   * Stopped sessions stay stopped (that was the user's choice).
   */
  async reattach(): Promise<SessionInfo[]> {
    const sessions = await this.list();
    return Promise.all(sessions.map(async (s) => (this.needsHeal(s) ? this.resume(s.id).catch(() => s) : s)));
  }

  /** Heal one session if a restart left it half up; returns its state. */
  async ensureUp(id: string): Promise<SessionInfo> {
    const s = await this.get(id);
    if (this.needsHeal(s)) return this.resume(id);
    return s;
  }

  /** Containers, volume and metadata. Never the workspace folder. */
  async remove(id: string): Promise<void> {
    await this.get(id);
    this.removing.add(id);
    try {
      await this.removePod(id);
      await this.docker.getVolume(stateVolumeName(id)).remove().catch(ignoreMissing);
      this.store.remove(id);
    } finally {
      this.removing.delete(id);
    }
  }

  /** URL and token of a running session's recorder (healing a half-up pod first). */
  async connection(id: string): Promise<RecorderConnection> {
    const s = await this.ensureUp(id);
    const record = this.store.read(id);
    if (!record) throw notFound(id);
    if (!s.url) throw this.notRunning(s);
    return { id, url: s.url, sessionToken: record.sessionToken };
  }

  /** The running workspace container, for exec and terminals. */
  async workspaceContainer(id: string): Promise<Dockerode.Container> {
    const s = await this.ensureUp(id);
    if (s.state !== 'running' || !s.containers.workspace) throw this.notRunning(s);
    const container = this.docker.getContainer(s.containers.workspace);
    await this.workspaceReady(container);
    return container;
  }

  /**
   * Once per container start: its entrypoint has matched the agent to the folder's owner. A
   * session shows as running as soon as its containers do, and the window opens its first
   * terminal then, while `create` may still be waiting for this: an exec as `agent` before the
   * match ran as uid 1001 in a HOME that was no longer its own (OpenCode: EACCES on ~/.local).
   * Only a container that matches the owner writes the mark (an older session's never does).
   */
  private workspaceReady(container: Dockerode.Container): Promise<void> {
    let ready = this.readyContainers.get(container.id);
    if (!ready) {
      ready = (async () => {
        const info = await container.inspect();
        // The match takes milliseconds: a container up for a while has long written its mark
        // (and `kiln exec`, a new process each time, is spared the extra exec).
        const upMs = Date.now() - Date.parse(info.State.StartedAt);
        if ((info.Config.Env ?? []).includes(MATCH_OWNER_ENV) && !(upMs > 60_000)) await waitForWorkspaceReady(this.docker, container);
      })();
      this.readyContainers.set(container.id, ready);
      ready.catch(() => this.readyContainers.delete(container.id));
    }
    return ready;
  }

  private needsHeal(s: SessionInfo): boolean {
    // Not while it is being removed: a window still open on it would bring a container back.
    return s.state === 'broken' && !!s.containers.recorder && !this.removing.has(s.id) && this.store.read(s.id) !== undefined;
  }

  private notRunning(s: SessionInfo): KilnFailure {
    return new KilnFailure(
      s.problem ?? kilnError('E_SESSION_NOT_RUNNING', `Session "${s.id}" is ${s.state}.`, `Start it with \`kiln up --name ${s.id}\`.`),
    );
  }

  private describe(id: string, record: SessionRecord | undefined, pod: PodView): SessionInfo {
    const health = podHealth(pod);
    const labels = pod.recorder?.labels ?? pod.workspace?.labels ?? {};
    const url = health.state === 'running' && pod.recorder?.hostPort ? `http://127.0.0.1:${pod.recorder.hostPort}` : undefined;
    let problem: KilnError | undefined;
    if (!record) {
      problem = kilnError('E_SESSION_ORPHAN', `Session "${id}" has no metadata on this machine (its token is gone).`, `Remove it with \`kiln rm ${id}\`.`);
    } else if (health.state === 'broken') {
      problem = kilnError('E_SESSION_BROKEN', `Session "${id}" is not fully up: ${health.reason}.`, `Bring it back with \`kiln up --name ${id}\`.`);
    }
    const recipe = record?.recipe;
    return {
      id,
      name: record?.name ?? labels['kiln.name'] ?? id,
      workspace: record?.workspace ?? labels['kiln.workspace'] ?? '',
      state: record ? health.state : 'broken',
      createdAt: record?.createdAt ?? labels['kiln.created'] ?? '',
      ...(url ? { url } : {}),
      ...(recipe ? { recipe } : {}),
      // Each agent gets a terminal tab in the window.
      ...(record?.agent ? { agents: [record.agent] } : {}),
      ...(record?.model ? { model: record.model } : {}),
      ...(problem ? { problem } : {}),
      containers: {
        ...(pod.recorder ? { recorder: pod.recorder.id } : {}),
        ...(pod.workspace ? { workspace: pod.workspace.id } : {}),
      },
    };
  }

  /**
   * Idempotent: whatever exists is reused, whatever is missing or stale is (re)created. The
   * workspace joins the recorder's network namespace as soon as the recorder container runs;
   * it need not wait for the recorder to answer, so the two proceed side by side.
   */
  private async startPod(record: SessionRecord, onWorkspace?: () => void): Promise<void> {
    let pod = await inspectPod(this.docker, record.id);
    const recorderId = pod.recorder?.id ?? (await this.createOrAdopt(recorderSpec(record, this.spec))).id;
    const recorder = this.docker.getContainer(recorderId);
    // Kiln's Ollama container is reached by name on its network (the workspace shares this namespace).
    if (record.endpoint?.baseURL.startsWith(OLLAMA_NETWORK_URL)) await joinModelsNetwork(this.docker, recorderId);
    if (!pod.recorder?.running) await recorder.start().catch(ignoreNotModified);
    pod = await inspectPod(this.docker, record.id);
    const port = pod.recorder?.hostPort;
    if (!port) throw new Error('the recorder has no published port');
    const url = `http://127.0.0.1:${port}`;
    const healthy = waitForHealth(url, this.healthTimeoutMs).catch(async (err: unknown) => {
      const logs = await recorderLogTail(recorder);
      throw new KilnFailure(
        kilnError('E_RECORDER_UNHEALTHY', `The recorder of session "${record.id}" did not answer on ${url} (${(err as Error).message})${logs ? `; its last log line: ${logs}` : ''}.`, `Look at \`docker logs ${recorderName(record.id)}\`, then try \`kiln up --name ${record.id}\` again.`),
      );
    });
    onWorkspace?.();
    const joined = this.startWorkspace(record, recorderId, pod);
    const [health, workspace] = await Promise.allSettled([healthy, joined]);
    if (health.status === 'rejected') throw health.reason;
    if (workspace.status === 'rejected') throw workspace.reason;
  }

  /** Start the workspace container in the recorder's current network namespace. */
  private async startWorkspace(record: SessionRecord, recorderId: string, pod: PodView): Promise<void> {
    const w = pod.workspace;
    let existing = w;
    if (w && w.joinedTo !== recorderId) {
      // Joined a recorder container that no longer exists: only a new container can re-join.
      await this.docker.getContainer(w.id).remove({ force: true }).catch(ignoreMissing);
      existing = undefined;
    } else if (w && podHealth(pod).workspaceStale && w.running) {
      // Same recorder, restarted: a restart of the workspace joins its current namespace.
      await this.docker.getContainer(w.id).stop({ t: 2 }).catch(ignoreNotModified);
      existing = { ...w, running: false };
    }
    const spec = workspaceSpec(record, recorderId, { ...this.spec, image: await workspaceImageFor(this.docker, record.recipe, this.spec.image) }); // a recipe's own image, when it has one
    const id = existing?.id ?? (await this.createOrAdopt(spec)).id;
    if (!existing?.running) {
      const container = this.docker.getContainer(id);
      await container.start().catch(ignoreNotModified);
      this.readyContainers.delete(container.id); // a new start writes its mark anew
      await this.workspaceReady(container);
    }
    // A new container has an empty HOME: the recipe's roles go where each agent reads them.
    if (!existing && record.recipe && record.endpoint) await (await import('../recipes/session-recipe')).placeSessionRecipe(this.docker.getContainer(id), { kilnHome: this.paths.home, hash: record.recipe, sessionEndpoint: record.endpoint });
  }

  /** Create a container; if another process created it first (409), use that one. */
  private async createOrAdopt(spec: Dockerode.ContainerCreateOptions): Promise<{ id: string }> {
    try {
      return await this.docker.createContainer(spec);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 409 && spec.name) {
        return { id: (await this.docker.getContainer(spec.name).inspect()).Id };
      }
      throw err;
    }
  }

  private async removePod(id: string): Promise<void> {
    // The recorder first: a pod with its recorder but no workspace reads as half up, and
    // another process (a window open on it) would heal it back.
    for (const name of [recorderName(id), workspaceName(id)]) {
      await this.docker.getContainer(name).remove({ force: true, v: false }).catch(ignoreMissing);
    }
  }

  private explain(err: unknown, code: string, what: string): KilnError {
    const e = toKilnError(err, code);
    if (e.code !== code) return e; // already written for a person
    const raw = (err as { json?: { message?: string } }).json?.message ?? (err as Error).message ?? String(err);
    const line = raw.split('\n')[0]?.trim() ?? '';
    if (/No such image/i.test(line)) {
      return kilnError('E_IMAGE_MISSING', `${what}: the runtime image ${this.spec.image} is not there.`, 'Build it with `kiln image build`, then try again.');
    }
    return kilnError(code, `${what}: ${line}.`, 'Check that Docker is running (`kiln doctor`), then try again.');
  }
}

async function recorderLogTail(container: Dockerode.Container): Promise<string> {
  try {
    const buf = (await container.logs({ stdout: true, stderr: true, tail: 5 })) as unknown as Buffer;
    // Multiplexed frames: strip the 8-byte headers crudely by dropping non-printables.
    const lines = buf.toString('utf8').replace(/[\x00-\x08\x0e-\x1f]/g, '').split('\n').map((l) => l.trim()).filter(Boolean);
    return lines.at(-1)?.slice(0, 300) ?? '';
  } catch {
    return '';
  }
}

function ignoreNotModified(err: unknown): void {
  if ((err as { statusCode?: number }).statusCode !== 304) throw err;
}
function ignoreMissing(err: unknown): void {
  const code = (err as { statusCode?: number }).statusCode;
  if (code !== 404 && code !== 409) throw err;
}
