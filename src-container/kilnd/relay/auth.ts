// NIP-42: a client proves it holds an allowed key by signing a kind 22242 event that names this
// connection's challenge and the relay. Only the app (key derived from the session token) may.
import { verifyEvent } from 'nostr-tools/pure';
import { parseEvent } from '../store';

export const AUTH_KIND = 22242;
/** How far an AUTH event's created_at may be from the relay's clock (NIP-42 suggests ~10 min). */
export const AUTH_WINDOW_SECONDS = 600;

export interface AuthCheck {
  challenge: string;
  allowedPubkeys: ReadonlySet<string>;
  /** When set, the event's relay tag must name this URL (host and path, case-insensitive host). */
  relayUrl?: string;
  nowSeconds: number;
}

export type AuthResult = { ok: true; id: string; pubkey: string } | { ok: false; id: string; reason: string };

export function checkAuthEvent(input: unknown, check: AuthCheck): AuthResult {
  const id = typeof (input as { id?: unknown })?.id === 'string' ? (input as { id: string }).id : '';
  const parsed = parseEvent(input);
  if (!parsed.ok) return { ok: false, id, reason: `invalid: ${parsed.reason}` };
  const event = parsed.value;
  if (event.kind !== AUTH_KIND) return { ok: false, id, reason: `invalid: an AUTH event has kind ${AUTH_KIND}` };
  if (!verifyEvent({ ...event })) return { ok: false, id, reason: 'invalid: bad event id or signature' };
  if (Math.abs(event.created_at - check.nowSeconds) > AUTH_WINDOW_SECONDS) {
    return { ok: false, id, reason: 'invalid: created_at is too far from now; check the clock' };
  }
  const tag = (name: string) => event.tags.find((t) => t[0] === name)?.[1];
  if (tag('challenge') !== check.challenge) return { ok: false, id, reason: 'invalid: the challenge does not match this connection' };
  const relay = tag('relay');
  if (relay === undefined || !sameRelay(relay, check.relayUrl)) return { ok: false, id, reason: 'invalid: the relay tag does not name this relay' };
  if (!check.allowedPubkeys.has(event.pubkey)) return { ok: false, id, reason: 'restricted: this key may not use this relay' };
  return { ok: true, id, pubkey: event.pubkey };
}

function sameRelay(tagged: string, expected: string | undefined): boolean {
  let url: URL;
  try {
    url = new URL(tagged);
  } catch {
    return false;
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return false;
  if (expected === undefined) return true; // behind port mappings the client's URL is not ours to know
  const want = new URL(expected);
  const path = (u: URL) => u.pathname.replace(/\/+$/, '');
  return url.host.toLowerCase() === want.host.toLowerCase() && path(url) === path(want);
}
