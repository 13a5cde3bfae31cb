// kiln timeline | checkpoints | checkpoint | undo | verify — the session's record, through its
// recorder (relay with NIP-42 for events, HTTP with the session token for the rest).
import type { TimelineClient } from '../../timeline';
import { intOption, sessionArg, usageError, type Command, type CommandContext } from '../command';
import { table } from '../output';
import { eventLine } from '../format';
import type { NostrEvent } from '../../../src-shared/events';

async function withTimeline<T>(ctx: CommandContext, use: (t: TimelineClient) => Promise<T>): Promise<T> {
  const client = await (await ctx.services()).timeline.open(sessionArg(ctx));
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

export const timeline: Command = {
  name: 'timeline',
  summary: 'the session\'s signed events, oldest first',
  usage: [
    'kiln timeline SESSION [--kind N]… [--limit N] [--follow] [--json]',
    '',
    'Kinds: 4600 session start, 4601 action, 4602 checkpoint, 4603 error, 4604 session end.',
    '--limit keeps the newest N. --follow prints the newest (default 20), then each new event as it is recorded',
    '(one JSON event per line with --json) until Ctrl-C.',
    'JSON: an array of the raw signed NIP-01 events.',
  ].join('\n'),
  options: { kind: { type: 'string', multiple: true }, limit: { type: 'string' }, follow: { type: 'boolean', short: 'f' } },
  positionals: [1, 1],
  async run(ctx) {
    const kinds = ((ctx.values.kind as string[] | undefined) ?? []).map((k) => {
      if (!/^\d+$/.test(k)) throw usageError('timeline', `--kind takes a number such as 4601, not "${k}".`);
      return Number(k);
    });
    const limit = intOption(ctx, 'timeline', 'limit');
    if (ctx.values.follow) return follow(ctx, kinds, limit ?? 20);
    const events = await withTimeline(ctx, (t) => t.events({ kinds, ...(limit !== undefined ? { limit } : {}) }));
    ctx.out.result(events, () => (events.length ? events.map(eventLine) : ['No events.']));
  },
};

/** Like `tail -f`: the newest events, then each new one as it is recorded, until Ctrl-C. */
async function follow(ctx: CommandContext, kinds: number[], limit: number): Promise<number> {
  const client = await (await ctx.services()).timeline.open(sessionArg(ctx));
  const seen = new Set<string>();
  const print = (ev: NostrEvent) => {
    if (seen.has(ev.id)) return;
    seen.add(ev.id);
    ctx.out.streams.stdout.write((ctx.json ? JSON.stringify(ev) : eventLine(ev)) + '\n');
  };
  const live = await client.live({ kinds }, print, () => undefined);
  for (const ev of await client.events({ kinds, limit })) print(ev);
  return new Promise<number>((resolve) => {
    process.once('SIGINT', () => {
      live.close();
      client.close();
      resolve(0);
    });
  });
}

export const checkpoints: Command = {
  name: 'checkpoints',
  summary: 'list the session\'s checkpoints',
  usage: 'kiln checkpoints SESSION [--json]\n\nJSON: an array of { id (event id), commit, created_at, reason, files }.',
  positionals: [1, 1],
  async run(ctx) {
    const list = await withTimeline(ctx, (t) => t.checkpoints());
    list.sort((a, b) => a.created_at - b.created_at);
    ctx.out.result(list, () =>
      list.length
        ? table(
            list.map((c) => [c.id.slice(0, 12), c.commit.slice(0, 12), new Date(c.created_at * 1000).toISOString().replace('T', ' ').slice(0, 19), c.reason ?? '', String(c.files ?? '')]),
            ['EVENT', 'COMMIT', 'TIME (UTC)', 'REASON', 'FILES'],
          )
        : ['No checkpoints yet.'],
    );
  },
};

export const checkpoint: Command = {
  name: 'checkpoint',
  summary: 'take a checkpoint now',
  usage: 'kiln checkpoint SESSION [--json]\n\nJSON: { commit, files, ms, unchanged }.',
  positionals: [1, 1],
  async run(ctx) {
    const cp = await withTimeline(ctx, (t) => t.checkpoint());
    ctx.out.result(cp, () =>
      cp.unchanged ? `Nothing changed since checkpoint ${cp.commit.slice(0, 12)}.` : `Checkpoint ${cp.commit.slice(0, 12)}: ${cp.files} file(s) in ${cp.ms} ms.`,
    );
  },
};

export const undo: Command = {
  name: 'undo',
  summary: 'restore a checkpoint (default: before the last action); undo is undoable',
  usage: 'kiln undo SESSION [CHECKPOINT] [--json]\n\nCHECKPOINT: an event id (64 hex) or a commit (40 hex) from `kiln checkpoints`.\nJSON: { restored, before, changed, ms }.',
  positionals: [1, 2],
  async run(ctx) {
    const target = ctx.args[1];
    const r = await withTimeline(ctx, (t) => t.undo(target));
    ctx.out.result(r, () => `Restored ${r.restored.slice(0, 12)} (${r.changed} ${r.changed === 1 ? 'file' : 'files'} changed in ${Math.round(r.ms)} ms). To undo this undo: kiln undo ${sessionArg(ctx)} ${r.before}`);
  },
};

export const verify: Command = {
  name: 'verify',
  summary: 'check every signature and the hash chain',
  usage: 'kiln verify SESSION [--json]\n\nJSON: { events, valid, problems: [{ code, id?, seq?, message }] }. Exits non-zero on any problem.',
  positionals: [1, 1],
  async run(ctx) {
    const report = await withTimeline(ctx, (t) => t.verify());
    ctx.out.result(report, () =>
      report.valid
        ? `✓ ${report.events} events; every signature and link checks out.`
        : [`✗ ${report.problems.length} problem(s) in ${report.events} events:`, ...report.problems.map((p) => `  ${p.code}: ${p.message}`)],
    );
    return report.valid ? 0 : 1;
  },
};
