// kiln agents install NAME — Claude Code, Codex or Gemini CLI into the shared agents volume, at
// the version Kiln pins, once for every session (read-only in each workspace; then offline).
import { KilnFailure, kilnError } from '../../../src-shared/errors';
import { AGENT_PACKAGES, INSTALLABLE_AGENTS, isInstallableAgent } from '../../agents/versions';
import type { Command } from '../command';

export const agentsInstall: Command = {
  name: 'agents install',
  summary: 'install Claude Code, Codex or Gemini CLI for every session (pinned version)',
  usage: `agents install NAME [--json]\n\nNAME is one of: ${INSTALLABLE_AGENTS.join(', ')}. Installed once into the shared volume; sessions see it at once.`,
  options: {},
  positionals: [1, 1],
  async run(ctx) {
    const name = ctx.args[0]!;
    if (!isInstallableAgent(name)) {
      throw new KilnFailure(kilnError('E_AGENT_UNKNOWN', `"${name}" is not an agent Kiln can install.`, `Choose one of: ${INSTALLABLE_AGENTS.join(', ')}.`));
    }
    const services = await ctx.services();
    if (!(await services.images.exists())) {
      throw new KilnFailure(kilnError('E_IMAGE_MISSING', `The runtime image ${services.images.tag} is not built yet.`, 'Run `kiln image build` (or `kiln up`) first.'));
    }
    const pkg = AGENT_PACKAGES[name];
    ctx.out.note(`Installing ${pkg.title} (${pkg.package}@${pkg.version})…`);
    const { installAgent } = await import('../../agents/install');
    const result = await installAgent({
      docker: services.engine.docker,
      agent: name,
      image: services.images.tag,
      onProgress: (p) => ctx.out.note(`  ${p.text}`),
    });
    ctx.out.result(result, () => `${pkg.title} ${result.version} is ${result.fetched ? 'installed' : 'already installed'}; run \`${pkg.bin}\` in any session.`);
    return 0;
  },
};
