import { describe, expect, it } from 'vitest';
import {
  validateModelsConfig,
  validateRecipe,
  type ModelsConfig,
  type RecipeProblem,
} from '../../../../src-shared/recipe/index';

const goodRecipe = () => ({
  format: 0,
  name: 'pair-review',
  description: 'Claude reviews, Codex implements.',
  author: { name: 'Ada', email: 'ada@example.org' },
  version: '1.2.0',
  agents: [
    { id: 'reviewer', agent: 'claude-code', role: 'reviews', prompt: 'roles/reviewer.md', model: 'cloud' },
    { id: 'coder', agent: 'codex', model: 'default' },
  ],
  room: { topic: 'the change', members: ['reviewer', 'coder'], turns: 'round-robin' },
  tags: ['review'],
});

const goodModels = (): ModelsConfig => ({
  format: 0,
  default: 'local',
  models: {
    local: { provider: 'ollama', model: 'qwen2.5-coder:7b', contextLength: 65536, fallback: ['cloud'] },
    cloud: { provider: 'anthropic', model: 'claude-sonnet-4', parameters: { temperature: 0.3, max_tokens: 4096 } },
  },
});

const FILES = ['recipe.json', 'models/config.json', 'roles/reviewer.md'];

// Fixtures are mutated into malformed shapes on purpose, so they are typed loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

/** Applies `mutate` to a good recipe and returns its problems. */
function recipeProblems(mutate: (r: Loose) => void): RecipeProblem[] {
  const r: Loose = goodRecipe();
  mutate(r);
  const result = validateRecipe(r, FILES, goodModels());
  if (result.ok) throw new Error('expected problems, got a valid recipe');
  return result.problems;
}

const paths = (problems: RecipeProblem[]) => problems.map((p) => p.path);

describe('validateRecipe', () => {
  it('accepts a well-formed recipe and returns its parsed value', () => {
    const result = validateRecipe(goodRecipe(), FILES, goodModels());
    expect(result).toMatchObject({ ok: true, value: { name: 'pair-review', agents: [{ id: 'reviewer' }, { id: 'coder' }] } });
  });

  // Each case: one malformed input and the exact JSON path (and kind) it must be reported at.
  const cases: [string, (r: Loose) => void, string, RecipeProblem['code']][] = [
    ['missing name', (r) => delete r.name, '$.name', 'schema'],
    ['name with spaces and capitals', (r) => (r.name = 'My Recipe'), '$.name', 'schema'],
    ['name longer than 64 characters', (r) => (r.name = 'a'.repeat(65)), '$.name', 'schema'],
    ['version that is not semver', (r) => (r.version = '1.0'), '$.version', 'schema'],
    ['parent that is not a sha256 hash', (r) => (r.parent = 'sha256:abc'), '$.parent', 'schema'],
    ['unknown agent kind', (r) => (r.agents[1].agent = 'copilot'), '$.agents[1].agent', 'schema'],
    ['agent id that is a number', (r) => ((r.agents[0].id = 7), delete r.room), '$.agents[0].id', 'schema'],
    ['misspelt key on an agent', (r) => (r.agents[1].modle = 'cloud'), '$.agents[1].modle', 'schema'],
    ['unknown top-level key', (r) => (r.extra = true), '$.extra', 'schema'],
    ['empty agents list', (r) => ((r.agents = []), delete r.room), '$.agents', 'schema'],
    ['author email that is not an address', (r) => (r.author.email = 'ada-at-example'), '$.author.email', 'schema'],
    ['duplicate agent id', (r) => ((r.agents[1].id = 'reviewer'), delete r.room), '$.agents[1].id', 'duplicate-id'],
    ['model not defined in models config', (r) => (r.agents[1].model = 'gpt-9'), '$.agents[1].model', 'unknown-model'],
    ['prompt path with ..', (r) => (r.agents[0].prompt = '../secrets.md'), '$.agents[0].prompt', 'unsafe-path'],
    ['absolute prompt path', (r) => (r.agents[0].prompt = '/etc/motd.md'), '$.agents[0].prompt', 'unsafe-path'],
    ['Windows drive prompt path', (r) => (r.agents[0].prompt = 'C:\\x.md'), '$.agents[0].prompt', 'unsafe-path'],
    ['prompt file missing from the folder', (r) => (r.agents[0].prompt = 'roles/ghost.md'), '$.agents[0].prompt', 'missing-file'],
    ['prompt that is not Markdown', (r) => (r.agents[0].prompt = 'roles/reviewer.txt'), '$.agents[0].prompt', 'schema'],
    ['room member that is not an agent', (r) => (r.room.members[1] = 'tester'), '$.room.members[1]', 'unknown-agent'],
    ['room turns not an allowed value', (r) => (r.room.turns = 'chaos'), '$.room.turns', 'schema'],
    ['tags not a list', (r) => (r.tags = 'review'), '$.tags', 'schema'],
  ];

  it.each(cases)('reports %s at its JSON path', (_name, mutate, path, code) => {
    const problems = recipeProblems(mutate);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path, code, file: 'recipe.json' });
    expect(problems[0]!.message.length).toBeGreaterThan(20);
  });

  it('reports every problem at once, schema and cross-field alike', () => {
    const problems = recipeProblems((r) => {
      r.name = 'Bad Name';
      r.version = 'v1';
      r.agents[0].prompt = '../../x.md';
      r.agents[1].id = 'reviewer'; // duplicate
      r.agents[1].agent = 'copilot';
      r.agents.push({ id: 'third', agent: 'codex', model: 'nowhere', colour: 'red' });
      r.surprise = 1;
      r.room.members = ['ghost'];
    });
    expect(paths(problems).sort()).toEqual(
      [
        '$.name',
        '$.version',
        '$.agents[0].prompt',
        '$.agents[1].id',
        '$.agents[1].agent',
        '$.agents[2].colour',
        '$.agents[2].model',
        '$.room.members[0]',
        '$.surprise',
      ].sort(),
    );
  });

  it('says a missing field is missing, in a sentence naming the field', () => {
    const [p] = recipeProblems((r) => delete r.description);
    expect(p).toMatchObject({ path: '$.description', message: expect.stringMatching(/"description" is required but missing/) });
  });

  it('reports only the format when it is newer than this build understands', () => {
    const result = validateRecipe({ format: 3, whatever: true });
    expect(result).toEqual({
      ok: false,
      problems: [{ code: 'unsupported-format', file: 'recipe.json', path: '$.format', message: expect.stringMatching(/update Kiln/) }],
    });
  });

  it('refuses a document that is not an object', () => {
    expect(validateRecipe([1, 2])).toMatchObject({ ok: false, problems: [{ path: '$', code: 'schema' }] });
  });

  it('flags a named model when the recipe has no models config (null), but not "default"', () => {
    const r = goodRecipe();
    const result = validateRecipe(r, FILES, null);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(paths(result.problems)).toEqual(['$.agents[0].model']);
  });

  it('skips model and file checks when neither models nor files are given', () => {
    const r = goodRecipe();
    r.agents[0]!.prompt = 'roles/elsewhere.md';
    r.agents[0]!.model = 'anything';
    expect(validateRecipe(r).ok).toBe(true);
  });

  it('accepts an author given as a plain string and a valid parent hash', () => {
    const r = { ...goodRecipe(), author: 'Ada Lovelace', parent: `sha256:${'ab'.repeat(32)}` };
    expect(validateRecipe(r, FILES, goodModels()).ok).toBe(true);
  });
});

