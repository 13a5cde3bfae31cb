// A started workspace container is ready for execs once its entrypoint has matched the agent
// user to the workspace folder's owner: an exec as `agent` resolves the uid from /etc/passwd
// when it starts, so one that came earlier would run as the image's uid. The entrypoint marks
// the moment in /dev/shm (a fresh tmpfs each start, so a restart never finds an old mark).
import type Dockerode from 'dockerode';
import { KilnFailure, kilnError } from '../../src-shared/errors';
import { execCollect } from '../terminals/collect';

export const WORKSPACE_READY_MARK = '/dev/shm/kiln-workspace-ready';

/** One exec that returns as soon as the mark exists (a few ms after start, in practice). */
export async function waitForWorkspaceReady(docker: Dockerode, container: Dockerode.Container, timeoutMs = 15_000): Promise<void> {
  const tries = Math.ceil(timeoutMs / 20);
  const script = `i=0; while [ ! -e ${WORKSPACE_READY_MARK} ]; do i=$((i+1)); [ "$i" -gt ${tries} ] && exit 3; sleep 0.02; done`;
  const res = await execCollect({ docker, container, cmd: ['sh', '-c', script], user: 'root' });
  if (res.exitCode !== 0) {
    throw new KilnFailure(
      kilnError('E_WORKSPACE_NOT_READY', `The workspace container did not finish starting (exit ${res.exitCode ?? 'unknown'}${res.stderr ? `: ${res.stderr.trim().split('\n')[0]}` : ''}).`, `Look at \`docker logs ${container.id.slice(0, 12)}\`, then try \`kiln up\` again.`),
    );
  }
}
