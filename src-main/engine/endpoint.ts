// A Docker address as the CLI writes it (DOCKER_HOST, a context's Endpoints.docker.Host) →
// dockerode options. Always explicit options: dockerode with none reads process.env itself,
// which would make discovery depend on the process rather than the environment we were given.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';

export interface TlsFiles {
  /** Folder holding ca.pem, cert.pem, key.pem (DOCKER_CERT_PATH, or a context's tls folder). */
  dir: string;
  /** false only when the context says SkipTLSVerify. */
  verify: boolean;
}

export type ParsedEndpoint =
  | { ok: true; options: Dockerode.DockerOptions; kind: 'unix' | 'npipe' | 'tcp' | 'ssh' }
  | { ok: false; reason: string };

function readTls(tls: TlsFiles): Pick<Dockerode.DockerOptions, 'ca' | 'cert' | 'key'> {
  const read = (name: string): string | undefined => {
    try {
      return readFileSync(join(tls.dir, name), 'utf8');
    } catch {
      return undefined;
    }
  };
  const ca = read('ca.pem');
  const cert = read('cert.pem');
  const key = read('key.pem');
  return { ...(ca && tls.verify ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

export function parseEndpoint(endpoint: string, opts: { tls?: TlsFiles; sshAgent?: string } = {}): ParsedEndpoint {
  const trimmed = endpoint.trim();
  if (trimmed.startsWith('unix://')) {
    const socketPath = trimmed.slice('unix://'.length);
    if (!socketPath.startsWith('/')) return { ok: false, reason: 'not an absolute socket path' };
    return { ok: true, kind: 'unix', options: { socketPath } };
  }
  if (trimmed.startsWith('npipe://')) {
    // npipe:////./pipe/docker_engine → //./pipe/docker_engine
    const pipe = trimmed.slice('npipe://'.length).replace(/\\/g, '/');
    return { ok: true, kind: 'npipe', options: { socketPath: pipe || '//./pipe/docker_engine' } };
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, reason: 'not a Docker address (expected unix://, tcp://, ssh:// or npipe://)' };
  }
  if (url.protocol === 'ssh:') {
    return {
      ok: true,
      kind: 'ssh',
      options: {
        protocol: 'ssh',
        host: url.hostname,
        port: url.port || 22,
        ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
        ...(opts.sshAgent ? { sshOptions: { agent: opts.sshAgent } } : {}),
      },
    };
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    const tls = url.protocol === 'https:' || opts.tls !== undefined;
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
    return {
      ok: true,
      kind: 'tcp',
      options: {
        protocol: tls ? 'https' : 'http',
        host,
        port: url.port || (tls ? 2376 : 2375),
        ...(opts.tls ? readTls(opts.tls) : {}),
      },
    };
  }
  return { ok: false, reason: `unsupported address scheme ${url.protocol} (expected unix://, tcp://, ssh:// or npipe://)` };
}
