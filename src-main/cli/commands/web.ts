// kiln web: the app's UI in a browser — arrives with the UI issue.
import type { Command } from '../command';
import { kilnError } from '../../../src-shared/errors';

export const web: Command = {
  name: 'web',
  summary: 'the app\'s UI in a browser (arrives with the UI issue)',
  usage: 'kiln web [--port P]',
  options: { port: { type: 'string' } },
  async run(ctx) {
    ctx.out.fail(kilnError('E_NOT_YET', 'The web UI is not built yet: it arrives with the UI issue.', 'Use the other kiln commands meanwhile (`kiln --help`).'));
    return 2;
  },
};
