// API keys kept by the desktop app: encrypted with Electron's safeStorage (the macOS Keychain,
// Windows DPAPI, the Linux keyring) into one JSON file in userData. On Linux without a keyring
// safeStorage falls back to a hard-coded password ('basic_text'), which is encryption in name
// only, so there the keys go plainly into a 0600 file instead, and the store says so.
// Electron is injected (SafeStorageLike), so this runs and is tested without it.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { KilnFailure, kilnError } from '../../src-shared/errors';
import type { SecretStore } from './secret-store';

/** The part of Electron's `safeStorage` this store uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no keyring answered. */
  getSelectedStorageBackend?(): string;
}

export type SecretBackend = 'safeStorage' | 'file';

const FileSchema = z.object({
  version: z.literal(1),
  backend: z.enum(['safeStorage', 'file']),
  /** provider → base64 of safeStorage's ciphertext ('safeStorage'), or the key itself ('file'). */
  keys: z.record(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,39}$/), z.string()),
});
type SecretFile = z.infer<typeof FileSchema>;

const PROVIDER = /^[a-z0-9][a-z0-9._-]{0,39}$/;

/** Which backend a machine gets: safeStorage when it really encrypts, else the 0600 file. */
export function chooseBackend(safe: SafeStorageLike | undefined, platform: NodeJS.Platform = process.platform): SecretBackend {
  if (!safe) return 'file';
  let available: boolean;
  try {
    available = safe.isEncryptionAvailable();
  } catch {
    available = false;
  }
  if (!available) return 'file';
  if (platform === 'linux' && safe.getSelectedStorageBackend?.() === 'basic_text') return 'file';
  return 'safeStorage';
}

export interface SafeSecretStore extends SecretStore {
  readonly backend: SecretBackend;
  readonly file: string;
}

/**
 * A SecretStore in `file` (e.g. `<userData>/secrets.json`, always mode 0600). Keys written under
 * one backend stay readable only under it: a file written with safeStorage on a machine whose
 * keyring is now gone refuses with a sentence instead of handing back ciphertext.
 */
export function createSafeSecretStore(opts: { file: string; safeStorage?: SafeStorageLike; platform?: NodeJS.Platform }): SafeSecretStore {
  const { file } = opts;
  const backend = chooseBackend(opts.safeStorage, opts.platform);
  const safe = opts.safeStorage;

  const read = (): SecretFile => {
    if (!existsSync(file)) return { version: 1, backend, keys: {} };
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      throw new KilnFailure(kilnError('E_SECRETS_UNREADABLE', `The key file ${file} is not valid JSON.`, 'Move it aside and enter your API keys again in Settings.'));
    }
    const ok = FileSchema.safeParse(parsed);
    if (!ok.success) throw new KilnFailure(kilnError('E_SECRETS_UNREADABLE', `The key file ${file} is not one Kiln wrote.`, 'Move it aside and enter your API keys again in Settings.'));
    return ok.data;
  };

  const write = (data: SecretFile): void => {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 });
    chmodSync(tmp, 0o600); // whatever the umask
    renameSync(tmp, file); // never a half-written file
  };

  const checkProvider = (provider: string): void => {
    if (!PROVIDER.test(provider)) throw new KilnFailure(kilnError('E_SECRETS_PROVIDER', `"${provider.slice(0, 40)}" is not a provider name.`, 'Use a name such as anthropic or openai.'));
  };

  const sameBackend = (data: SecretFile): SecretFile => {
    if (data.backend === backend) return data;
    if (Object.keys(data.keys).length === 0) return { ...data, backend };
    if (data.backend === 'safeStorage') {
      throw new KilnFailure(kilnError('E_SECRETS_LOCKED', 'Your API keys were encrypted with the system keychain, which is not available now.', 'Unlock or start your keyring (e.g. GNOME Keyring, KWallet) and restart Kiln, or clear the keys in Settings and enter them again.'));
    }
    // Plain file → the keychain became available: move the keys into it.
    const keys: Record<string, string> = {};
    for (const [p, k] of Object.entries(data.keys)) keys[p] = safe!.encryptString(k).toString('base64');
    const moved: SecretFile = { version: 1, backend, keys };
    write(moved);
    return moved;
  };

  return {
    backend,
    file,
    list: () => Object.keys(read().keys).sort(),
    has: (provider) => Object.hasOwn(read().keys, provider),
    get(provider) {
      const data = sameBackend(read());
      const stored = data.keys[provider];
      if (stored === undefined) return undefined;
      if (backend === 'file') return stored;
      try {
        return safe!.decryptString(Buffer.from(stored, 'base64'));
      } catch {
        throw new KilnFailure(kilnError('E_SECRETS_LOCKED', `The key for ${provider} cannot be decrypted on this machine.`, `Enter the ${provider} key again in Settings.`));
      }
    },
    set(provider, key) {
      checkProvider(provider);
      const data = sameBackend(read());
      const value = backend === 'file' ? key : safe!.encryptString(key).toString('base64');
      write({ ...data, keys: { ...data.keys, [provider]: value } });
    },
    clear(provider) {
      const data = read();
      if (!Object.hasOwn(data.keys, provider)) return;
      const keys = { ...data.keys };
      delete keys[provider];
      write({ ...data, backend: Object.keys(keys).length ? data.backend : backend, keys });
    },
  };
}
