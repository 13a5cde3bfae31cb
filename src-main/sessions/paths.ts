// Where Kiln keeps things on the host. Both roots are overridable by environment so tests (and
// people who want their sessions elsewhere) never touch the real home folder.
//   KILN_HOME        default ~/.kiln     host-side metadata (tokens), never shared with containers
//   KILN_WORKSPACES  default ~/Kiln      default parent of new workspace folders
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface KilnPaths {
  home: string;
  sessions: string;
  workspaces: string;
}

export function kilnPaths(env: NodeJS.ProcessEnv = process.env): KilnPaths {
  const userHome = env.HOME || homedir();
  const home = resolve(env.KILN_HOME || join(userHome, '.kiln'));
  return {
    home,
    sessions: join(home, 'sessions'),
    workspaces: resolve(env.KILN_WORKSPACES || join(userHome, 'Kiln')),
  };
}
