// Closing a terminal must end what runs in it, as closing a terminal window does. Docker has no
// "kill exec" call, and dropping the attach connection leaves a TTY exec running (checked on
// dockerd 20.10), so each terminal's command carries a marker variable, and hanging up signals
// every process in the container that still carries it (the shell and its children).
import type Dockerode from 'dockerode';
import { execCollect } from './collect';

export const TERMINAL_MARKER = 'KILN_TERMINAL_ID';

/** Signal the processes of one terminal; uses only sh, tr, grep and kill (bash, busybox, alpine). */
export async function signalTerminal(
  docker: Dockerode,
  container: Dockerode.Container,
  terminalId: string,
  signal: 'HUP' | 'KILL',
): Promise<void> {
  if (!/^[A-Za-z0-9_-]+$/.test(terminalId)) throw new Error('bad terminal id');
  const script =
    `for p in /proc/[0-9]*; do ` +
    `if tr '\\000' '\\n' < "$p/environ" 2>/dev/null | grep -qx '${TERMINAL_MARKER}=${terminalId}'; ` +
    `then kill -${signal} "\${p#/proc/}" 2>/dev/null; fi; done; true`;
  // As root: the terminal may run as any user, and only root may signal them all.
  await execCollect({ docker, container, cmd: ['sh', '-c', script], user: '0' }).catch(() => undefined);
}
