import { describe, expect, it } from 'vitest';
import { isKilnError, kilnError, KilnFailure, toKilnError } from '../../../src-shared/errors';

describe('KilnError', () => {
  it('is plain data that survives JSON and structuredClone', () => {
    const e = kilnError('E_X', 'Something a person reads.', 'Do this next.');
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
    expect(structuredClone(e)).toEqual(e);
    expect(kilnError('E_X', 'No next step.')).toEqual({ code: 'E_X', message: 'No next step.' });
  });

  it('isKilnError accepts the shape and refuses look-alikes, Node errno errors included', () => {
    expect(isKilnError({ code: 'E_X', message: 'm' })).toBe(true);
    expect(isKilnError({ code: 'E_X', message: 'm', next: 'n' })).toBe(true);
    expect(isKilnError({ code: 'E_X', message: 'm', next: 3 })).toBe(false);
    expect(isKilnError({ code: 1, message: 'm' })).toBe(false);
    expect(isKilnError(null)).toBe(false);
    expect(isKilnError('E_X')).toBe(false);
    const errno = Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' });
    expect(isKilnError(errno)).toBe(false);
  });

  it('toKilnError passes KilnErrors and KilnFailures through unchanged', () => {
    const e = kilnError('E_Y', 'Why.', 'Next.');
    expect(toKilnError(e)).toEqual(e);
    expect(toKilnError(new KilnFailure(e))).toEqual(e);
    expect(new KilnFailure(e).message).toBe('Why.');
  });

  it('toKilnError turns anything else into a sentence without a stack', () => {
    const err = new Error('disk full\n    at write (fs.js:1:1)');
    const k = toKilnError(err, 'E_WRITE');
    expect(k.code).toBe('E_WRITE');
    expect(k.message).toBe('Something went wrong: disk full');
    expect(k.message).not.toMatch(/at write/);
    expect(k.next).toBeTruthy();
    expect(toKilnError(undefined)).toMatchObject({ code: 'E_UNEXPECTED', message: 'Something went wrong.' });
    expect(toKilnError('plain text').message).toBe('Something went wrong: plain text');
  });
});
