// JSON.parse with a line and column a person can act on. Engines word (and sometimes omit)
// positions differently, so on failure a small scanner of our own finds the first bad character;
// the message is then the same in Node, Electron's renderer and the CLI.
import type { RecipeResult } from './problems';

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

interface SyntaxFault {
  offset: number;
  reason: string;
}

/**
 * Returns the first syntax fault of `text` as JSON, or null when it is valid. A key repeated in one
 * object is a fault too: JSON.parse keeps the last, other parsers the first, so the recipe would
 * mean different things to different tools.
 */
function findFault(text: string): SyntaxFault | null {
  let i = 0;
  const fail = (reason: string): never => {
    throw { offset: i, reason } satisfies SyntaxFault;
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const shown = () => (i >= text.length ? 'the end of the file' : `"${text[i]}"`);
  const expect = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail(`expected "${word}" but found ${shown()}`);
      i++;
    }
  };
  const str = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('a string is not closed (missing ")');
      const ch = text[i]!;
      if (ch === '"') return void i++;
      if (ch < ' ') fail('a line break or control character inside a string; write it as \\n or close the string');
      if (ch === '\\') {
        i++;
        const esc = text[i];
        if (esc === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('"\\u" must be followed by four hex digits');
          i += 5;
        } else if (esc !== undefined && '"\\/bfnrt'.includes(esc)) i++;
        else fail(`"\\${esc ?? ''}" is not a JSON escape`);
      } else i++;
    }
  };
  const num = () => {
    NUMBER.lastIndex = i; // sticky: matches at i without copying the rest of the text
    const m = NUMBER.exec(text);
    if (!m) fail(`${shown()} does not start a value (a value is an object, list, string, number, true, false or null)`);
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      const keys = new Set<string>();
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a key in double quotes but found ${shown()}`);
        const keyStart = i;
        str();
        const key = JSON.parse(text.slice(keyStart, i)) as string;
        if (keys.has(key)) {
          i = keyStart;
          fail(`the key ${JSON.stringify(key)} appears twice in the same object; keep one`);
        }
        keys.add(key);
        ws();
        if (text[i] !== ':') fail(`expected ":" after the key but found ${shown()}`);
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === '}') fail('a comma before "}" (trailing commas are not allowed in JSON)');
          continue;
        }
        if (text[i] === '}') return void i++;
        fail(`expected "," or "}" but found ${shown()}`);
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === ']') fail('a comma before "]" (trailing commas are not allowed in JSON)');
          continue;
        }
        if (text[i] === ']') return void i++;
        fail(`expected "," or "]" but found ${shown()}`);
      }
    }
    if (ch === '"') return str();
    if (ch === 't') return expect('true');
    if (ch === 'f') return expect('false');
    if (ch === 'n') return expect('null');
    if (ch === undefined) fail('the file ends where a value was expected');
    num();
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${shown()} after the end of the JSON value`);
    return null;
  } catch (thrown) {
    if (typeof thrown === 'object' && thrown !== null && 'offset' in thrown) return thrown as SyntaxFault;
    if (thrown instanceof RangeError) return { offset: i, reason: 'the JSON is nested too deeply' };
    throw thrown;
  }
}

/** 1-based line and column (in UTF-16 code units, as editors count) of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text[k] === '\n') {
      line++;
      start = k + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/**
 * Parses JSON text. On failure (including a key repeated in one object) returns one `json-syntax` problem naming the file, line and column,
 * e.g. `recipe.json line 4, column 3: a comma before "}" (trailing commas are not allowed in JSON).`
 * A leading byte order mark is ignored (editors on Windows add one).
 */
export function parseJsonWithLocation(text: string, fileName: string): RecipeResult<unknown> {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let value: unknown;
  let fault = findFault(body);
  if (!fault) {
    try {
      value = JSON.parse(body);
    } catch {
      fault = { offset: 0, reason: 'the text is not valid JSON' }; // the scanner and the engine disagree: still refuse
    }
  }
  if (!fault) return { ok: true, value };
  const { line, column } = lineColumn(body, fault.offset);
  return {
    ok: false,
    problems: [
      {
        code: 'json-syntax',
        file: fileName,
        path: '$',
        message: `${fileName} line ${line}, column ${column}: ${fault.reason}. Fix the JSON and load the recipe again.`,
      },
    ],
  };
}
