// The pod spec is the security and wiring contract in data: check what a session's containers get.
import { describe, expect, it } from 'vitest';
import { recorderSpec, workspaceSpec } from '../../../../src-main/sessions/pod-spec';
import type { SessionRecord } from '../../../../src-main/sessions/metadata';

const record: SessionRecord = {
  id: 'demo', name: 'demo', workspace: '/home/me/Kiln/demo', createdAt: '2026-11-24T00:00:00.000Z',
  sessionToken: 'a'.repeat(64), hookToken: 'b'.repeat(64), agent: 'opencode', model: 'qwen2.5-coder:7b-kiln64k', version: '0.1.0',
  endpoint: { baseURL: 'http://host.docker.internal:11434/v1', model: 'qwen2.5-coder:7b-kiln64k', contextLength: 65536 },
};
const opts = { image: 'kiln/runtime:test' };
const envOf = (env: string[] | undefined) => Object.fromEntries((env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));

describe('pod spec', () => {
  it('gives the workspace OpenCode ready for the session model, and never the session token', () => {
    const spec = workspaceSpec(record, 'rec123', opts);
    const env = envOf(spec.Env);
    expect(Object.values(env).join('\n')).not.toContain(record.sessionToken);
    const config = JSON.parse(env.OPENCODE_CONFIG_CONTENT!) as { model: string; provider: { kiln: { options: { baseURL: string } } }; permission: string };
    expect(config.model).toBe('kiln/qwen2.5-coder:7b-kiln64k');
    expect(config.provider.kiln.options.baseURL).toBe('http://host.docker.internal:11434/v1');
    expect(config.permission).toBe('allow');
    expect(env.OPENCODE_DISABLE_AUTOUPDATE).toBe('1');
    expect(spec.HostConfig?.NetworkMode).toBe('container:rec123');
    // Nothing of the host's but the workspace; the shared agent installs only read-only.
    const mounts = spec.HostConfig?.Mounts ?? [];
    expect(mounts.filter((m) => m.Type === 'bind').map((m) => m.Target)).toEqual(['/workspace']);
    expect(mounts.filter((m) => m.Type !== 'bind').every((m) => m.ReadOnly === true)).toBe(true);
    expect(spec.HostConfig?.Privileged).toBe(false);
  });

  it('publishes the recorder on loopback only and lets it reach the host Ollama', () => {
    const spec = recorderSpec(record, opts);
    expect(spec.HostConfig?.PortBindings?.['7680/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: '' }]);
    expect(spec.HostConfig?.ExtraHosts).toEqual(['host.docker.internal:host-gateway']);
    expect(JSON.stringify(spec)).not.toMatch(/docker\.sock/);
  });

  it('matches the agent to the folder owner only where the engine shows host owners as they are', () => {
    const native = workspaceSpec(record, 'r', { ...opts, matchWorkspaceOwner: true });
    expect(envOf(native.Env).KILN_MATCH_WORKSPACE_OWNER).toBe('1');
    // The entrypoint needs root to rename uids; execs name user `agent` themselves.
    expect(native.User).toBe('root');
    const vm = workspaceSpec(record, 'r', { ...opts, matchWorkspaceOwner: false });
    expect(envOf(vm.Env).KILN_MATCH_WORKSPACE_OWNER).toBeUndefined();
  });

  it('configures no agent for a record without an endpoint (older sessions)', () => {
    const { endpoint: _e, ...old } = record;
    expect(envOf(workspaceSpec(old, 'r', opts).Env).OPENCODE_CONFIG_CONTENT).toBeUndefined();
  });
});
