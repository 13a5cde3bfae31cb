import { describe, expect, it } from 'vitest';
import { cleanText, cleanValue, MAX_VALUE_DEPTH } from '../../../../src-shared/events';

describe('cleanText', () => {
  it('removes C0 controls but keeps newlines and tabs', () => {
    expect(cleanText('a\x00b\x07c\x1b[31md\te\nf')).toBe('abc[31md\te\nf');
  });

  it('turns \\r\\n and lone \\r into \\n', () => {
    expect(cleanText('one\r\ntwo\rthree\n')).toBe('one\ntwo\nthree\n');
  });

  it('removes DEL and C1 controls but keeps printable Latin-1', () => {
    expect(cleanText('x\x7fy\x85z\x9f é')).toBe('xyz é');
  });

  it('replaces lone surrogates with U+FFFD and keeps valid pairs', () => {
    expect(cleanText('a\uD800b')).toBe('a\uFFFDb');
    expect(cleanText('a\uDC00b')).toBe('a\uFFFDb');
    expect(cleanText('end\uD83D')).toBe('end\uFFFD');
    expect(cleanText('ok 😀 \uD83D\uDE00')).toBe('ok 😀 😀');
  });

  it('returns ordinary text unchanged', () => {
    const s = 'const x = "héllo"; // 日本語\n\tindent';
    expect(cleanText(s)).toBe(s);
  });
});

describe('cleanValue', () => {
  it('cleans strings deeply, keys included', () => {
    expect(cleanValue({ 'k\x00ey': ['a\r\nb', { n: 'x\uD800' }], n: 1, b: true, z: null })).toEqual({
      key: ['a\nb', { n: 'x\uFFFD' }], n: 1, b: true, z: null,
    });
  });

  it('makes non-JSON values what JSON.stringify would', () => {
    const out = cleanValue({ u: undefined, f: () => 1, inf: Infinity, big: 10n, arr: [undefined, NaN], d: new Date(0) });
    expect(out).toEqual({ inf: null, big: '10', arr: [null, null], d: '1970-01-01T00:00:00.000Z' });
  });

  it('bounds nesting and breaks cycles', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    const cleaned = JSON.stringify(cleanValue(deep));
    expect(cleaned).toContain('[nested too deep]');
    expect(cleaned.split('{').length - 1).toBe(MAX_VALUE_DEPTH);

    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(cleanValue(cyclic)).toEqual({ a: 1, self: '[circular]' });
  });
});
