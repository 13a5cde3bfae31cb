// Settings kept by the host (workspaces folder, default model, theme) and cloud keys (set here,
// never read back: the host answers with a hint only). The theme follows the system
// (prefers-color-scheme) unless overridden; the choice is mirrored locally so the page paints in
// the right colours before the host answers.
import { create } from 'zustand';
import type { Settings } from '../../src-shared/api/contract';
import { bridge, onReconnect } from '../bridge';
import { useApp } from './app';
import { asKilnError, type KilnError } from './errors';

type Theme = Settings['theme'];
const THEME_KEY = 'kiln.theme';

interface SettingsState {
  settings: Settings | null;
  theme: Theme;
  error: KilnError | null;
  saved: string | null;
  load(): Promise<void>;
  save(patch: Partial<Settings>): Promise<void>;
  setKey(provider: string, key: string): Promise<boolean>;
  clearKey(provider: string): Promise<void>;
}

const media = window.matchMedia('(prefers-color-scheme: dark)');
function applyTheme(theme: Theme) {
  const dark = theme === 'dark' || (theme === 'system' && media.matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

const initialTheme = (localStorage.getItem(THEME_KEY) as Theme | null) ?? 'system';
applyTheme(initialTheme);

export const useSettings = create<SettingsState>((set, get) => ({
  settings: null,
  theme: initialTheme,
  error: null,
  saved: null,
  async load() {
    try {
      const settings = await bridge.call('settings.get', {});
      set({ settings, theme: settings.theme });
    } catch (err) {
      set({ error: asKilnError(err) });
    }
  },
  async save(patch) {
    if (patch.theme) set({ theme: patch.theme });
    try {
      const settings = await bridge.call('settings.set', patch);
      set({ settings, theme: settings.theme, error: null, saved: 'Saved.' });
    } catch (err) {
      set({ error: asKilnError(err), saved: null });
    }
  },
  async setKey(provider, key) {
    try {
      await bridge.call('keys.set', { provider, key });
      await useApp.getState().refreshModels();
      set({ error: null, saved: 'Key saved. Kiln keeps it; this page never sees it again.' });
      return true;
    } catch (err) {
      set({ error: asKilnError(err), saved: null });
      return false;
    }
  },
  async clearKey(provider) {
    try {
      await bridge.call('keys.clear', { provider });
      await useApp.getState().refreshModels();
    } catch (err) {
      set({ error: asKilnError(err) });
    }
    void get();
  },
}));

useSettings.subscribe((s, prev) => {
  if (s.theme !== prev.theme) {
    localStorage.setItem(THEME_KEY, s.theme);
    applyTheme(s.theme);
  }
});
media.addEventListener('change', () => applyTheme(useSettings.getState().theme));
onReconnect(() => void useSettings.getState().load());
