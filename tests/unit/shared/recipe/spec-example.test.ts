import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateModelsConfig, validateRecipe } from '../../../../src-shared/recipe/validate';

// The spec's example must stay valid as the schema evolves: read it out of the document itself.
const SPEC = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../docs/recipe-format.md'), 'utf8');
const exampleJson = (fileName: string): unknown => {
  const section = SPEC.slice(SPEC.indexOf('## Example'));
  const match = new RegExp('`' + fileName.replace('.', '\\.') + '`:\\s*```json\\n([\\s\\S]*?)```').exec(section);
  if (!match) throw new Error(`no example for ${fileName} in docs/recipe-format.md`);
  return JSON.parse(match[1]!);
};

describe('docs/recipe-format.md example', () => {
  it('is a valid recipe with a valid models config', () => {
    const models = validateModelsConfig(exampleJson('models/config.json'));
    expect(models.ok).toBe(true);
    if (!models.ok) return;
    const recipe = validateRecipe(exampleJson('recipe.json'), ['recipe.json', 'models/config.json', 'roles/reviewer.md', 'roles/coder.md'], models.value);
    expect(recipe).toMatchObject({ ok: true, value: { name: 'pair-review' } });
  });
});
