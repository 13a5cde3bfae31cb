// Sessions: the list (live from `sessions.changed`), the one selected, and the verbs.
import { create } from 'zustand';
import type { SessionSummary } from '../../src-shared/api/contract';
import { bridge, onReconnect } from '../bridge';
import { asKilnError, type KilnError } from './errors';

interface SessionsState {
  list: SessionSummary[];
  loaded: boolean;
  selected: string | null;
  busy: Record<string, string>;
  error: KilnError | null;
  load(): Promise<void>;
  select(id: string | null): void;
  create(opts?: { name?: string; workspace?: string; recipe?: string }): Promise<SessionSummary | null>;
  stop(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  remove(id: string): Promise<void>;
  clearError(): void;
}

const SELECTED_KEY = 'kiln.session';
let createCount = 0;

export const useSessions = create<SessionsState>((set, get) => {
  const verb = async (id: string, label: string, fn: () => Promise<unknown>) => {
    set((s) => ({ busy: { ...s.busy, [id]: label }, error: null }));
    try {
      await fn();
      await get().load();
    } catch (err) {
      set({ error: asKilnError(err) });
    } finally {
      set((s) => {
        const busy = { ...s.busy };
        delete busy[id];
        return { busy };
      });
    }
  };
  return {
    list: [],
    loaded: false,
    selected: sessionStorage.getItem(SELECTED_KEY),
    busy: {},
    error: null,
    async load() {
      try {
        const list = await bridge.call('sessions.list', {});
        set((s) => ({
          list,
          loaded: true,
          selected: s.selected && list.some((x) => x.id === s.selected) ? s.selected : (list[0]?.id ?? null),
        }));
      } catch (err) {
        set({ error: asKilnError(err), loaded: true });
      }
    },
    select(id) {
      if (id) sessionStorage.setItem(SELECTED_KEY, id);
      else sessionStorage.removeItem(SELECTED_KEY);
      set({ selected: id });
    },
    async create(opts = {}) {
      const task = `sessions.create:${Date.now()}-${++createCount}`;
      set((s) => ({ busy: { ...s.busy, new: task }, error: null }));
      try {
        const session = await bridge.call('sessions.create', { ...opts, task });
        await get().load();
        get().select(session.id);
        return session;
      } catch (err) {
        set({ error: asKilnError(err) });
        return null;
      } finally {
        set((s) => {
          const busy = { ...s.busy };
          delete busy.new;
          return { busy };
        });
      }
    },
    stop: (id) => verb(id, 'Stopping…', () => bridge.call('sessions.stop', { id })),
    resume: (id) => verb(id, 'Starting…', () => bridge.call('sessions.resume', { id })),
    remove: (id) =>
      verb(id, 'Removing…', async () => {
        await bridge.call('sessions.remove', { id });
        if (get().selected === id) get().select(null);
      }),
    clearError: () => set({ error: null }),
  };
});

bridge.on('sessions.changed', ({ sessions }) =>
  useSessions.setState((s) => ({
    list: sessions,
    loaded: true,
    selected: s.selected && sessions.some((x) => x.id === s.selected) ? s.selected : (sessions[0]?.id ?? null),
  })),
);
onReconnect(() => void useSessions.getState().load());
