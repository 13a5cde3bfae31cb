// kiln:// links: found in argv (Linux and Windows, first launch and second-instance) or given by
// macOS's open-url, checked in main with parseRecipeLink, and delivered to the window as an
// `app.openLink` push — the window shows the recipe's card; nothing starts by itself.
import { parseRecipeLink } from '../../src-shared/recipe/link';
import type { StreamPayload } from '../../src-shared/api/contract';

export const LINK_SCHEME = 'kiln';

export type OpenLinkPayload = StreamPayload<'app.openLink'>;

/** The first kiln: argument of a command line (Chromium switches and our own path skipped). */
export function findLinkInArgv(argv: readonly string[]): string | undefined {
  return argv.find((arg) => typeof arg === 'string' && /^kiln:/i.test(arg));
}

/** A link → what the window gets: the recipe to show, or the sentence saying why not. */
export function linkPayload(text: string): OpenLinkPayload {
  const parsed = parseRecipeLink(text);
  if (!parsed.ok) return { error: parsed.error };
  return parsed.link;
}

/**
 * Holds links that arrive before the window can take them (macOS sends open-url before ready;
 * argv is read at start) and delivers them once `ready()` is called, in order, newest last.
 */
export function createLinkRouter(deliver: (payload: OpenLinkPayload) => void, maxQueued = 5): { open(text: string): void; ready(): void } {
  let isReady = false;
  const queued: OpenLinkPayload[] = [];
  return {
    open(text) {
      const payload = linkPayload(text);
      if (isReady) deliver(payload);
      else {
        queued.push(payload);
        if (queued.length > maxQueued) queued.shift();
      }
    },
    ready() {
      isReady = true;
      for (const p of queued.splice(0)) deliver(p);
    },
  };
}
