// Session ids and the names of the things a session is made of (the pod contract).
import { randomBytes } from 'node:crypto';
import { KilnFailure, kilnError } from '../../src-shared/errors';

/** Same rule as the bridge contract's SessionId. */
export const SESSION_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A readable name → its id: lowercase, dashes for anything else, at most 63 characters. */
export function sessionIdFor(name: string): string {
  const id = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  if (!SESSION_ID.test(id)) {
    throw new KilnFailure(
      kilnError('E_SESSION_NAME', `"${name}" cannot be a session name: it needs at least one letter or digit.`, 'Choose a name such as "my-project".'),
    );
  }
  return id;
}

/** A fresh name when none was given: `session-` and four random hex digits. */
export function newSessionName(): string {
  return `session-${randomBytes(2).toString('hex')}`;
}

export const recorderName = (id: string) => `kiln-${id}-recorder`;
export const workspaceName = (id: string) => `kiln-${id}-workspace`;
export const stateVolumeName = (id: string) => `kiln-${id}-state`;

/** 32 random bytes as hex: the session and hook tokens. */
export const newToken = () => randomBytes(32).toString('hex');
