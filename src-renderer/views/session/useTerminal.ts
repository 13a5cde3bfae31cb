// One hook owns one terminal (after imbue-ai/sculptor's useTerminal): it creates the xterm 6
// instance, loads its addons (fit, search, web-links, serialize; WebGL with a fallback to the DOM
// renderer when WebGL is missing or its context is lost), binds it to a host terminal (new, or
// reattached with the replay of its recent screen), and keeps it alive while the component is
// mounted — the tab strip hides inactive panes instead of unmounting them, so a tab keeps its
// screen across switches.
//
// Flow control: every write's callback counts the bytes xterm has rendered; acks go to the host
// in batches (terminal.ack), so a flood (`yes`) is paced by what the page can draw.
// Query replies: while a replay is being written, xterm answers the queries it contains (DA,
// CPR); those answers would reach the shell as typed garbage, so they are dropped.
import { useEffect, useRef, useState } from 'react';
import { Terminal, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { SerializeAddon } from '@xterm/addon-serialize';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import { utf8Length } from '../../../src-shared/events/limits';
import { bridge, onReconnect } from '../../bridge';
import { asKilnError, type KilnError } from '../../state/errors';
import { openTask } from '../../state/terminals';

export interface TerminalHandle {
  term: Terminal;
  search: SearchAddon;
  serialize: SerializeAddon;
  terminal: () => string | null;
  renderer: () => 'webgl' | 'dom';
}

/** Live terminals by tab key (the search box and the tests reach them here). */
export const terminalRegistry = new Map<string, TerminalHandle>();

const QUERY_REPLY = /^(\x1b\[[?>]?[\d;]*c|\x1b\[\d+;\d+R|\x1b\[[?]?\d+;\d+\$y|\x1b\][0-9]+;[^\x07\x1b]*(\x07|\x1b\\))+$/;
const ACK_EVERY_BYTES = 32 * 1024;
const ACK_AFTER_MS = 8;

const SCROLLBAR = { scrollbarSliderBackground: 'rgba(128,128,128,0.18)', scrollbarSliderHoverBackground: 'rgba(128,128,128,0.35)', scrollbarSliderActiveBackground: 'rgba(128,128,128,0.5)' };
const DARK: ITheme = { background: '#16181d', foreground: '#d7dae0', cursor: '#d7dae0', selectionBackground: '#3a4a66', ...SCROLLBAR };
const LIGHT: ITheme = { background: '#ffffff', foreground: '#1f2328', cursor: '#1f2328', selectionBackground: '#b6d3ff', ...SCROLLBAR };
const themeNow = () => (document.documentElement.dataset.theme === 'dark' ? DARK : LIGHT);

export interface UseTerminalOptions {
  session: string;
  tabKey: string;
  kind: string;
  /** A host terminal to reattach to (after a reload). */
  attach?: string;
  active: boolean;
  onBound(terminal: string): void;
  onExit(exitCode: number | null): void;
}

export function useTerminal(opts: UseTerminalOptions) {
  const ref = useRef<HTMLDivElement | null>(null);
  const [error, setError] = useState<KilnError | null>(null);
  const [exited, setExited] = useState(false);
  /** 'opening' until bound, 'open' while bound with no output yet, 'live' once output was drawn. */
  const [phase, setPhase] = useState<'opening' | 'open' | 'live'>('opening');
  const handleRef = useRef<TerminalHandle | null>(null);
  const optsRef = useRef(opts);
  optsRef.current = opts;
  const restartRef = useRef<() => void>(() => {});

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const { session, tabKey, kind } = optsRef.current;
    const term = new Terminal({
      allowProposedApi: true,
      cursorBlink: true,
      fontFamily: 'ui-monospace, "SF Mono", "Cascadia Code", Menlo, Consolas, "DejaVu Sans Mono", monospace',
      fontSize: 13,
      lineHeight: 1.15,
      scrollback: 10_000,
      theme: themeNow(),
    });
    const fit = new FitAddon();
    const search = new SearchAddon();
    const serialize = new SerializeAddon();
    term.loadAddon(fit);
    term.loadAddon(search);
    term.loadAddon(serialize);
    term.loadAddon(new WebLinksAddon((_e, uri) => window.open(uri, '_blank', 'noopener,noreferrer')));
    term.open(el);

    let renderer: 'webgl' | 'dom' = 'dom';
    try {
      const webgl = new WebglAddon();
      webgl.onContextLoss(() => {
        webgl.dispose(); // xterm falls back to its DOM renderer
        renderer = 'dom';
      });
      term.loadAddon(webgl);
      renderer = 'webgl';
    } catch {
      renderer = 'dom'; // no WebGL here: the DOM renderer draws
    }

    let terminalId: string | null = null;
    let disposed = false;
    let replaying = false;
    let exitedFlag = false;
    const exitedNow = () => exitedFlag;
    const early: { terminal: string; data: string }[] = [];
    // A reattached terminal that had exited says so before terminal.open answers.
    const earlyExits = new Map<string, number | null>();

    // ---- flow control: acks in batches from xterm's write callback
    let unacked = 0;
    let ackTimer: ReturnType<typeof setTimeout> | null = null;
    const flushAck = () => {
      ackTimer = null;
      if (!terminalId || unacked === 0) return;
      const bytes = unacked;
      unacked = 0;
      void bridge.call('terminal.ack', { terminal: terminalId, bytes }).catch(() => undefined);
    };
    const written = (bytes: number) => {
      unacked += bytes;
      if (unacked >= ACK_EVERY_BYTES) flushAck();
      else if (!ackTimer) ackTimer = setTimeout(flushAck, ACK_AFTER_MS);
    };
    let live = false;
    const writeData = (data: string) => {
      const bytes = utf8Length(data);
      term.write(data, () => {
        written(bytes);
        if (!live) {
          live = true;
          setPhase('live');
        }
      });
    };

    const offData = bridge.on('terminal.data', (p) => {
      if (terminalId === null) {
        if (early.length < 256) early.push(p);
        return;
      }
      if (p.terminal === terminalId) writeData(p.data);
    });
    const exitNow = (exitCode: number | null) => {
      exitedFlag = true;
      term.write(`\r\n\x1b[2m[process exited${exitCode !== null ? ` with code ${exitCode}` : ''} — press Enter to start a new one]\x1b[0m\r\n`);
      setExited(true);
      optsRef.current.onExit(exitCode);
    };
    const offExit = bridge.on('terminal.exit', (p) => {
      if (terminalId === null) earlyExits.set(p.terminal, p.exitCode);
      else if (p.terminal === terminalId) exitNow(p.exitCode);
    });

    const writeReplay = (replay: string | undefined) => {
      if (!replay) return;
      replaying = true;
      term.write(replay, () => {
        replaying = false;
      });
    };

    const bind = (id: string) => {
      terminalId = id;
      exitedFlag = false;
      setExited(false);
      if (!live) setPhase('open');
      optsRef.current.onBound(id);
      for (const p of early.splice(0)) if (p.terminal === id) writeData(p.data);
      if (earlyExits.has(id)) exitNow(earlyExits.get(id)!);
      earlyExits.clear();
    };

    const open = async (attach: string | undefined) => {
      setError(null);
      fitNow();
      const size = { cols: term.cols, rows: term.rows };
      try {
        if (attach) {
          try {
            const r = await bridge.call('terminal.open', { id: session, attach, ...size });
            if (disposed) return;
            term.reset();
            writeReplay(r.replay);
            bind(r.terminal);
            // A full-screen app (OpenCode) redraws on SIGWINCH: a one-row nudge makes it repaint
            // what the replay could not hold.
            void bridge
              .call('terminal.resize', { terminal: r.terminal, cols: term.cols, rows: Math.max(1, term.rows - 1) })
              .then(() => bridge.call('terminal.resize', { terminal: r.terminal, cols: term.cols, rows: term.rows }))
              .catch(() => undefined);
            return;
          } catch {
            // gone (the host restarted or it exited): open a new one below
          }
        }
        // An agent not yet installed installs now: its steps arrive on `progress` under this task.
        const r = await bridge.call('terminal.open', { id: session, kind, ...size, task: openTask(tabKey) });
        // The tab went while this opened (closed, or its view left): nobody can reach this terminal.
        if (disposed) return void bridge.call('terminal.close', { terminal: r.terminal }).catch(() => undefined);
        writeReplay(r.replay);
        bind(r.terminal);
      } catch (err) {
        if (!disposed) setError(asKilnError(err));
      }
    };
    restartRef.current = () => {
      terminalId = null;
      early.length = 0;
      void open(undefined);
    };

    term.onData((data) => {
      if (replaying && QUERY_REPLY.test(data)) return;
      if (!terminalId) {
        if (data === '\r' && !disposed) restartRef.current();
        return;
      }
      if (exitedNow()) {
        if (data === '\r') restartRef.current();
        return;
      }
      void bridge.call('terminal.write', { terminal: terminalId, data }).catch((err) => setError(asKilnError(err)));
    });

    // Copy and paste: Ctrl+Shift+C / Ctrl+Shift+V (Ctrl+C stays an interrupt); ⌘C/⌘V work
    // natively. Ctrl/⌘+Shift+Z is the app's "undo last action" and Ctrl/⌘+Shift+W closes the
    // tab (Terminals.tsx): the terminal lets them through.
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown') return true;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.shiftKey && (e.code === 'KeyZ' || e.code === 'KeyW')) return false;
      if (e.ctrlKey && e.shiftKey && e.code === 'KeyC') {
        const sel = term.getSelection();
        if (sel) void navigator.clipboard?.writeText(sel).catch(() => undefined);
        return false;
      }
      if (e.ctrlKey && e.shiftKey && e.code === 'KeyV') {
        void navigator.clipboard?.readText().then((t) => term.paste(t)).catch(() => undefined); // paste() brackets when the app asked
        return false;
      }
      return true;
    });

    // ---- resize follows the pane
    let sent = { cols: 0, rows: 0 };
    let resizeTimer: ReturnType<typeof setTimeout> | null = null;
    function fitNow() {
      if (el!.clientWidth === 0 || el!.clientHeight === 0) return;
      try {
        fit.fit();
      } catch {
        /* not laid out yet */
      }
    }
    const onResize = () => {
      fitNow();
      if (resizeTimer) clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => {
        if (!terminalId || (term.cols === sent.cols && term.rows === sent.rows)) return;
        sent = { cols: term.cols, rows: term.rows };
        void bridge.call('terminal.resize', { terminal: terminalId, cols: term.cols, rows: term.rows }).catch(() => undefined);
      }, 50);
    };
    const ro = new ResizeObserver(onResize);
    ro.observe(el);

    const themeObserver = new MutationObserver(() => {
      term.options.theme = themeNow();
    });
    themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });

    // After the server came back: reattach and redraw from its replay.
    const offReconnect = onReconnect(() => {
      const id = terminalId;
      terminalId = null;
      void open(id ?? undefined);
    });

    const handle: TerminalHandle = { term, search, serialize, terminal: () => terminalId, renderer: () => renderer };
    handleRef.current = handle;
    terminalRegistry.set(tabKey, handle);

    void open(optsRef.current.attach);

    return () => {
      disposed = true;
      offData();
      offExit();
      offReconnect();
      ro.disconnect();
      themeObserver.disconnect();
      if (ackTimer) clearTimeout(ackTimer);
      flushAck();
      if (resizeTimer) clearTimeout(resizeTimer);
      terminalRegistry.delete(tabKey);
      term.dispose();
    };
  }, []);

  useEffect(() => {
    const h = handleRef.current;
    if (!h || !opts.active) return;
    // Shown again: fit to the pane (it had no size while hidden) and take the keyboard.
    requestAnimationFrame(() => {
      h.term.focus();
    });
  }, [opts.active]);

  return { ref, error, exited, phase, restart: () => restartRef.current() };
}

