import { describe, expect, it } from 'vitest';
import { podHealth, type ContainerView } from '../../../../src-main/sessions/pod-state';

const recorder = (o: Partial<ContainerView> = {}): ContainerView => ({ id: 'rec1', running: true, startedAt: 1000, hostPort: 49000, labels: {}, ...o });
const workspace = (o: Partial<ContainerView> = {}): ContainerView => ({ id: 'ws1', running: true, startedAt: 2000, joinedTo: 'rec1', labels: {}, ...o });

describe('session state from the pod', () => {
  it('is running when both run and the workspace joined the current recorder', () => {
    expect(podHealth({ recorder: recorder(), workspace: workspace() })).toEqual({ state: 'running', workspaceStale: false });
  });

  it('is stopped when neither runs', () => {
    expect(podHealth({ recorder: recorder({ running: false }), workspace: workspace({ running: false }) }).state).toBe('stopped');
  });

  it('sees a workspace left in a stale network namespace after the recorder restarted', () => {
    const h = podHealth({ recorder: recorder({ startedAt: 5000 }), workspace: workspace({ startedAt: 2000 }) });
    expect(h).toMatchObject({ state: 'broken', workspaceStale: true });
    expect(h.reason).toMatch(/network/);
  });

  it('sees a workspace that joined a recorder container which was replaced', () => {
    expect(podHealth({ recorder: recorder({ id: 'rec2' }), workspace: workspace() })).toMatchObject({ state: 'broken', workspaceStale: true });
  });

  it('after a daemon restart: recorder back (restart policy), workspace down → broken, not stale', () => {
    const h = podHealth({ recorder: recorder({ startedAt: 9000 }), workspace: workspace({ running: false }) });
    expect(h).toMatchObject({ state: 'broken', workspaceStale: false });
    expect(h.reason).toMatch(/not running/);
  });

  it('is broken when containers are missing', () => {
    expect(podHealth({}).state).toBe('broken');
    expect(podHealth({ workspace: workspace() }).reason).toMatch(/recorder container is gone/);
    expect(podHealth({ recorder: recorder() }).reason).toMatch(/workspace container is gone/);
  });
});
