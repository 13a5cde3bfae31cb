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
  /** The exit code when its process ended on its own (null: ended by a signal). */
  exitCode?: number | null;
}

interface SessionTabs {
  tabs: Tab[];
  /** The current tab's key; '' when every tab was closed. */
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
  /**
   * Close a tab: its terminal ends in the container (terminal.close) and the host forgets it;
   * the neighbour to the right (else the left) becomes current.
   */
  closeTab(session: string, key: string): Promise<void>;
  bound(session: string, key: string, terminal: string): void;
  exited(session: string, key: string, exitCode: number | null): void;
}

// The tabs a session starts with (its agents and a shell) come back on a reload unless the person
// closed them: which kinds were closed is kept per page (sessionStorage), as the tabs are.
const DISMISSED = (session: string) => `kiln.tabs.closed.${session}`;
function dismissed(session: string): string[] {
  try {
    const v = JSON.parse(sessionStorage.getItem(DISMISSED(session)) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}
function setDismissed(session: string, kinds: string[]): void {
  try {
    if (kinds.length) sessionStorage.setItem(DISMISSED(session), JSON.stringify(kinds));
    else sessionStorage.removeItem(DISMISSED(session));
  } catch {
    /* storage off: closed default tabs come back on a reload */
  }
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

/** A tab's name beside others of the same kind: "Shell", then "Shell 2", "Shell 3" (the first free). */
export function uniqueTitle(tabs: readonly Pick<Tab, 'title'>[], base: string): string {
  const taken = new Set(tabs.map((t) => t.title));
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base} ${n}`)) n++;
  return `${base} ${n}`;
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
      setDismissed(session, dismissed(session).filter((k) => k !== kind));
      patch(session, (t) => ({ tabs: [...t.tabs, { key, kind, title: uniqueTitle(t.tabs, title ?? titleOf(kind)) }], active: key }));
    },
    async load(session) {
      if (get().bySession[session.id]) return;
      let open: Tab[] = [];
      try {
        const list = await bridge.call('terminal.list', { id: session.id });
        // Exited ones too: their tab says so (the exit code comes on reattach) until closed.
        open = list.map((t) => ({ key: t.terminal, kind: t.kind, title: titleOf(t.kind), terminal: t.terminal, ...(t.exited ? { exited: true } : {}) }));
      } catch (err) {
        set({ error: asKilnError(err) });
      }
      const tabs = [...open];
      const agents = agentsOf(session);
      const closed = dismissed(session.id);
      for (const kind of [...agents, 'shell'].filter((k) => !closed.includes(k))) {
        if (!tabs.some((t) => t.kind === kind)) tabs.push({ key: kind, kind, title: titleOf(kind) });
      }
      const order = [...agents, 'shell'];
      tabs.sort((a, b) => (order.indexOf(a.kind) + 1 || 99) - (order.indexOf(b.kind) + 1 || 99));
      tabs.forEach((t, i) => (t.title = uniqueTitle(tabs.slice(0, i), t.title)));
      if (get().bySession[session.id]) return;
      set((s) => ({ bySession: { ...s.bySession, [session.id]: { tabs, active: tabs[0]?.key ?? '', split: false, secondary: null } } }));
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
    async closeTab(session, key) {
      const cur = get().bySession[session];
      const i = cur?.tabs.findIndex((t) => t.key === key) ?? -1;
      if (!cur || i < 0) return;
      const tab = cur.tabs[i]!;
      const tabs = cur.tabs.filter((t) => t.key !== key);
      const neighbour = tabs[Math.min(i, tabs.length - 1)]?.key ?? '';
      patch(session, (t) => {
        const active = t.active === key ? (t.secondary && t.secondary !== key ? t.secondary : neighbour) : t.active;
        const secondary = t.secondary === key || t.secondary === active ? (tabs.find((x) => x.key !== active)?.key ?? null) : t.secondary;
        return { tabs, active, secondary, split: t.split && tabs.length > 1 };
      });
      if (!tabs.some((t) => t.kind === tab.kind)) setDismissed(session, [...new Set([...dismissed(session), tab.kind])]);
      if (!tab.terminal) return; // not opened yet: the pane, unmounted, closes what its open returns
      try {
        await bridge.call('terminal.close', { terminal: tab.terminal });
      } catch (err) {
        set({ error: asKilnError(err) });
      }
    },
    bound(session, key, terminal) {
      patch(session, (t) => ({ tabs: t.tabs.map((x) => (x.key === key ? { key: x.key, kind: x.kind, title: x.title, terminal } : x)) }));
    },
    exited(session, key, exitCode) {
      patch(session, (t) => ({ tabs: t.tabs.map((x) => (x.key === key ? { ...x, exited: true, exitCode } : x)) }));
    },
  };
});
