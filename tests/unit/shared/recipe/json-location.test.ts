import { describe, expect, it } from 'vitest';
import { lineColumn, parseJsonWithLocation } from '../../../../src-shared/recipe/json-location';

const messageOf = (text: string) => {
  const r = parseJsonWithLocation(text, 'recipe.json');
  if (r.ok) throw new Error('expected a syntax problem');
  expect(r.problems).toHaveLength(1);
  expect(r.problems[0]).toMatchObject({ code: 'json-syntax', file: 'recipe.json', path: '$' });
  return r.problems[0]!.message;
};

describe('parseJsonWithLocation', () => {
  it('parses valid JSON, ignoring a leading byte order mark', () => {
    expect(parseJsonWithLocation('\uFEFF{"a": [1, true, null, "x\\u00e9"]}', 'f.json')).toEqual({ ok: true, value: { a: [1, true, null, 'xé'] } });
  });

  it.each([
    ['trailing comma in an object', '{\n  "name": "x",\n}', 'line 3, column 1', /trailing commas/],
    ['trailing comma in a list', '{"tags": ["a",\n ]}', 'line 2, column 2', /trailing commas/],
    ['missing colon', '{\n  "name" "x"\n}', 'line 2, column 10', /expected ":"/],
    ['unquoted key', '{ name: 1 }', 'line 1, column 3', /key in double quotes/],
    ['single-quoted string', "{\"a\": 'x'}", 'line 1, column 7', /does not start a value/],
    ['unclosed list at end of file', '{"a": [1, 2', 'line 1, column 12', /end of the file/],
    ['raw line break inside a string', '{"a": "x\ny"}', 'line 1, column 9', /inside a string/],
    ['misspelt literal', '{\n\n   "a": ture}', 'line 3, column 10', /expected "true" but found "u"/],
    ['text after the value', '{}\n{}', 'line 2, column 1', /after the end/],
    ['empty file', '', 'line 1, column 1', /ends where a value/],
  ])('locates a %s', (_name, text, where, reason) => {
    const message = messageOf(text);
    expect(message).toContain(`recipe.json ${where}:`);
    expect(message).toMatch(reason);
  });

  it('counts columns from 1 and lines from 1', () => {
    expect(lineColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});

describe('parseJsonWithLocation on repeated keys', () => {
  it('refuses a key repeated in one object, pointing at the second one', () => {
    const message = messageOf('{\n  "name": "a",\n  "agents": [],\n  "name": "b"\n}');
    expect(message).toContain('recipe.json line 4, column 3: the key "name" appears twice');
  });

  it('allows the same key in different objects and compares keys after unescaping', () => {
    expect(parseJsonWithLocation('{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}', 'f.json').ok).toBe(true);
    expect(parseJsonWithLocation('{"a": 1, "\\u0061": 2}', 'f.json').ok).toBe(false);
  });
});
