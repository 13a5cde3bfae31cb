// The window's terminals, shared by every connection of a server: a terminal outlives the tab
// that opened it (a reload or a reconnect reattaches and replays its recent screen output), and
// closes on close() or when its session stops.
//
// Flow control end to end: output goes to the ONE attached viewer as text; the viewer acks what
// it has written (terminal.ack counts the UTF-8 bytes of the text pushed). OutputFlow pauses the
// exec stream when too much is unacked. When the viewer goes away (detach, a closed tab), what it
// still owed is forgiven, and with no viewer output is acked at once (kept only in the ring), so
// the stream never stays paused for a reader who is not there.
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { KilnFailure, kilnError } from '../../src-shared/errors';
import type { Terminal } from './terminal';

/** Recent output kept per terminal for a reattaching viewer (characters). */
export const REPLAY_CHARS = 256 * 1024;

export interface TerminalInfo {
  terminal: string;
  session: string;
  kind: string;
  title: string;
  cols: number;
  rows: number;
  exited: boolean;
}

export interface TerminalViewer {
  data(text: string): void;
  exit(exitCode: number | null): void;
}

/** A viewer's hold on a terminal; detach() forgives what it has not acked. */
export interface Attachment {
  readonly terminal: string;
  readonly viewer: number;
  detach(): void;
}

interface Entry {
  info: TerminalInfo;
  term: Terminal;
  decoder: StringDecoder;
  ring: string[];
  ringChars: number;
  /** owed: per push, [UTF-8 bytes of the text sent, bytes of the stream it came from]. */
  viewer?: { id: number; sink: TerminalViewer; owed: Array<[sent: number, raw: number]> };
  exitCode?: number | null;
}

/** Opens a terminal of `kind` (steps before it runs, e.g. an agent's install, go to onProgress); its tab title. */
export type OpenInSession = (session: string, kind: string, cols: number, rows: number, opts?: OpenOptions) => Promise<{ term: Terminal; title: string }>;
export interface OpenOptions {
  onProgress?: (line: string) => void;
}

const gone = (id: string) =>
  new KilnFailure(kilnError('E_TERMINAL_GONE', `The terminal ${id} is closed.`, 'Open a new terminal for the session.'));

export class TerminalRegistry {
  private readonly entries = new Map<string, Entry>();
  private nextViewer = 1;

  constructor(private readonly openIn: OpenInSession, private readonly replayChars = REPLAY_CHARS) {}

  async open(session: string, kind: string, cols: number, rows: number, opts: OpenOptions = {}): Promise<TerminalInfo> {
    const { term, title } = await this.openIn(session, kind, cols, rows, opts);
    const id = `t-${randomBytes(6).toString('hex')}`;
    const entry: Entry = {
      info: { terminal: id, session, kind, title, cols, rows, exited: false },
      term,
      decoder: new StringDecoder('utf8'),
      ring: [],
      ringChars: 0,
    };
    this.entries.set(id, entry);
    term.onData((chunk) => this.output(entry, chunk));
    term.onExit((code) => {
      const tail = entry.decoder.end();
      if (tail) this.output(entry, Buffer.from(tail));
      entry.exitCode = code;
      entry.info.exited = true;
      entry.viewer?.sink.exit(code);
    });
    return { ...entry.info };
  }

  /** Become the terminal's viewer (the previous one is detached); `replay` is its recent output. */
  attach(id: string, sink: TerminalViewer): { attachment: Attachment; replay: string; info: TerminalInfo } {
    const entry = this.entries.get(id);
    if (!entry) throw gone(id);
    this.release(entry);
    const viewer = { id: this.nextViewer++, sink, owed: [] as Array<[number, number]> };
    entry.viewer = viewer;
    const replay = entry.ring.join('');
    if (entry.exitCode !== undefined) queueMicrotask(() => sink.exit(entry.exitCode ?? null));
    return {
      replay,
      info: { ...entry.info },
      attachment: {
        terminal: id,
        viewer: viewer.id,
        detach: () => {
          if (entry.viewer === viewer) this.release(entry);
        },
      },
    };
  }

  /** Acks from a viewer that is no longer attached are ignored (its debt was forgiven). */
  ack(attachment: Attachment, sentBytes: number): void {
    const entry = this.entries.get(attachment.terminal);
    const viewer = entry?.viewer;
    if (!entry || !viewer || viewer.id !== attachment.viewer) return;
    let left = sentBytes;
    let bytes = 0;
    while (left > 0 && viewer.owed.length) {
      const head = viewer.owed[0]!;
      if (head[0] <= left) {
        left -= head[0];
        bytes += head[1];
        viewer.owed.shift();
      } else {
        // Part of a push: its share of the bytes.
        const part = Math.floor((head[1] * left) / head[0]);
        head[0] -= left;
        head[1] -= part;
        bytes += part;
        left = 0;
      }
    }
    if (bytes > 0) entry.term.ack(bytes);
  }

  write(id: string, data: string): void {
    const entry = this.entries.get(id);
    if (!entry || entry.info.exited) throw gone(id);
    entry.term.write(data);
  }

  async resize(id: string, cols: number, rows: number): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) throw gone(id);
    entry.info.cols = cols;
    entry.info.rows = rows;
    await entry.term.resize(cols, rows);
  }

  list(session?: string): TerminalInfo[] {
    return [...this.entries.values()].filter((e) => !session || e.info.session === session).map((e) => ({ ...e.info }));
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  async close(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.release(entry);
    await entry.term.close().catch(() => undefined);
  }

  /** When a session stops or goes: its terminals close. */
  async closeSession(session: string): Promise<void> {
    await Promise.all(this.list(session).map((t) => this.close(t.terminal)));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.close(id)));
  }

  private output(entry: Entry, chunk: Buffer): void {
    const text = entry.decoder.write(chunk);
    if (text) this.remember(entry, text);
    const viewer = entry.viewer;
    if (!viewer) {
      entry.term.ack(chunk.length); // nobody reading: never hold the stream for a reader who is not there
      return;
    }
    if (!text) {
      entry.term.ack(chunk.length); // an incomplete character: counted with the next push instead
      return;
    }
    viewer.owed.push([Buffer.byteLength(text), chunk.length]);
    viewer.sink.data(text);
  }

  private remember(entry: Entry, text: string): void {
    entry.ring.push(text);
    entry.ringChars += text.length;
    if (entry.ringChars <= this.replayChars) return;
    let joined = entry.ring.join('');
    joined = joined.slice(joined.length - this.replayChars);
    // Start the replay at a line start, not inside an escape sequence or a character.
    const nl = joined.indexOf('\n');
    if (nl >= 0 && nl < 4096) joined = joined.slice(nl + 1);
    entry.ring = [joined];
    entry.ringChars = joined.length;
  }

  /** The viewer goes: what it owed is acked now, so the stream runs on. */
  private release(entry: Entry): void {
    const viewer = entry.viewer;
    if (!viewer) return;
    entry.viewer = undefined;
    const owed = viewer.owed.reduce((n, [, b]) => n + b, 0);
    if (owed > 0) entry.term.ack(owed);
  }
}
