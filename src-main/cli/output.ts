// Output: human text by default, JSON (one document on stdout) with --json; progress and
// failures on stderr, so `kiln … --json | jq` always sees clean JSON.
import type { KilnError } from '../../src-shared/errors';

export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export class Output {
  constructor(readonly streams: OutputStreams, readonly json: boolean) {}

  /** The command's result: `value` as JSON, or `human()` lines. */
  result(value: unknown, human: () => string | string[]): void {
    if (this.json) {
      this.streams.stdout.write(JSON.stringify(value, null, 2) + '\n');
      return;
    }
    const text = human();
    const lines = Array.isArray(text) ? text : [text];
    if (lines.length) this.streams.stdout.write(lines.join('\n') + '\n');
  }

  /** A line of progress or a note: stderr, never mixed into results. */
  note(line: string): void {
    this.streams.stderr.write(line + '\n');
  }

  /** The one-line reason on failure (and the error as JSON on stdout with --json). */
  fail(error: KilnError): void {
    if (this.json) this.streams.stdout.write(JSON.stringify({ error }, null, 2) + '\n');
    this.streams.stderr.write(`kiln: ${oneLine(error)}\n`);
  }
}

export function oneLine(error: KilnError): string {
  const msg = error.message.replace(/\s*\n\s*/g, ' ').trim();
  return error.next ? `${msg} ${error.next.replace(/\s*\n\s*/g, ' ').trim()}` : msg;
}

/** Left-aligned columns. */
export function table(rows: string[][], header?: string[]): string[] {
  const all = header ? [header, ...rows] : rows;
  const widths = all.reduce<number[]>((w, r) => r.map((c, i) => Math.max(w[i] ?? 0, c.length)), []);
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}
