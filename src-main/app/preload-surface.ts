// What the preload puts on `window`, derived from the contract — the contract's operations as
// named functions, the generic transport the renderer's IPC client uses, and the three desktop
// helpers — and nothing else: no ipcRenderer, no Node. Electron is passed in (contextBridge,
// an invoke, a push subscription, webUtils.getPathForFile), so tests build the real surface.
import { requests, streams, type RequestName } from '../../src-shared/api/contract';
import type { KilnError } from '../../src-shared/errors';
import { BRIDGE_CHANNEL, CHECK_RECIPE_FOLDER, PICK_RECIPE_FOLDER } from './channel';
import type { Reply } from './ipc';
import type { CheckedFolder } from './recipe-folder';

export interface PreloadDeps {
  invoke: (channel: string, payload: unknown) => Promise<unknown>;
  /** Called once: every host push (a WireMessage) goes to `listener`. */
  subscribePush: (listener: (msg: unknown) => void) => void;
  /** webUtils.getPathForFile: a dropped File → its path on disk ('' when it has none). */
  pathForFile: (file: File) => string;
}

type Fn = (...args: never[]) => unknown;
/** `window.kiln`: kiln.sessions.list({}), kiln.timeline.undo({ id }) … plus kiln.on(stream, listener). */
export type KilnApi = Record<string, Record<string, Fn>> & { on: (stream: string, listener: (payload: unknown) => void) => () => void };

/** Every operation of the contract, as `area.verb` → [area, verb]. */
export function operationPaths(): [RequestName, string, string][] {
  return (Object.keys(requests) as RequestName[]).map((op) => {
    const dot = op.indexOf('.');
    return [op, op.slice(0, dot), op.slice(dot + 1)];
  });
}

export function buildPreloadSurface(deps: PreloadDeps): { kiln: KilnApi; kilnBridge: unknown; kilnDesktop: unknown } {
  const listeners = new Set<(msg: unknown) => void>();
  // A kiln:// link can arrive before the page has subscribed to it (the app was opened by the
  // link): the newest few wait here for the first kiln.on('app.openLink') listener.
  const heldLinks: unknown[] = [];
  let linkListeners = 0;
  deps.subscribePush((msg) => {
    const m = msg as { t?: string; stream?: string };
    if (m?.t === 'push' && m.stream === 'app.openLink' && linkListeners === 0 && heldLinks.push(msg) > 5) heldLinks.shift();
    listeners.forEach((l) => l(msg));
  });
  const onPush = (listener: (msg: unknown) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('onPush takes a function.');
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };

  let nextId = 1;
  // Rejections are plain KilnError objects: they cross contextBridge whole (an Error would keep only its message).
  const call = async (op: RequestName, input: unknown): Promise<unknown> => {
    const reply = (await deps.invoke(BRIDGE_CHANNEL, { t: 'req', id: nextId++, op, input: input ?? {} })) as { ok: boolean; result?: unknown; error?: KilnError };
    if (reply?.ok) return reply.result;
    throw reply?.error ?? { code: 'E_IPC_NO_REPLY', message: 'The host did not answer.', next: 'Restart Kiln.' };
  };
  const unwrap = async <T>(channel: string, payload: unknown): Promise<T> => {
    const reply = (await deps.invoke(channel, payload)) as Reply<T>;
    if (reply.ok) return reply.result;
    throw reply.error;
  };

  const kiln: Record<string, Record<string, Fn>> = {};
  for (const [op, area, verb] of operationPaths()) {
    (kiln[area] ??= {})[verb] = (input?: unknown) => call(op, input);
  }
  const streamNames = new Set(Object.keys(streams));
  const on = (stream: string, listener: (payload: unknown) => void): (() => void) => {
    if (!streamNames.has(stream)) throw new TypeError(`"${stream}" is not a stream of the bridge contract.`);
    const deliver = (msg: unknown) => {
      const m = msg as { t?: string; stream?: string; payload?: unknown };
      if (m?.t === 'push' && m.stream === stream) listener(m.payload);
    };
    const off = onPush(deliver);
    if (stream !== 'app.openLink') return off;
    linkListeners += 1;
    heldLinks.splice(0).forEach(deliver);
    return () => {
      linkListeners -= 1;
      off();
    };
  };

  return {
    kiln: Object.assign(kiln, { on }) as KilnApi,
    kilnBridge: {
      /** A WireMessage request → the WireMessage reply (the renderer's IPC transport). */
      request: (msg: unknown): Promise<unknown> => deps.invoke(BRIDGE_CHANNEL, msg),
      onPush,
    },
    kilnDesktop: {
      /** A dropped File → its path on disk ('' for a File that is not on disk). */
      pathForFile: (file: File): string => deps.pathForFile(file),
      /** Main checks the folder (absolute, readable, within the recipe limits) before anything reads it. */
      checkRecipeFolder: (path: string): Promise<CheckedFolder> => unwrap(CHECK_RECIPE_FOLDER, { path }),
      /** The native folder picker; null when cancelled. */
      pickRecipeFolder: (): Promise<CheckedFolder | null> => unwrap(PICK_RECIPE_FOLDER, {}),
    },
  };
}

/** The preload's one job: put the surface on `window` through contextBridge. */
export function exposePreload(bridge: { exposeInMainWorld(key: string, api: unknown): void }, deps: PreloadDeps): string[] {
  const surface = buildPreloadSurface(deps);
  for (const [key, api] of Object.entries(surface)) bridge.exposeInMainWorld(key, api);
  return Object.keys(surface);
}
