// The window's reading of dropped/picked files into the contract's dropped-files shape.
import { describe, expect, it } from 'vitest';
import { DroppedFilesSchema } from '../../src-shared/api/contract';
import { fromFileList, toDropped } from '../../src-renderer/views/gallery/read-files';

describe('toDropped', () => {
  it('strips the shared top folder and takes it as the name; bytes survive base64', async () => {
    const bytes = new Uint8Array(70_000).map((_, i) => i % 256);
    const d = await toDropped([
      { path: 'my-recipe/recipe.json', file: new File(['{}'], 'recipe.json') },
      { path: 'my-recipe/roles/a.md', file: new File([bytes], 'a.md') },
    ]);
    expect(DroppedFilesSchema.parse(d)).toEqual(d);
    expect(d.name).toBe('my-recipe');
    expect(d.files.map((f) => f.path)).toEqual(['recipe.json', 'roles/a.md']);
    expect(Buffer.from(d.files[1]!.content, 'base64').equals(Buffer.from(bytes))).toBe(true);
  });

  it('keeps a lone file (a devcontainer.json dropped) under its own name, with no folder name', async () => {
    const d = await toDropped(fromFileList([new File(['{"image":"node:20"}'], 'devcontainer.json')]));
    expect(d).toEqual({ files: [{ path: 'devcontainer.json', content: Buffer.from('{"image":"node:20"}').toString('base64') }] });
  });

  it('keeps paths as they are when the files share no top folder', async () => {
    const d = await toDropped([
      { path: 'recipe.json', file: new File(['{}'], 'recipe.json') },
      { path: 'roles/a.md', file: new File(['x'], 'a.md') },
    ]);
    expect(d.name).toBeUndefined();
    expect(d.files.map((f) => f.path)).toEqual(['recipe.json', 'roles/a.md']);
  });
});
