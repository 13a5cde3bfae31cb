// Human lines for timeline events: `seq time kind summary`.
import { kindName } from '../../src-shared/events/kinds';
import type { NostrEvent } from '../../src-shared/events';

const tag = (ev: NostrEvent, name: string) => ev.tags.find((t) => t[0] === name)?.[1];

function content(ev: NostrEvent): Record<string, unknown> {
  try {
    const v = JSON.parse(ev.content) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));
const clip = (s: string, n = 100) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
};

export function summarizeEvent(ev: NostrEvent): string {
  const c = content(ev);
  switch (ev.kind) {
    case 4600:
      return `session start: agent ${str(c.agent)}, model ${str(c.model)}`;
    case 4601: {
      const t = tag(ev, 't') ?? str(c.type);
      if (t === 'command') return `command  ${clip(str(c.command))}${c.exitCode !== undefined ? `  → exit ${str(c.exitCode)}` : ''}`;
      if (t === 'file') return `file     ${str(c.change)} ${str(c.path)}`;
      if (t === 'tool') return `tool     ${str(c.agent)} ${str(c.tool)} (${str(c.phase)})`;
      if (t === 'message') return `message  ${str(c.from)}: ${clip(str(c.text))}`;
      if (t === 'git') return `git      ${str(c.operation)} ${clip(str(c.detail))}`;
      return `action   ${t}`;
    }
    case 4602:
      return `checkpoint ${(tag(ev, 'r') ?? str(c.commit)).slice(0, 12)} (${str(c.reason)}, ${str(c.files)} files)`;
    case 4603:
      return `error    ${clip(str(c.what))}`;
    case 4604:
      return `session end: ${str(c.outcome)}, ${str(c.actions)} actions`;
    default:
      return `kind ${ev.kind}`;
  }
}

export function eventLine(ev: NostrEvent): string {
  const seq = tag(ev, 'seq') ?? '-';
  const time = new Date(ev.created_at * 1000).toISOString().slice(11, 19);
  return `${seq.padStart(5)}  ${time}  ${(kindName(ev.kind) ?? String(ev.kind)).padEnd(12)} ${summarizeEvent(ev)}`;
}
