// JSON over HTTP to a recorder on 127.0.0.1, with node:http rather than fetch: undici unrefs its
// sockets, so a CLI waiting on a slow answer (a just-published port the recorder is not yet
// listening on behind docker-proxy) saw its event loop drain and exited with code 13.
import http from 'node:http';

export interface HttpJsonResponse {
  status: number;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  data: unknown;
}

export class HttpTimeoutError extends Error {
  override name = 'TimeoutError';
}

export function httpJson(url: string, opts: { method?: 'GET' | 'POST'; token?: string; body?: unknown; timeoutMs: number }): Promise<HttpJsonResponse> {
  const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: opts.method ?? 'GET',
        agent: false, // one connection per call: nothing pooled keeps the CLI alive afterwards
        headers: {
          accept: 'application/json',
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let data: unknown;
          try {
            data = text ? JSON.parse(text) : undefined;
          } catch {
            data = undefined;
          }
          resolve({ status: res.statusCode ?? 0, data });
        });
      },
    );
    req.setTimeout(opts.timeoutMs, () => req.destroy(new HttpTimeoutError(`no answer within ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
