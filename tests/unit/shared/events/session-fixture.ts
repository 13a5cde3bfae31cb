// A real signed session for tests: real keys, real nostr-tools signatures.
import { generateSecretKey, verifyEvent, type NostrEvent } from 'nostr-tools/pure';
import { SessionWriter, secretKeySigner, type Signer } from '../../../../src-shared/events';

export const COMMIT_A = 'a'.repeat(40);
export const COMMIT_B = 'b'.repeat(40);

export function newSigner(): Signer {
  return secretKeySigner(generateSecretKey());
}

/** start, then actions/checkpoint/error/end: seq 0..7. */
export function sampleSession(signer: Signer = newSigner()): { events: NostrEvent[]; writer: SessionWriter; signer: Signer } {
  const { writer, event } = SessionWriter.start(signer, {
    agent: 'opencode', model: 'claude-sonnet', workspace: '/workspace', environment: { LANG: 'C.UTF-8' },
  });
  const events = [event];
  events.push(writer.checkpoint({ commit: COMMIT_A, files: 0, reason: 'start' }).event);
  events.push(writer.action({ type: 'command', command: 'npm test', exitCode: 0, checkpoint: COMMIT_A }).event);
  events.push(writer.action({ type: 'file', path: 'src/a.ts', change: 'modified', diff: '@@ -1 +1 @@\n-a\n+b\n' }).event);
  events.push(writer.checkpoint({ commit: COMMIT_B, parent: COMMIT_A, files: 1, reason: 'watcher' }).event);
  events.push(writer.action({ type: 'message', from: 'claude', to: 'user', text: 'done' }).event);
  events.push(writer.error({ what: 'lint failed', attempted: 'npm run lint', code: 'E_LINT' }).event);
  events.push(writer.end({ durationMs: 1234, actions: 3, outcome: 'completed' }).event);
  return { events, writer, signer };
}

/** Verify as a stranger would: a plain copy, so no cached "verified" mark can answer for it. */
export function verifiesFresh(ev: NostrEvent): boolean {
  return verifyEvent({
    id: ev.id, pubkey: ev.pubkey, created_at: ev.created_at, kind: ev.kind,
    tags: ev.tags.map((t) => [...t]), content: ev.content, sig: ev.sig,
  });
}

export function byteLength(ev: NostrEvent): number {
  return new TextEncoder().encode(JSON.stringify(ev)).length;
}
