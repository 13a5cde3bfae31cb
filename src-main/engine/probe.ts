// Ask one candidate whether a Docker engine answers there: one `version` call (it proves an
// engine as well as a ping would, and every command needs it: one round trip, not two), bounded
// by a timeout, with every failure turned into a few words a person understands.
import { statSync } from 'node:fs';
import { Agent } from 'node:http';
import Dockerode from 'dockerode';
import type { EngineCandidate } from './candidates';
import { parseEndpoint } from './endpoint';

export type ProbeResult =
  | { ok: true; docker: Dockerode; version: Dockerode.DockerVersion }
  | { ok: false; error: string; /** errno-like code, for advice (EACCES → docker group) */ cause?: string };

/** Errno codes → the short reasons shown in the `tried` list. */
const REASONS: Record<string, string> = {
  ENOENT: 'no socket here',
  ECONNREFUSED: 'connection refused, nothing is listening',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTSOCK: 'not a socket',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
  ECONNABORTED: 'timed out',
};

export function describeFailure(err: unknown, timeoutMs: number): { error: string; cause?: string } {
  const e = (err ?? {}) as { code?: unknown; statusCode?: unknown; name?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (e.name === 'AbortError' || code === 'ABORT_ERR' || code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
    return { error: `timed out after ${timeoutMs} ms`, cause: 'ETIMEDOUT' };
  }
  if (code && REASONS[code]) return { error: REASONS[code], cause: code };
  if (typeof e.statusCode === 'number') {
    return { error: `something answered, but not a Docker engine (HTTP ${e.statusCode})`, cause: `HTTP_${e.statusCode}` };
  }
  const message = typeof e.message === 'string' ? (e.message.split('\n')[0] ?? '') : String(err);
  if (/socket hang up/i.test(message)) return { error: 'connection closed before an answer', cause: 'EPIPE' };
  if (/certificate|self.signed|TLS|SSL/i.test(message)) return { error: `TLS failed: ${message}`, cause: 'TLS' };
  return { error: message || 'failed for an unknown reason', ...(code ? { cause: code } : {}) };
}

interface Abortable {
  version(o: { abortSignal: AbortSignal }): Promise<Dockerode.DockerVersion>;
}

/** A unix socket path that is missing or is not a socket fails before we dial: clearer and faster. */
function checkSocketFile(path: string): { error: string; cause: string } | undefined {
  try {
    const st = statSync(path);
    if (!st.isSocket()) return { error: 'a plain file is here, not a socket', cause: 'ENOTSOCK' };
    return undefined;
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'ENOENT';
    return { error: REASONS[code] ?? 'no socket here', cause: code };
  }
}

/**
 * Requests over a local socket: the global agent's settings, plus an empty TLS server name.
 * Without it Node derives one from the Host header ("localhost") on every request and tests it
 * with net.isIP, whose IPv6 expression costs ~10 ms to compile: in every kiln command.
 */
let socketAgent: Agent | undefined;
function localSocketOptions(parsed: { kind: string; options: Dockerode.DockerOptions }): Dockerode.DockerOptions {
  if (parsed.kind !== 'unix' && parsed.kind !== 'npipe') return parsed.options;
  socketAgent ??= new Agent({ keepAlive: true, scheduling: 'lifo', timeout: 5000, servername: '' } as ConstructorParameters<typeof Agent>[0]);
  // docker-modem takes `agent`; dockerode's types do not say so.
  return { ...parsed.options, agent: socketAgent } as Dockerode.DockerOptions;
}

export async function probeCandidate(
  candidate: EngineCandidate,
  opts: { timeoutMs: number; sshAgent?: string },
): Promise<ProbeResult> {
  if (candidate.problem) return { ok: false, error: candidate.problem, cause: 'CONTEXT' };
  const parsed = parseEndpoint(candidate.endpoint, {
    ...(candidate.tls ? { tls: candidate.tls } : {}),
    ...(opts.sshAgent ? { sshAgent: opts.sshAgent } : {}),
  });
  if (!parsed.ok) return { ok: false, error: parsed.reason, cause: 'EINVAL' };
  if (parsed.kind === 'unix' && parsed.options.socketPath) {
    const bad = checkSocketFile(parsed.options.socketPath);
    if (bad) return { ok: false, ...bad };
  }

  // The probe client has a socket timeout (docker-modem destroys the request on it; an abort
  // signal alone leaves the socket open). The client we hand out has none: exec streams and
  // image pulls may sit idle for minutes.
  const options = localSocketOptions(parsed);
  const probe = new Dockerode({ ...options, timeout: opts.timeoutMs });
  const abort = new AbortController();
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(Object.assign(new Error('timed out'), { name: 'AbortError' }));
    }, opts.timeoutMs + 50);
  });
  try {
    const version = await Promise.race([
      (async () => {
        // dockerode takes abortSignal on every call; its types do not say so.
        const api = probe as unknown as Abortable;
        const v: unknown = await api.version({ abortSignal: abort.signal });
        const answer = v as Partial<Dockerode.DockerVersion> | undefined;
        if (typeof answer?.Version !== 'string' || typeof answer.ApiVersion !== 'string') throw Object.assign(new Error('not a Docker engine'), { statusCode: 200 });
        return v as Dockerode.DockerVersion;
      })(),
      deadline,
    ]);
    return { ok: true, docker: new Dockerode(options), version };
  } catch (err) {
    // docker-modem's own timeout surfaces as "socket hang up": the clock says what happened.
    if (Date.now() - started >= opts.timeoutMs) return { ok: false, error: `timed out after ${opts.timeoutMs} ms`, cause: 'ETIMEDOUT' };
    return { ok: false, ...describeFailure(err, opts.timeoutMs) };
  } finally {
    clearTimeout(timer);
  }
}
