// The session's workspace folder on the host: the default ~/Kiln/<name> is created and
// git-initialised; any existing folder may be used as it is (its own .git is never touched).
import { chownSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { simpleGit } from 'simple-git';
import { KilnFailure, kilnError } from '../../src-shared/errors';

/** uid/gid of the `agent` user inside the runtime image. */
export const AGENT_UID = 1001;

export interface PreparedWorkspace {
  path: string;
  created: boolean;
}

export async function prepareWorkspace(opts: { path?: string; defaultParent: string; name: string }): Promise<PreparedWorkspace> {
  const path = opts.path ? resolve(opts.path) : join(opts.defaultParent, opts.name);
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) {
      throw new KilnFailure(kilnError('E_WORKSPACE_NOT_FOLDER', `${path} exists and is not a folder.`, 'Pick a folder with --workspace, or another name.'));
    }
    return { path, created: false };
  }
  try {
    mkdirSync(path, { recursive: true });
    await simpleGit(path).init();
  } catch (err) {
    throw new KilnFailure(
      kilnError('E_WORKSPACE_CREATE', `Could not create the workspace ${path}: ${(err as Error).message.split('\n')[0]}.`, 'Check that the parent folder is writable, or pick another with --workspace.'),
    );
  }
  giveToAgent(path);
  return { path, created: true };
}

/**
 * On Linux a bind mount keeps host ownership, so a folder Kiln just made as root is not
 * writable by the container's agent user. Hand that new folder over. (Docker Desktop, OrbStack
 * and Colima map ownership themselves; a non-root host user keeps the folder, see README.)
 */
function giveToAgent(path: string): void {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return;
  const walk = (p: string) => {
    chownSync(p, AGENT_UID, AGENT_UID);
    if (statSync(p).isDirectory()) for (const entry of readdirSync(p)) walk(join(p, entry));
  };
  walk(path);
}
