// Cloud API keys in KILN_HOME/secrets.json (0600, atomic writes): web mode, the CLI, and Linux
// desktops without a keyring. The Electron shell uses safeStorage instead (src-main/app).
import { join } from 'node:path';
import { readJson, writePrivateJson } from './atomic-file';
import type { SecretStore } from './secret-store';

export class FileSecretStore implements SecretStore {
  readonly path: string;

  constructor(home: string) {
    this.path = join(home, 'secrets.json');
  }

  private read(): Record<string, string> {
    const v = readJson(this.path);
    if (!v || typeof v !== 'object') return {};
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }

  list(): string[] {
    return Object.keys(this.read()).sort();
  }
  has(provider: string): boolean {
    return provider in this.read();
  }
  get(provider: string): string | undefined {
    return this.read()[provider];
  }
  set(provider: string, key: string): void {
    writePrivateJson(this.path, { ...this.read(), [provider]: key.trim() });
  }
  clear(provider: string): void {
    const all = this.read();
    if (!(provider in all)) return;
    delete all[provider];
    writePrivateJson(this.path, all);
  }
}
