// Markdown with YAML frontmatter, as Claude Code subagents and OpenCode agents are written. Real
// ones often carry loose, unquoted multi-line descriptions with colons in them that strict YAML
// refuses; those are read leniently (key: value lines, continuation lines appended) and the
// report says so, instead of losing the agent.
import { parse as parseYaml } from 'yaml';

export interface Frontmatter {
  fields: Record<string, unknown>;
  body: string;
  /** Set when strict YAML failed and the lenient reader was used: what YAML said. */
  lenient?: string;
  /** Lines the lenient reader could not place. */
  unreadable: string[];
}

const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_-]*)\s*:\s?(.*)$/;

export function readFrontmatter(text: string): Frontmatter {
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const m = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(src);
  if (!m) return { fields: {}, body: src, unreadable: [] };
  const yamlText = m[1]!;
  const body = src.slice(m[0].length);
  try {
    const value = parseYaml(yamlText) as unknown;
    if (value === null || value === undefined) return { fields: {}, body, unreadable: [] };
    if (typeof value === 'object' && !Array.isArray(value)) return { fields: value as Record<string, unknown>, body, unreadable: [] };
    throw new Error('the frontmatter is not a list of key: value lines');
  } catch (err) {
    const fields: Record<string, unknown> = {};
    const unreadable: string[] = [];
    let last: string | undefined;
    for (const line of yamlText.split('\n')) {
      const kv = KEY_LINE.exec(line);
      if (kv && !/^\s/.test(line)) {
        last = kv[1]!;
        fields[last] = kv[2]!.trim().replace(/^(["'])(.*)\1$/, '$2');
      } else if (line.trim() === '') continue;
      else if (last !== undefined) fields[last] = `${String(fields[last] ?? '')}${fields[last] ? ' ' : ''}${line.trim()}`;
      else unreadable.push(line);
    }
    return { fields, body, lenient: String((err as Error).message).split('\n')[0]!, unreadable };
  }
}
