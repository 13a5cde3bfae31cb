import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseBackend, createSafeSecretStore, type SafeStorageLike } from '../../../src-main/settings/safe-storage';
import { keyHint } from '../../../src-main/settings/secret-store';

// Electron's safeStorage cannot run here; this stand-in really encrypts (AES-256-GCM under a
// key that lives only in this object, like a keychain entry), so ciphertext on disk is real.
function keychain(opts: { available?: boolean; backend?: string } = {}): SafeStorageLike & { available: boolean } {
  const key = randomBytes(32);
  const self = {
    available: opts.available ?? true,
    isEncryptionAvailable: () => self.available,
    encryptString(text: string) {
      if (!self.available) throw new Error('Encryption is not available.');
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(text, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(buf: Buffer) {
      if (!self.available) throw new Error('Decryption is not available.');
      const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
    },
    ...(opts.backend ? { getSelectedStorageBackend: () => opts.backend! } : {}),
  };
  return self;
}

const KEY = 'sk-ant-api03-THISISASECRETVALUE-a1b2';
let dir: string;
let umask: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kiln-secrets-'));
  umask = process.umask(0o077);
});
afterEach(() => {
  process.umask(umask);
  rmSync(dir, { recursive: true, force: true });
});

describe('the desktop key store', () => {
  it('encrypts keys with the keychain: the file never holds the key, yet the host reads it back', () => {
    const file = join(dir, 'secrets.json');
    const store = createSafeSecretStore({ file, safeStorage: keychain(), platform: 'darwin' });
    expect(store.backend).toBe('safeStorage');
    store.set('anthropic', KEY);
    expect(readFileSync(file, 'utf8')).not.toContain('THISISASECRET');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(store.has('anthropic')).toBe(true);
    expect(store.list()).toEqual(['anthropic']);
    expect(store.get('anthropic')).toBe(KEY);
    expect(keyHint(KEY)).toBe('sk-…a1b2');
    store.clear('anthropic');
    expect(store.has('anthropic')).toBe(false);
    expect(store.get('anthropic')).toBeUndefined();
  });

  it('on Linux without a keyring (basic_text) keeps keys in a 0600 file, even under umask 022', () => {
    process.umask(0o022);
    const file = join(dir, 'nested', 'secrets.json');
    const store = createSafeSecretStore({ file, safeStorage: keychain({ backend: 'basic_text' }), platform: 'linux' });
    expect(store.backend).toBe('file');
    store.set('openai', KEY);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'nested')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, backend: 'file', keys: { openai: KEY } });
    expect(createSafeSecretStore({ file, platform: 'linux' }).get('openai')).toBe(KEY);
  });

  it('chooses the file when encryption is unavailable or there is no safeStorage at all, the keychain otherwise', () => {
    expect(chooseBackend(keychain({ available: false }), 'linux')).toBe('file');
    expect(chooseBackend(undefined, 'darwin')).toBe('file');
    expect(chooseBackend(keychain({ backend: 'gnome_libsecret' }), 'linux')).toBe('safeStorage');
    expect(chooseBackend(keychain({ backend: 'basic_text' }), 'linux')).toBe('file');
    expect(chooseBackend(keychain(), 'darwin')).toBe('safeStorage');
    const throwing = { ...keychain(), isEncryptionAvailable: () => { throw new Error('not ready'); } };
    expect(chooseBackend(throwing, 'win32')).toBe('file');
  });

  it('moves plain keys into the keychain once one is there', () => {
    const file = join(dir, 'secrets.json');
    createSafeSecretStore({ file, safeStorage: keychain({ backend: 'basic_text' }), platform: 'linux' }).set('openai', KEY);
    const store = createSafeSecretStore({ file, safeStorage: keychain({ backend: 'kwallet5' }), platform: 'linux' });
    expect(store.get('openai')).toBe(KEY);
    expect(readFileSync(file, 'utf8')).not.toContain('THISISASECRET');
  });

  it('says the keychain is locked instead of handing back ciphertext', () => {
    const file = join(dir, 'secrets.json');
    const chain = keychain();
    createSafeSecretStore({ file, safeStorage: chain, platform: 'linux' }).set('anthropic', KEY);
    chain.available = false;
    const locked = createSafeSecretStore({ file, safeStorage: chain, platform: 'linux' });
    expect(locked.has('anthropic')).toBe(true);
    expect(() => locked.get('anthropic')).toThrow(/encrypted with the system keychain, which is not available now/);
    let thrown: unknown;
    try {
      locked.set('openai', KEY);
    } catch (err) {
      thrown = err;
    }
    expect((thrown as { kiln: unknown }).kiln).toMatchObject({ code: 'E_SECRETS_LOCKED', next: expect.stringMatching(/keyring/) });
    // Clearing still works, so a person can start over.
    locked.clear('anthropic');
    expect(locked.list()).toEqual([]);
  });

  it('refuses a damaged file with a sentence and leaves it as it was', () => {
    const file = join(dir, 'secrets.json');
    writeFileSync(file, '{ not json');
    const store = createSafeSecretStore({ file, safeStorage: keychain(), platform: 'darwin' });
    expect(() => store.set('openai', KEY)).toThrow(/is not valid JSON/);
    expect(readFileSync(file, 'utf8')).toBe('{ not json');
    writeFileSync(file, JSON.stringify({ version: 2, keys: {} }));
    expect(() => store.list()).toThrow(/not one Kiln wrote/);
  });

  it('refuses a provider name that is not one', () => {
    const store = createSafeSecretStore({ file: join(dir, 's.json'), safeStorage: keychain(), platform: 'darwin' });
    expect(() => store.set('../etc', KEY)).toThrow(/is not a provider name/);
  });
});
