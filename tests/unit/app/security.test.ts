// The window's and session's security settings, read from the modules main.ts uses.
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, CSP, hardenContents, hardenSession, isSafeExternalUrl, isTrustedSender, SECURE_WEB_PREFERENCES } from '../../../src-main/app/security';
import { windowOptions } from '../../../src-main/app/window';

const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));

describe('the window', () => {
  it('is sandboxed and isolated, with no Node in the page and web security on', () => {
    const opts = windowOptions({ x: 10, y: 20, width: 1200, height: 800, maximized: false }, '/app/preload.cjs');
    const web = opts.webPreferences!;
    expect(web.sandbox).toBe(true);
    expect(web.contextIsolation).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.experimentalFeatures).toBe(false);
    expect(web.webviewTag).toBe(false);
    expect(web.navigateOnDragDrop).toBe(false);
    expect(web.preload).toBe('/app/preload.cjs');
    expect(opts.show).toBe(false);
    expect({ x: opts.x, y: opts.y, width: opts.width, height: opts.height }).toEqual({ x: 10, y: 20, width: 1200, height: 800 });
    expect(Object.keys(web).sort()).toEqual([...Object.keys(SECURE_WEB_PREFERENCES), 'preload'].sort());
  });

  it('loads its page only under a strict CSP: own scripts only, no eval, no inline script, no frames, no plugins', () => {
    const d = directives(CSP);
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('frame-src')).toEqual(["'none'"]);
    expect(d.get('form-action')).toEqual(["'none'"]);
    expect(d.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(CSP).not.toMatch(/unsafe-eval|\*|https?:/);
    expect(d.get('script-src')).not.toContain("'unsafe-inline'");
  });
});

describe('IPC senders', () => {
  it('trusts only our own top-level page at app://kiln', () => {
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, parent: null })).toBe(true);
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html#/s/x`, parent: null })).toBe(true);
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, parent: {} })).toBe(false); // a subframe
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'app://kiln.evil/', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'app://kiln:8080/', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'app://user@kiln/', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'file:///etc/passwd', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'not a url', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });
});

describe('links out of the window', () => {
  it('opens only https addresses in the system browser', () => {
    expect(isSafeExternalUrl('https://ollama.com/download')).toBe(true);
    for (const bad of ['http://ollama.com', 'file:///etc/passwd', 'javascript:alert(1)', 'kiln://recipe?url=https://x', 'https://user:pw@host/', 'https://a b/', 'https://x/\n', `https://x/${'a'.repeat(3000)}`, 'smb://host/share', '']) {
      expect(isSafeExternalUrl(bad), bad).toBe(false);
    }
  });

  it('denies every navigation and new window; vetted https ones go to the browser instead', () => {
    const events = new Map<string, (...a: unknown[]) => void>();
    let openHandler: ((d: { url: string }) => { action: string }) | undefined;
    const contents = {
      on: (name: string, fn: (...a: unknown[]) => void) => events.set(name, fn),
      setWindowOpenHandler: (fn: typeof openHandler) => (openHandler = fn),
    };
    const opened: string[] = [];
    hardenContents(contents as never, (u) => opened.push(u));
    expect([...events.keys()].sort()).toEqual(['will-attach-webview', 'will-navigate', 'will-redirect']);
    for (const url of [`${APP_ORIGIN}/other.html`, 'https://docs.docker.com/', 'file:///etc/passwd', 'javascript:alert(1)']) {
      let prevented = false;
      events.get('will-navigate')!({ preventDefault: () => (prevented = true) }, url);
      expect(prevented, url).toBe(true);
    }
    for (const name of ['will-redirect', 'will-attach-webview']) {
      let prevented = false;
      events.get(name)!({ preventDefault: () => (prevented = true) }, 'https://x/');
      expect(prevented).toBe(true);
    }
    expect(openHandler!({ url: 'https://ollama.com/download' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'http://insecure.example/' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://docs.docker.com/', 'https://ollama.com/download']);
  });
});

describe('the session', () => {
  it('denies every permission request and check', () => {
    let request: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: ((...a: unknown[]) => boolean) | undefined;
    let device: ((...a: unknown[]) => boolean) | undefined;
    hardenSession({
      setPermissionRequestHandler: (fn: never) => (request = fn),
      setPermissionCheckHandler: (fn: never) => (check = fn),
      setDevicePermissionHandler: (fn: never) => (device = fn),
    } as never);
    for (const p of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal', 'fullscreen', 'hid', 'serial']) {
      let answer: boolean | undefined;
      request!({}, p, (ok) => (answer = ok));
      expect(answer, p).toBe(false);
      expect(check!({}, p, APP_ORIGIN, {})).toBe(false);
    }
    expect(device!({ deviceType: 'usb', origin: APP_ORIGIN })).toBe(false);
  });
});
