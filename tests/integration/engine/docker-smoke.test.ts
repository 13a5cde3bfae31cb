// Proves the Docker engine under the tests is real: a container runs and we read what it printed;
// an image builds from a streamed context; a failing build step surfaces as a thrown error.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImageFromContext, CONTEXT_HASH_LABEL, imageExists, imageLabel, type BuildProgress } from '../../../src-main/engine/images';

const BASE = process.env.KILN_BASE_IMAGE ?? 'node:20-bookworm-slim';
const LABELS = { 'kiln.test': '1' };
const docker = new Dockerode();
const tags: string[] = [];
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kiln-smoke-'));
});

afterAll(async () => {
  for (const t of tags) await docker.getImage(t).remove({ force: true }).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

async function runAndCollect(image: string, cmd: string[]): Promise<{ code: number; output: string }> {
  const container = await docker.createContainer({ Image: image, Cmd: cmd, Tty: true, Labels: LABELS });
  try {
    await container.start();
    const { StatusCode } = await container.wait();
    const logs = await container.logs({ stdout: true, stderr: true, follow: false });
    return { code: StatusCode, output: logs.toString('utf8') };
  } finally {
    await container.remove({ force: true });
  }
}

describe('docker engine', () => {
  it('runs a container from the base image and returns what it printed', async () => {
    const { code, output } = await runAndCollect(BASE, ['node', '-e', 'console.log("kiln smoke " + 6 * 7 + " on node " + process.versions.node.split(".")[0])']);
    expect(code).toBe(0);
    expect(output).toContain('kiln smoke 42 on node 20');
  });

  it('builds an image from a streamed context, including files that exist only in the stream', async () => {
    writeFileSync(join(dir, 'Dockerfile.ok'), `FROM ${BASE}\nCOPY extra/ /opt/extra/\nRUN cat /opt/extra/* > /opt/all.txt\n`);
    const tag = `kiln-test/smoke-ok:${process.pid}`;
    tags.push(tag);
    const steps: string[] = [];
    const built = await buildImageFromContext({
      docker,
      tag,
      contextDir: dir,
      dockerfile: 'Dockerfile.ok',
      paths: ['Dockerfile.ok'],
      virtual: [{ name: 'extra/greeting.crt', content: 'hello from the stream\n' }],
      labels: LABELS,
      onProgress: (p: BuildProgress) => p.kind === 'step' && steps.push(p.text),
    });
    expect(steps.some((s) => s.endsWith(': COPY extra/ /opt/extra/'))).toBe(true);
    expect(await imageExists(docker, tag)).toBe(true);
    expect(await imageLabel(docker, tag, CONTEXT_HASH_LABEL)).toBe(built.contextHash);
    const { output } = await runAndCollect(tag, ['cat', '/opt/all.txt']);
    expect(output).toContain('hello from the stream');
  });

  it('throws when a RUN step fails, naming the step and the exit code', async () => {
    writeFileSync(
      join(dir, 'Dockerfile.bad'),
      `FROM ${BASE}\nRUN echo "fine so far"\nRUN echo "kiln-smoke: deliberate failure" >&2 && exit 3\nRUN echo "never reached"\n`,
    );
    const tag = `kiln-test/smoke-bad:${process.pid}`;
    tags.push(tag);
    const seen: string[] = [];
    const build = buildImageFromContext({
      docker,
      tag,
      contextDir: dir,
      dockerfile: 'Dockerfile.bad',
      paths: ['Dockerfile.bad'],
      labels: LABELS,
      onProgress: (p: BuildProgress) => seen.push(p.text),
    });
    await expect(build).rejects.toMatchObject({
      kiln: { code: 'E_IMAGE_BUILD_FAILED' },
      message: expect.stringMatching(/deliberate failure.*returned a non-zero code: 3/s),
    });
    expect(seen.join('\n')).toContain('kiln-smoke: deliberate failure');
    expect(seen.join('\n')).not.toContain('never reached');
    expect(await imageExists(docker, tag)).toBe(false);
  });

  it('reports a missing image as absent rather than failing', async () => {
    expect(await imageExists(docker, `kiln-test/never-built:${process.pid}`)).toBe(false);
    expect(await imageLabel(docker, `kiln-test/never-built:${process.pid}`, CONTEXT_HASH_LABEL)).toBeUndefined();
  });
});
