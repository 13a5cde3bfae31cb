// The pod contract (docs: /work/notes/POD-CONTRACT.md, mirrored in README.md here) as container
// and volume specs. Pure functions of the session record: the same record always gives the
// same pod, which is what lets a lost workspace container be recreated exactly.
import type Dockerode from 'dockerode';
import { agentsVolumeMount } from '../agents';
import { opencodeConfig, OPENCODE_ENV } from '../agents/opencode';
import { HOST_GATEWAY_EXTRA_HOSTS } from '../models/host-ollama';
import type { SessionRecord } from './metadata';
import { recorderName, stateVolumeName, workspaceName } from './naming';

export const RECORDER_PORT = 7680;
export const LABEL = {
  session: 'kiln.session',
  role: 'kiln.role',
  workspace: 'kiln.workspace',
  name: 'kiln.name',
  created: 'kiln.created',
  version: 'kiln.version',
  /** Which KILN_HOME holds the metadata (additive to the contract: several homes on one engine, e.g. tests). */
  home: 'kiln.home',
} as const;
export type PodRole = 'recorder' | 'workspace' | 'state';
/** Tells the workspace entrypoint to give user `agent` the workspace folder's uid and gid. */
export const MATCH_OWNER_ENV = 'KILN_MATCH_WORKSPACE_OWNER=1';

/** Resource limits: generous for agents (builds, dev servers), tight for the recorder. */
export const LIMITS = {
  recorder: { memory: 1024 * 1024 * 1024, pids: 512 },
  workspace: { memory: 8 * 1024 * 1024 * 1024, pids: 4096 },
} as const;

export interface PodSpecOptions {
  image: string;
  /**
   * Give the agent the workspace folder's uid and gid (entrypoint.sh). True for a native Linux
   * engine, where a bind mount shows the host's owners as they are; Docker Desktop, OrbStack,
   * Colima and Podman map ownership themselves and keep the image's agent user.
   */
  matchWorkspaceOwner?: boolean;
  /** Extra labels on everything (tests add kiln.test=1). */
  extraLabels?: Record<string, string>;
}

export function podLabels(record: SessionRecord, role: PodRole, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...extra,
    [LABEL.session]: record.id,
    [LABEL.role]: role,
    [LABEL.workspace]: record.workspace,
    [LABEL.name]: record.name,
    [LABEL.created]: record.createdAt,
    [LABEL.version]: record.version,
  };
}

export function stateVolumeSpec(record: SessionRecord, opts: PodSpecOptions): Dockerode.VolumeCreateOptions {
  return { Name: stateVolumeName(record.id), Labels: podLabels(record, 'state', opts.extraLabels) };
}

export function recorderSpec(record: SessionRecord, opts: PodSpecOptions): Dockerode.ContainerCreateOptions {
  const env = [
    `KILN_SESSION_TOKEN=${record.sessionToken}`,
    `KILN_HOOK_TOKEN=${record.hookToken}`,
    `KILN_SESSION_ID=${record.id}`,
    `KILN_AGENT=${record.agent}`,
    `KILN_MODEL=${record.model}`,
  ];
  if (record.recipe) env.push(`KILN_RECIPE=${record.recipe}`);
  return {
    name: recorderName(record.id),
    Image: opts.image,
    Cmd: ['recorder'],
    User: 'root',
    Env: env,
    Labels: podLabels(record, 'recorder', opts.extraLabels),
    ExposedPorts: { [`${RECORDER_PORT}/tcp`]: {} },
    HostConfig: {
      // Ephemeral host port on loopback only; read back from inspect (it changes across restarts).
      PortBindings: { [`${RECORDER_PORT}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
      // The host's native Ollama, as host.docker.internal (the workspace shares this network).
      ExtraHosts: [...HOST_GATEWAY_EXTRA_HOSTS],
      Mounts: [
        { Type: 'volume', Source: stateVolumeName(record.id), Target: '/state' },
        { Type: 'bind', Source: record.workspace, Target: '/workspace' },
      ],
      Memory: LIMITS.recorder.memory,
      PidsLimit: LIMITS.recorder.pids,
      Privileged: false,
      // Root, but only what it needs: write and chown the agents' files on restore.
      CapDrop: ['ALL'],
      CapAdd: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID'],
      SecurityOpt: ['no-new-privileges'],
      // Brings the recorder back after a daemon or machine restart; the workspace container is
      // then re-joined to its new network namespace by the host (SessionManager.heal).
      RestartPolicy: { Name: 'unless-stopped' },
    },
  };
}

export function workspaceSpec(record: SessionRecord, recorderId: string, opts: PodSpecOptions): Dockerode.ContainerCreateOptions {
  return {
    name: workspaceName(record.id),
    Image: opts.image,
    Cmd: ['workspace'],
    // Root only for the entrypoint, which matches the agent user to the folder's owner; every
    // exec (terminals, `kiln exec`, agents) names user `agent`.
    User: 'root',
    WorkingDir: '/workspace',
    Env: [
      ...(opts.matchWorkspaceOwner ? [MATCH_OWNER_ENV] : []),
      `KILN_RECORDER_URL=http://127.0.0.1:${RECORDER_PORT}`,
      `KILN_HOOK_TOKEN=${record.hookToken}`,
      'BASH_ENV=/etc/kiln/hook.bash',
      `KILN_SESSION_ID=${record.id}`,
      'HOME=/home/agent',
      ...agentEnv(record),
    ],
    Labels: podLabels(record, 'workspace', opts.extraLabels),
    HostConfig: {
      NetworkMode: `container:${recorderId}`,
      // The workspace is the only thing of the host's; the shared agent installs (Claude Code,
      // Codex, Gemini CLI: `kiln agents install`) come read-only from their own volume.
      Mounts: [{ Type: 'bind', Source: record.workspace, Target: '/workspace' }, agentsVolumeMount()],
      Memory: LIMITS.workspace.memory,
      PidsLimit: LIMITS.workspace.pids,
      Privileged: false,
      // No restart policy: after a daemon restart it must start *after* the recorder, in the
      // recorder's new network namespace, which only the host can order.
      RestartPolicy: { Name: 'no' },
    },
  };
}

/** The default agent's configuration, ready in the workspace: `opencode` just works. */
export function agentEnv(record: SessionRecord): string[] {
  if (record.agent !== 'opencode' || !record.endpoint) return [];
  const e = record.endpoint;
  const config = opencodeConfig({
    model: e.model,
    baseURL: e.baseURL,
    contextLength: e.contextLength,
    ...(e.apiKeyEnv ? { apiKey: `{env:${e.apiKeyEnv}}` } : {}),
  });
  return [`OPENCODE_CONFIG_CONTENT=${JSON.stringify(config)}`, ...Object.entries(OPENCODE_ENV).map(([k, v]) => `${k}=${v}`)];
}
