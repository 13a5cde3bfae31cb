// The agent session's identity: its keypair and where its chain stands. Both live in the state
// volume, which only the recorder mounts. A recorder restart continues the same chain; a start
// after a clean `session end` begins a new session with a new keypair.
import fs from 'node:fs';
import path from 'node:path';
import { generateSecretKey } from 'nostr-tools/pure';
import { bytesToHex, hexToBytes } from 'nostr-tools/utils';
import type { EventStore } from './store';
import { SessionWriter, secretKeySigner, type Redactor, type SessionStartInput, type Written } from '../../src-shared/events';

interface SessionFile {
  startId: string;
  secretKey: string;
}

export interface OpenedSession {
  writer: SessionWriter;
  startId: string;
  resumed: boolean;
}

export function openSession(opts: {
  stateDir: string;
  store: EventStore;
  start: SessionStartInput;
  owner?: string;
  redact: Redactor;
  write: (w: Written) => void;
}): OpenedSession {
  const file = path.join(opts.stateDir, 'session.json');
  const saved = readSessionFile(file);
  if (saved) {
    const last = opts.store.latestOfSession(saved.startId);
    const ended = last?.kind === 4604;
    if (last && !ended) {
      const seq = Number(last.tags.find((t) => t[0] === 'seq')?.[1] ?? '0');
      const writer = SessionWriter.resume(secretKeySigner(hexToBytes(saved.secretKey)), { startId: saved.startId, lastId: last.id, lastSeq: seq }, { redact: opts.redact });
      return { writer, startId: saved.startId, resumed: true };
    }
  }
  const sk = generateSecretKey();
  const started = SessionWriter.start(secretKeySigner(sk), opts.start, { redact: opts.redact, ...(opts.owner ? { owner: opts.owner } : {}) });
  opts.write(started);
  writeFileAtomic(file, JSON.stringify({ startId: started.event.id, secretKey: bytesToHex(sk) } satisfies SessionFile), 0o600);
  return { writer: started.writer, startId: started.event.id, resumed: false };
}

function readSessionFile(file: string): SessionFile | null {
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<SessionFile>;
    if (typeof data.startId === 'string' && typeof data.secretKey === 'string') return { startId: data.startId, secretKey: data.secretKey };
  } catch {
    /* a missing or unreadable file means a new session */
  }
  return null;
}

/** Write to a temporary file and rename, so a crash never leaves half a file. */
export function writeFileAtomic(file: string, data: string, mode = 0o644): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data, { mode });
  fs.renameSync(tmp, file);
}
