// Where cloud API keys are kept on the host. Keys never cross the bridge back to a page (the
// renderer learns only whether one is set, and a hint like "sk-…a1b2"), and never enter an event.
// The Electron shell keeps them with safeStorage (src-main/app); web mode and the CLI use the
// file store (0600, in KILN_HOME), as do Linux desktops without a keyring.

export interface SecretStore {
  /** Providers with a key kept, e.g. ['anthropic', 'openai']. */
  list(): string[];
  has(provider: string): boolean;
  /** The key itself: for the host's own use (the model gateway), never for a page. */
  get(provider: string): string | undefined;
  set(provider: string, key: string): void;
  clear(provider: string): void;
}

/** "sk-…a1b2": enough for a person to recognise a key, useless to anyone else. */
export function keyHint(key: string): string {
  const k = key.trim();
  const head = k.match(/^[A-Za-z]{2,5}-/)?.[0] ?? '';
  return `${head}…${k.slice(-4)}`;
}
