// The long-lived `git cat-file --batch` reader: closing it (as gc does, so a new process sees
// new packs) must not fail reads already sent to its successor. It did: the old process's exit
// rejected every waiting read, and a long undo read "There is no checkpoint …" after a gc.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatFile } from '../../../../../src-container/kilnd/checkpoints/cat-file';

describe('CatFile', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-catfile-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('answers reads sent around a close() from the old and the new process alike', async () => {
    execFileSync('git', ['init', '-q', '--bare', dir]);
    const oids = Array.from({ length: 20 }, (_, i) =>
      execFileSync('git', [`--git-dir=${dir}`, 'hash-object', '-w', '--stdin'], { input: `object ${i}\n`, encoding: 'utf8' }).trim());
    execFileSync('git', [`--git-dir=${dir}`, 'repack', '-adq']);
    const cat = new CatFile(dir);
    for (let round = 0; round < 5; round++) {
      const before = oids.slice(0, 10).map((o) => cat.read(o));
      cat.close(); // what gc does
      const after = oids.slice(10).map((o) => cat.read(o));
      const bodies = (await Promise.all([...before, ...after])).map((r) => r.body.toString());
      expect(bodies).toEqual(oids.map((_, i) => `object ${i}\n`));
    }
    cat.close();
  });
});