describe('validateModelsConfig', () => {
  const modelProblems = (mutate: (m: Loose) => void) => {
    const m = goodModels() as Loose;
    mutate(m);
    const result = validateModelsConfig(m);
    if (result.ok) throw new Error('expected problems');
    return result.problems;
  };

  it('accepts a well-formed config', () => {
    expect(validateModelsConfig(goodModels())).toMatchObject({ ok: true, value: { default: 'local' } });
  });

  const cases: [string, (m: Loose) => void, string, RecipeProblem['code']][] = [
    ['default naming no model', (m) => (m.default = 'missing'), '$.default', 'unknown-model'],
    ['unknown provider', (m) => (m.models.local.provider = 'acme'), '$.models.local.provider', 'schema'],
    ['contextLength below 1024', (m) => (m.models.local.contextLength = 512), '$.models.local.contextLength', 'schema'],
    ['contextLength not an integer', (m) => (m.models.local.contextLength = 4096.5), '$.models.local.contextLength', 'schema'],
    ['temperature above 2', (m) => (m.models.cloud.parameters.temperature = 3), '$.models.cloud.parameters.temperature', 'schema'],
    ['top_p above 1', (m) => (m.models.cloud.parameters.top_p = 1.5), '$.models.cloud.parameters.top_p', 'schema'],
    ['baseURL that is not http(s)', (m) => (m.models.local.baseURL = 'file:///etc/passwd'), '$.models.local.baseURL', 'schema'],
    ['unknown parameter', (m) => (m.models.cloud.parameters.temprature = 1), '$.models.cloud.parameters.temprature', 'schema'],
    ['fallback to an unknown model', (m) => (m.models.local.fallback = ['ghost']), '$.models.local.fallback[0]', 'unknown-model'],
    ['fallback to itself', (m) => (m.models.local.fallback = ['local']), '$.models.local.fallback[0]', 'fallback-cycle'],
    ['model id with a slash, quoted in the path', (m) => (m.models['a/b'] = m.models.cloud), '$.models["a/b"]', 'schema'],
  ];

  it.each(cases)('reports %s at its JSON path', (_name, mutate, path, code) => {
    const problems = modelProblems(mutate);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path, code, file: 'models/config.json' });
  });

  it('reports a fallback loop through several models at each edge of the loop', () => {
    const problems = modelProblems((m) => {
      m.models.cloud.fallback = ['third'];
      m.models.third = { provider: 'openai', model: 'gpt-x', fallback: ['local'] };
    });
    expect(problems.every((p) => p.code === 'fallback-cycle')).toBe(true);
    expect(paths(problems).sort()).toEqual(['$.models.cloud.fallback[0]', '$.models.local.fallback[0]', '$.models.third.fallback[0]']);
  });

  it('reports every problem at once', () => {
    const problems = modelProblems((m) => {
      m.default = 'nope';
      m.models.local.provider = 'acme';
      m.models.cloud.fallback = ['cloud'];
      m.models.default = { provider: 'ollama', model: 'x' };
    });
    expect(paths(problems).sort()).toEqual(['$.default', '$.models.cloud.fallback[0]', '$.models.default', '$.models.local.provider'].sort());
  });
});

describe('validateRecipe prompt names across Unicode forms', () => {
  it('finds a prompt typed precomposed (NFC) when the file name is stored decomposed (NFD, as macOS does)', () => {
    const r = { ...goodRecipe(), agents: [{ id: 'a', agent: 'opencode', prompt: 'roles/caf\u00e9.md' }], room: undefined };
    expect(validateRecipe(r, ['recipe.json', 'roles/cafe\u0301.md'], null).ok).toBe(true);
    expect(validateRecipe(r, ['recipe.json', 'roles/cafe.md'], null).ok).toBe(false);
  });
});
