// Installs an agent CLI into the shared agents volume without rebuilding the image: a one-off
// container from the runtime image (root, the volume read-write) runs `npm install -g --prefix`
// for the pinned package, and npm's output streams back as progress. Idempotent: a version whose
// marker file is present is not fetched again. Workspaces then run it offline, read-only.
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import { kilnError, KilnFailure } from '../../src-shared/errors';
import { AGENT_PACKAGES, AGENTS_BIN_DIR, AGENTS_MOUNT, AGENTS_VOLUME, agentPrefix, INSTALL_MARKER, type InstallableAgent } from './versions';

export interface InstallProgress {
  agent: InstallableAgent;
  /** One line of the installer's output (npm's http/progress lines, our own step lines). */
  text: string;
}

export interface InstallAgentOptions {
  docker: Dockerode;
  agent: InstallableAgent;
  /** The runtime image (it carries npm, Node and the trusted CA bundle). */
  image: string;
  onProgress?: (p: InstallProgress) => void;
  signal?: AbortSignal;
  /** Extra environment for npm (e.g. HTTPS_PROXY); defaults to the proxy variables of this process. */
  env?: Record<string, string>;
  /** The volume to install into (default AGENTS_VOLUME; tests use a throwaway one). */
  volume?: string;
}

export interface InstallResult {
  agent: InstallableAgent;
  version: string;
  /** false: the pinned version was already in the volume. */
  fetched: boolean;
}

const PROXY_VARS = ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy'];

/**
 * The installer's script (sh, run as root). Installs into a temporary prefix and renames it into
 * place, so a broken or interrupted install never looks complete; the marker is written last.
 * Two sessions installing at once both succeed: the second rename finds the first's marker.
 */
export function installScript(): string {
  return [
    'set -eu',
    'dest="$KILN_PREFIX"',
    'if [ -f "$dest/$KILN_MARKER" ]; then echo "kiln: $KILN_PACKAGE@$KILN_VERSION is already installed"; else',
    '  tmp="$dest.partial-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d " \\n")"',
    '  mkdir -p "$tmp"',
    '  trap \'rm -rf "$tmp"\' EXIT',
    '  echo "kiln: installing $KILN_PACKAGE@$KILN_VERSION"',
    '  npm install -g --prefix "$tmp" --no-audit --no-fund --loglevel=http --cache /tmp/npm-cache "$KILN_PACKAGE@$KILN_VERSION" 2>&1',
    '  "$tmp/bin/$KILN_BIN" --version >/dev/null 2>&1 || { echo "kiln: $KILN_BIN --version failed after install" >&2; exit 3; }',
    '  date -u +%Y-%m-%dT%H:%M:%SZ > "$tmp/$KILN_MARKER"',
    '  if [ -f "$dest/$KILN_MARKER" ]; then echo "kiln: installed meanwhile by another session"; else rm -rf "$dest"; mv "$tmp" "$dest"; fi',
    '  trap - EXIT; rm -rf "$tmp"',
    'fi',
    'mkdir -p "$KILN_BIN_DIR"',
    // Relative, so the link resolves wherever the volume is mounted.
    'ln -sfn "../$(basename "$dest")/bin/$KILN_BIN" "$KILN_BIN_DIR/$KILN_BIN"',
    'echo "kiln: $KILN_BIN ready"',
  ].join('\n');
}

export async function installAgent(opts: InstallAgentOptions): Promise<InstallResult> {
  const { docker, agent } = opts;
  const pkg = AGENT_PACKAGES[agent];
  const report = (text: string) => opts.onProgress?.({ agent, text });
  const passEnv = opts.env ?? Object.fromEntries(PROXY_VARS.filter((k) => process.env[k]).map((k) => [k, process.env[k]!]));

  const volume = opts.volume ?? AGENTS_VOLUME;
  await docker.createVolume({ Name: volume, Labels: { 'kiln.role': 'agents' } });
  const container = await docker.createContainer({
    Image: opts.image,
    User: 'root',
    Cmd: ['sh', '-c', installScript()],
    Env: [
      `KILN_PREFIX=${agentPrefix(agent)}`,
      `KILN_MARKER=${INSTALL_MARKER}`,
      `KILN_PACKAGE=${pkg.package}`,
      `KILN_VERSION=${pkg.version}`,
      `KILN_BIN=${pkg.bin}`,
      `KILN_BIN_DIR=${AGENTS_BIN_DIR}`,
      ...Object.entries(passEnv).map(([k, v]) => `${k}=${v}`),
    ],
    Labels: { 'kiln.role': 'agent-install', 'kiln.agent': agent },
    HostConfig: { Mounts: [{ Type: 'volume', Source: volume, Target: AGENTS_MOUNT }], Memory: 2 * 1024 ** 3 },
  });
  const onAbort = () => void container.remove({ force: true }).catch(() => undefined);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let fetched = true;
  const tail: string[] = [];
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const lines = new PassThrough();
    docker.modem.demuxStream(stream, lines, lines);
    let pending = '';
    lines.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const parts = pending.split(/\r?\n|\r/);
      pending = parts.pop() ?? '';
      for (const line of parts) {
        if (!line.trim()) continue;
        if (line.includes('is already installed')) fetched = false;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        report(line);
      }
    });
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    if (pending.trim()) report(pending);
    if (opts.signal?.aborted) throw new KilnFailure(kilnError('E_AGENT_INSTALL_CANCELLED', `Installing ${pkg.title} was cancelled.`, 'Start it again when you are ready; nothing half-installed is kept.'));
    if (StatusCode !== 0) {
      const offline = tail.some((l) => /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|network/i.test(l));
      const cert = tail.some((l) => /certificate|CERT_|SELF_SIGNED/i.test(l));
      throw new KilnFailure(kilnError(
        'E_AGENT_INSTALL_FAILED',
        `Installing ${pkg.title} ${pkg.version} failed (exit ${StatusCode}): ${tail.at(-1) ?? 'no output'}`,
        offline ? 'Check the internet connection (or HTTPS_PROXY), then try again.'
          : cert ? 'A proxy intercepts TLS: point NODE_EXTRA_CA_CERTS at its CA and rebuild the runtime image, then try again.'
            : 'Try again; if it keeps failing, report it with the lines above.',
      ));
    }
    return { agent, version: pkg.version, fetched };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await container.remove({ force: true }).catch(() => undefined);
  }
}
