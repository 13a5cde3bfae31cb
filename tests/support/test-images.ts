// Images for integration tests on a machine with no registry: prefer an image already present
// (the locally built node:20-bookworm-slim), else build a tiny busybox image from Debian's
// busybox-static package with `docker import`. Cached by tag, so the build runs once per engine.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, copyFileSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { imageExists } from '../../src-main/engine/images';

export const BUSYBOX_TAG = 'kiln-test/busybox:1';
export const PREFERRED_TAG = 'node:20-bookworm-slim';

/** Label every test container carries, so a crashed run's leftovers can be found and removed. */
export const TEST_LABELS = { 'kiln.test': '1' } as const;

export interface TestImage {
  tag: string;
  /** A POSIX shell inside the image (bash where it exists). */
  shell: string;
}

/** A static busybox binary: the host's if busybox-static is installed, else fetched with apt. */
function findBusybox(work: string): string {
  const isStatic = (p: string) => {
    try {
      return execFileSync('file', ['-L', p], { encoding: 'utf8' }).includes('statically');
    } catch {
      return false; // no `file` here: fetch the package instead of guessing
    }
  };
  for (const p of ['/bin/busybox', '/usr/bin/busybox']) if (existsSync(p) && isStatic(p)) return p;
  // `apt-get download` fetches the .deb into cwd without installing it.
  execFileSync('apt-get', ['download', '-q', 'busybox-static'], { cwd: work, stdio: 'ignore' });
  const deb = readdirSync(work).find((f) => f.startsWith('busybox-static') && f.endsWith('.deb'));
  if (!deb) throw new Error('apt-get download busybox-static produced no .deb');
  execFileSync('dpkg-deb', ['-x', join(work, deb), join(work, 'deb')]);
  return join(work, 'deb', 'bin', 'busybox');
}

async function buildBusyboxImage(docker: Dockerode): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'kiln-busybox-'));
  try {
    const busybox = findBusybox(work);
    const root = join(work, 'rootfs');
    for (const d of ['bin', 'tmp', 'etc', 'root', 'proc', 'sys', 'dev']) mkdirSync(join(root, d), { recursive: true });
    copyFileSync(busybox, join(root, 'bin', 'busybox'));
    chmodSync(join(root, 'bin', 'busybox'), 0o755);
    chmodSync(join(root, 'tmp'), 0o1777);
    // One symlink per applet, all in /bin (PATH inside covers it).
    const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'busybox');
    for (const a of applets) symlinkSync('busybox', join(root, 'bin', a));
    writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/tmp:/bin/sh\n');
    writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
    const tar = join(work, 'rootfs.tar');
    execFileSync('tar', ['-C', root, '-cf', tar, '.']);
    const [repo, tag] = BUSYBOX_TAG.split(':');
    const stream = await docker.importImage(tar, { repo, tag, changes: ['ENV PATH=/bin', 'CMD ["/bin/sh"]'] } as object);
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
        const failed = out?.find((o) => o.error);
        if (err || failed) reject(err ?? new Error(failed?.error));
        else resolve();
      });
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** An image that exists locally, building the busybox one when nothing better is present. */
export async function ensureTestImage(docker: Dockerode): Promise<TestImage> {
  if (await imageExists(docker, PREFERRED_TAG)) return { tag: PREFERRED_TAG, shell: 'bash' };
  if (!(await imageExists(docker, BUSYBOX_TAG))) await buildBusyboxImage(docker);
  return { tag: BUSYBOX_TAG, shell: 'sh' };
}

/** Start a long-lived labelled container that does nothing, for exec-based tests. */
export async function startIdleContainer(docker: Dockerode, image: TestImage): Promise<Dockerode.Container> {
  const container = await docker.createContainer({
    Image: image.tag,
    Cmd: ['sleep', '3600'],
    Labels: { ...TEST_LABELS },
    HostConfig: { AutoRemove: false },
  });
  await container.start();
  return container;
}

/** Force-remove a test container; ignore one that is already gone. */
export async function removeContainer(container: Dockerode.Container | undefined): Promise<void> {
  if (!container) return;
  await container.remove({ force: true }).catch(() => undefined);
}
