// Writes an agent's configuration files into the workspace container, as the agent user, in one
// exec. `sh` (not bash) so the recorder's shell hook does not record Kiln's own setup; each file
// goes to a temporary name first and is renamed, so a failed write never leaves half a file.
import type Dockerode from 'dockerode';
import { kilnError, KilnFailure } from '../../src-shared/errors';
import { waitExecExit } from '../terminals/exec-exit';
import { AGENT_HOME, type HomeFile } from './setup';

const WRITE_SCRIPT = [
  'set -eu',
  'umask 077',
  'while [ $# -ge 2 ]; do',
  '  p="$1"; d="$2"; shift 2',
  '  mkdir -p "$(dirname "$p")"',
  '  printf %s "$d" | base64 -d > "$p.kiln-tmp"',
  '  mv -f "$p.kiln-tmp" "$p"',
  'done',
].join('\n');

export async function writeHomeFiles(container: Dockerode.Container, files: HomeFile[], user = 'agent'): Promise<void> {
  for (const f of files) {
    if (!f.path.startsWith(`${AGENT_HOME}/`) || f.path.includes('/../')) throw new Error(`refusing to write outside ${AGENT_HOME}: ${f.path}`);
  }
  const args = files.flatMap((f) => [f.path, Buffer.from(f.content, 'utf8').toString('base64')]);
  const exec = await container.exec({ Cmd: ['sh', '-c', WRITE_SCRIPT, 'kiln-write', ...args], User: user, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (c: Buffer) => out.push(c));
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  const code = await waitExecExit(exec);
  if (code !== 0) {
    throw new KilnFailure(kilnError(
      'E_AGENT_CONFIG_WRITE',
      `Could not write the agent's settings in the workspace container (exit ${code ?? 'unknown'}).`,
      'Check that the session is running (kiln status), then try again.',
    ));
  }
}
