// The Electron security checklist in one place, applied to every window and session. Electron is
// imported as types only (and passed in where needed) so unit tests load this file as it is.
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'kiln';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Strict CSP: our own code only; the renderer reaches the host through IPC, nothing else. */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // React's style attributes; no inline script
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:", // as kiln web's CSP: a library's worker may start from a blob
  "object-src 'none'",
  "base-uri 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

export const SECURE_WEB_PREFERENCES = {
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false, // a dropped file is the renderer's to handle, never a navigation
  safeDialogs: true,
  spellcheck: false,
} as const satisfies BrowserWindowConstructorOptions['webPreferences'];

/** Is this IPC sender our own top-level page (not a frame, not some navigated-to page)? */
export function isTrustedSender(frame: { url: string; parent: unknown } | null | undefined): boolean {
  if (!frame || frame.parent) return false;
  try {
    // Not URL.origin: Node gives 'null' as the origin of any non-special scheme such as app:.
    const u = new URL(frame.url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password;
  } catch {
    return false;
  }
}

const MAX_EXTERNAL_URL = 2048;

/** Links the system browser may open: https only, no credentials, no odd characters. */
export function isSafeExternalUrl(text: string): boolean {
  if (typeof text !== 'string' || text.length > MAX_EXTERNAL_URL || /[\s\0-\x1f]/.test(text)) return false;
  try {
    const u = new URL(text);
    return u.protocol === 'https:' && !u.username && !u.password && u.hostname.length > 0;
  } catch {
    return false;
  }
}

/** Every permission (camera, notifications, clipboard-read, HID…) denied, for every origin. */
export function hardenSession(ses: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>): void {
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
}

type Contents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** No navigation away from the page, no new windows, no webviews; vetted https links go to the browser. */
export function hardenContents(contents: Contents, openExternal: (url: string) => void): void {
  const deny = (event: { preventDefault(): void }, url: string): void => {
    event.preventDefault();
    if (isSafeExternalUrl(url)) openExternal(url);
  };
  contents.on('will-navigate', deny);
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
}
