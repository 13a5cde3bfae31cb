// Terminal tabs of each session: one per agent plus a shell, reattached after a reload from
// terminal.list. The xterm instances themselves live in useTerminal (one hook, one terminal);
// this store holds which tabs exist, which terminal each is bound to, and the layout.
import { create } from 'zustand';
import type { RequestOutput, SessionSummary } from '../../src-shared/api/contract';
import { bridge } from '../bridge';
import { asKilnError, type KilnError } from './errors';

export interface Tab {
  key: string;
  kind: string;
  title: string;
  /** The host's terminal id once opened (or the one to reattach to). */
  terminal?: string;
  exited?: boolean;
}

interface SessionTabs {
  tabs: Tab[];
  active: string;
  split: boolean;
  /** The tab in the right pane of the split view. */
  secondary: string | null;
}

export type TerminalKind = RequestOutput<'terminal.kinds'>[number];

interface TerminalsState {
  bySession: Record<string, SessionTabs>;
  /** What a new tab of each session can run (terminal.kinds), for the "New tab" menu. */
  kinds: Record<string, TerminalKind[]>;
  error: KilnError | null;
  load(session: SessionSummary): Promise<void>;
  loadKinds(session: string): Promise<void>;
  /** A new tab running `kind` (a shell or an agent), made current; its terminal opens when it mounts. */
  addTab(session: string, kind: string, title?: string): void;
  activate(session: string, key: string): void;
  toggleSplit(session: string): void;
  bound(session: string, key: string, terminal: string): void;
  exited(session: string, key: string): void;
}

/** The session's agents; a session that names none has OpenCode (Kiln's default agent). */
export function agentsOf(session: SessionSummary): string[] {
  return session.agents ?? ['opencode'];
}

export function titleOf(kind: string): string {
  if (kind === 'shell') return 'Shell';
  const names: Record<string, string> = { opencode: 'OpenCode', 'claude-code': 'Claude Code', codex: 'Codex CLI', 'gemini-cli': 'Gemini CLI' };
  return names[kind] ?? kind;
}

/** The progress task of a tab's terminal.open (an agent's install and setup report under it). */
export const openTask = (key: string) => `terminal.open:${key}`;

let added = 0;

export const useTerminals = create<TerminalsState>((set, get) => {
  const patch = (session: string, fn: (t: SessionTabs) => Partial<SessionTabs>) =>
    set((s) => {
      const cur = s.bySession[session];
      if (!cur) return s;
      return { bySession: { ...s.bySession, [session]: { ...cur, ...fn(cur) } } };
    });
  return {
    bySession: {},
    kinds: {},
    error: null,
    async loadKinds(session) {
      try {
        const kinds = await bridge.call('terminal.kinds', { id: session });
        set((s) => ({ kinds: { ...s.kinds, [session]: kinds } }));
      } catch (err) {
        set({ error: asKilnError(err) });
      }
    },
    addTab(session, kind, title) {
      const key = `${kind}~${Date.now().toString(36)}${++added}`;
      patch(session, (t) => ({ tabs: [...t.tabs, { key, kind, title: title ?? titleOf(kind) }], active: key }));
    },
    async load(session) {
      if (get().bySession[session.id]) return;
      let open: Tab[] = [];
      try {
        const list = await bridge.call('terminal.list', { id: session.id });
        open = list.filter((t) => !t.exited).map((t) => ({ key: t.terminal, kind: t.kind, title: titleOf(t.kind), terminal: t.terminal }));
      } catch (err) {
        set({ error: asKilnError(err) });
      }
      const tabs = [...open];
      const agents = agentsOf(session);
      for (const kind of [...agents, 'shell']) {
        if (!tabs.some((t) => t.kind === kind)) tabs.push({ key: kind, kind, title: titleOf(kind) });
      }
      const order = [...agents, 'shell'];
      tabs.sort((a, b) => (order.indexOf(a.kind) + 1 || 99) - (order.indexOf(b.kind) + 1 || 99));
      if (get().bySession[session.id]) return;
      set((s) => ({ bySession: { ...s.bySession, [session.id]: { tabs, active: tabs[0]!.key, split: false, secondary: null } } }));
    },
    activate(session, key) {
      patch(session, (t) => ({ active: key, secondary: t.secondary === key ? t.active : t.secondary }));
    },
    toggleSplit(session) {
      patch(session, (t) => ({
        split: !t.split,
        secondary: t.secondary && t.secondary !== t.active ? t.secondary : (t.tabs.find((x) => x.key !== t.active)?.key ?? null),
      }));
    },
    bound(session, key, terminal) {
      patch(session, (t) => ({ tabs: t.tabs.map((x) => (x.key === key ? { ...x, terminal, exited: false } : x)) }));
    },
    exited(session, key) {
      patch(session, (t) => ({ tabs: t.tabs.map((x) => (x.key === key ? { ...x, exited: true } : x)) }));
    },
  };
});
