// The window's settings: KILN_HOME/settings.json (0600, atomic writes). Defaults come from the
// environment (kilnPaths: KILN_WORKSPACES or ~/Kiln), so a file never pins a stale default.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { SettingsSchema, type Settings } from '../../src-shared/api/contract';
import { KilnFailure, kilnError } from '../../src-shared/errors';
import { readJson, writePrivateJson } from './atomic-file';

export class SettingsStore {
  readonly path: string;

  constructor(home: string, private readonly defaults: Settings) {
    this.path = join(home, 'settings.json');
  }

  get(): Settings {
    const stored = SettingsSchema.partial().safeParse(readJson(this.path) ?? {});
    return { ...this.defaults, ...(stored.success ? stored.data : {}) };
  }

  set(patch: Partial<Settings>): Settings {
    if (patch.workspacesDir !== undefined) {
      const dir = patch.workspacesDir.trim().replace(/^~(?=\/|$)/, process.env.HOME || homedir());
      if (!dir || !isAbsolute(dir)) {
        throw new KilnFailure(kilnError('E_SETTINGS_WORKSPACES', `"${patch.workspacesDir}" is not a full folder path.`, 'Give the whole path, e.g. /home/you/Kiln or ~/Kiln.'));
      }
      patch = { ...patch, workspacesDir: resolve(dir) };
    }
    const next = { ...this.get(), ...patch };
    const stored = readJson(this.path);
    writePrivateJson(this.path, { ...(stored && typeof stored === 'object' ? stored : {}), ...patch });
    return next;
  }
}
