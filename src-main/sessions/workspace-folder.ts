// The session's workspace folder on the host: the default ~/Kiln/<name> is created and
// git-initialised; any existing folder may be used as it is (its own .git is never touched).
// Kiln never changes a folder's owner or mode: the agent takes the owner's uid instead (pod-spec's
// matchWorkspaceOwner, entrypoint.sh), so the folder is made by and stays with the user.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { simpleGit } from 'simple-git';
import { KilnFailure, kilnError } from '../../src-shared/errors';

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
  return { path, created: true };
}
