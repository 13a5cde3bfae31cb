// app://kiln/… → files of the built renderer (out/renderer, copied next to main.cjs as renderer/),
// each answer with the strict CSP. Nothing outside that folder is served; only GET.
// Pure Node (fetch's Request/Response): main passes it to protocol.handle, tests call it directly.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { APP_HOST, APP_SCHEME, CSP } from './security';

export const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers on every answer of app://, the page's own included. */
export const APP_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

/** The file a URL names inside `rendererDir`, or null when it names nothing we serve. */
export function resolveAppPath(rendererDir: string, url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, '.' + (pathname === '/' || pathname === '' ? '/index.html' : pathname));
  return file.startsWith(root + path.sep) ? file : null;
}

const notFound = (status = 404, text = 'Not found'): Response => new Response(text, { status, headers: { ...APP_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });

export function createAppProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return notFound(405, 'Method not allowed');
    const file = resolveAppPath(rendererDir, request.url);
    if (!file) return notFound();
    try {
      const real = await fs.realpath(file); // a symlink out of the folder is not served either
      if (!real.startsWith(path.resolve(await fs.realpath(rendererDir)) + path.sep)) return notFound();
      const body = await fs.readFile(real);
      const type = MIME[path.extname(real).toLowerCase()] ?? 'application/octet-stream';
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: { ...APP_HEADERS, 'Content-Type': type } });
    } catch {
      return notFound();
    }
  };
}