/** The query flag (`?kiln-debug`) that puts `window.kilnDebug` on a built page. */
const DEBUG_FLAG = 'kiln-debug';

/**
 * Read-only view of the terminals for tests and benchmarks (what a person sees, as text): the
 * visible screen of a tab (or the active one), and where its cursor is.
 */
const debug = {
  screen(key?: string): string {
    const h = key ? terminalRegistry.get(key) : activeHandle();
    if (!h) return '';
    const b = h.term.buffer.active;
    const lines: string[] = [];
    for (let i = b.viewportY; i < b.viewportY + h.term.rows; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  },
  cursorLine(key?: string): string {
    const h = key ? terminalRegistry.get(key) : activeHandle();
    if (!h) return '';
    const b = h.term.buffer.active;
    return b.getLine(b.baseY + b.cursorY)?.translateToString(true) ?? '';
  },
  /** The cursor's row in the whole buffer (scrollback included): it moves when output arrives. */
  cursorRow(key?: string): number {
    const h = key ? terminalRegistry.get(key) : activeHandle();
    if (!h) return -1;
    const b = h.term.buffer.active;
    return b.baseY + b.cursorY;
  },
  renderer(key?: string): string {
    return (key ? terminalRegistry.get(key) : activeHandle())?.renderer() ?? '';
  },
};

function activeHandle(): TerminalHandle | undefined {
  const tab = document.querySelector<HTMLElement>('[role=tab][aria-selected=true]');
  const key = tab?.getAttribute('aria-controls')?.replace(/^panel-/, '');
  return key ? terminalRegistry.get(key) : undefined;
}

// Not for a person's page: only where the address asks for it (the query flag the e2e and bench
// harnesses add, tests/e2e/support/kiln-web.ts `debugUrl`). Not import.meta.env.DEV: a build run
// under vitest (NODE_ENV=test) has DEV true, so the tests would not see what ships.
if (new URLSearchParams(location.search).has(DEBUG_FLAG)) (window as unknown as { kilnDebug?: typeof debug }).kilnDebug = debug;
