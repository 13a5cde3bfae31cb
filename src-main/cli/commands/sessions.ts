// kiln up | ls | status | down | rm — sessions on the SessionManager.
import type { SessionInfo } from '../../sessions';
import { sessionArg, type Command } from '../command';
import { table } from '../output';
import { buildImage } from './image';

function describeSession(s: SessionInfo): string[] {
  const lines = [
    `Session ${s.id} is ${s.state}.`,
    `  name       ${s.name}`,
    `  workspace  ${s.workspace}`,
  ];
  if (s.url) lines.push(`  recorder   ${s.url}`);
  if (s.recipe) lines.push(`  recipe     ${s.recipe}`);
  lines.push(`  created    ${s.createdAt}`);
  if (s.problem) lines.push(`  problem    ${s.problem.message}`, `  next       ${s.problem.next ?? ''}`);
  return lines;
}

export const up: Command = {
  name: 'up',
  summary: 'start a session (or resume the one with that name)',
  usage: [
    'kiln up [--name NAME] [--workspace DIR] [--recipe DIR] [--model MODEL] [--json]',
    '',
    'Starts a session pod (recorder + workspace containers) on a workspace folder.',
    'Default workspace: $KILN_WORKSPACES/NAME (~/Kiln/NAME), created and git-initialised when new.',
    'A session with that name already? It is resumed, never duplicated.',
    'Builds the runtime image first when it is missing.',
    'JSON: { id, name, workspace, url, state, createdAt, reused, containers }.',
  ].join('\n'),
  options: {
    name: { type: 'string' },
    workspace: { type: 'string' },
    recipe: { type: 'string' },
    model: { type: 'string' },
  },
  positionals: [0, 1],
  async run(ctx) {
    const services = await ctx.services();
    if (!(await services.images.exists())) await buildImage(services, ctx.out);
    const name = (ctx.values.name as string | undefined) ?? ctx.args[0];
    const s = await services.sessions.create({
      ...(name ? { name } : {}),
      ...(ctx.values.workspace ? { workspace: ctx.values.workspace as string } : {}),
      ...(ctx.values.recipe ? { recipe: ctx.values.recipe as string } : {}),
      ...(ctx.values.model ? { model: ctx.values.model as string } : {}),
      onBuildProgress: (p) => p.kind !== 'log' && ctx.out.note(p.text), // a recipe's image build
    });
    ctx.out.result(s, () => [
      ...describeSession(s).map((l, i) => (i === 0 ? `Session ${s.id} is ${s.state}${s.reused ? ' (resumed)' : ''}.` : l)),
      ...(s.model ? [`  model     ${s.model} (OpenCode is configured for it: run \`opencode\` in the workspace)`] : []),
      ...(s.notes ?? []).map((n) => `  note      ${n}`),
      '',
      `  kiln attach ${s.id}            a shell in the workspace`,
      `  kiln exec ${s.id} -- 'CMD'     run one recorded command`,
      `  kiln timeline ${s.id}          what happened`,
    ]);
    return s.state === 'running' ? 0 : 1;
  },
};

export const ls: Command = {
  name: 'ls',
  summary: 'list sessions (reattaching any a restart left half up)',
  usage: 'kiln ls [--json]\n\nJSON: an array of sessions { id, name, workspace, state, createdAt, url?, problem?, containers }.',
  async run(ctx) {
    const sessions = await (await ctx.services()).sessions.reattach();
    ctx.out.result(sessions, () =>
      sessions.length === 0
        ? ['No sessions. Start one with `kiln up`.']
        : table(sessions.map((s) => [s.id, s.state, s.url ?? '-', s.workspace]), ['SESSION', 'STATE', 'RECORDER', 'WORKSPACE']),
    );
  },
};

export const status: Command = {
  name: 'status',
  summary: 'one session: state, recorder, workspace, and how to fix it',
  usage: 'kiln status SESSION [--json]\n\nExits non-zero unless the session is running; a broken one names the command that brings it back.',
  positionals: [1, 1],
  async run(ctx) {
    const { sessions } = await ctx.services();
    const s = await sessions.ensureUp(sessionArg(ctx)).catch(async () => sessions.get(sessionArg(ctx)));
    ctx.out.result(s, () => describeSession(s));
    return s.state === 'running' ? 0 : 1;
  },
};

export const down: Command = {
  name: 'down',
  summary: 'stop a session (workspace and record kept; `kiln up --name` resumes)',
  usage: 'kiln down SESSION [--json]',
  positionals: [1, 1],
  async run(ctx) {
    const s = await (await ctx.services()).sessions.stop(sessionArg(ctx));
    ctx.out.result(s, () => `Session ${s.id} is ${s.state}. Resume it with \`kiln up --name ${s.id}\`.`);
  },
};

export const rm: Command = {
  name: 'rm',
  summary: 'remove a session: containers, record volume and metadata (never the workspace folder)',
  usage: 'kiln rm SESSION [--json]\n\nThe workspace folder is kept; the timeline and checkpoints are deleted.',
  positionals: [1, 1],
  async run(ctx) {
    const { sessions } = await ctx.services();
    const id = sessionArg(ctx);
    const s = await sessions.get(id);
    await sessions.remove(id);
    ctx.out.result({ id, removed: true, workspace: s.workspace }, () => `Removed session ${id}. Its workspace ${s.workspace} is kept.`);
  },
};
