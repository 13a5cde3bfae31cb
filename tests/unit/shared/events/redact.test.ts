import { describe, expect, it } from 'vitest';
import { createRedactor, isSecretName, redactValue } from '../../../../src-shared/events';

// Fake tokens built from parts, so no real-looking secret sits in the source as one string.
const r = (n: number, alphabet = 'aB3dE6gH9k') => Array.from({ length: n }, (_, i) => alphabet[i % alphabet.length]).join('');
const SHAPES: Record<string, string> = {
  'anthropic key': 'sk-ant-api03-' + r(40),
  'openai project key': 'sk-proj-' + r(48),
  'openai key': 'sk-' + r(32),
  'github classic token': 'ghp_' + r(36),
  'github oauth token': 'gho_' + r(36),
  'github user token': 'ghu_' + r(36),
  'github server token': 'ghs_' + r(36),
  'github refresh token': 'ghr_' + r(36),
  'github fine-grained token': 'github_pat_' + r(22) + '_' + r(59),
  'slack bot token': 'xoxb-' + '1234567890-' + r(24),
  'slack user token': 'xoxp-' + '1234567890-' + r(24),
  'aws access key id': 'AKIA' + 'ABCDEFGHIJ234567',
  'google api key': 'AIza' + r(35, 'Sy_-aB9'),
  jwt: 'eyJhbGciOiJIUzI1NiJ9' + '.eyJzdWIiOiIxMjM0In0' + '.' + r(43),
};

describe('createRedactor: token shapes', () => {
  const redact = createRedactor({});
  for (const [name, token] of Object.entries(SHAPES)) {
    it(`redacts a ${name}`, () => {
      const out = redact(`before ${token} after`);
      expect(out).toBe('before [REDACTED] after');
    });
  }

  it('redacts a bearer token but keeps the word Bearer', () => {
    expect(redact('Authorization: Bearer abc.DEF-123_456~xyz==')).toBe('Authorization: Bearer [REDACTED]');
    expect(redact('authorization: BEARER abc.DEF-123_456~xyz==')).toBe('authorization: BEARER [REDACTED]');
  });

  it('finds a token however short its surroundings (the fast path skips only text that cannot hold one)', () => {
    expect(redact('AKIA' + 'ABCDEFGHIJ234567')).toBe('[REDACTED]');
    expect(redact('xoxb-1234567890')).toBe('[REDACTED]');
    expect(redact('Bearer abcdefgh')).toBe('Bearer [REDACTED]');
  });

  it('redacts a PEM private key block, and an unterminated one to the end', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow' + r(64) + '\n-----END RSA PRIVATE KEY-----';
    expect(redact(`key:\n${pem}\nnext line`)).toBe('key:\n[REDACTED]\nnext line');
    expect(redact('-----BEGIN PRIVATE KEY-----\nMIIE' + r(30))).toBe('[REDACTED]');
  });

  it('leaves ordinary text alone', () => {
    const text = [
      'task-runner finished: 12 tests passed in src/ask-user.ts',
      'git commit -m "fix eyJ parsing" && echo AKIA',
      'the Bearer of bad news; skill-issue; sk-short',
      'commit 0123456789abcdef0123456789abcdef01234567',
    ].join('\n');
    expect(redact(text)).toBe(text);
  });
});

describe('createRedactor: environment values', () => {
  const env = {
    ANTHROPIC_API_KEY: 'plain-but-secret-value-1',
    MY_SERVICE_PASSWORD: 'hunter2hunter2',
    DB_PASSWD: 'longer-hunter2hunter2-suffix',
    KILN_SESSION_TOKEN: 'session-token-xyz',
    SHORT_TOKEN: 'abc123', // under 8 chars: too likely to be an ordinary word
    HOME: '/home/agent-with-long-path', // not a secret name
    GIT_AUTHOR_NAME: 'Jane Developer', // AUTHOR is not AUTH
    EMPTY_SECRET: undefined,
  };
  const redact = createRedactor(env);

  it('replaces secret values with the variable name', () => {
    expect(redact('curl -H "x-api-key: plain-but-secret-value-1" -u admin:hunter2hunter2'))
      .toBe('curl -H "x-api-key: [REDACTED:ANTHROPIC_API_KEY]" -u admin:[REDACTED:MY_SERVICE_PASSWORD]');
    expect(redact('token=session-token-xyz')).toBe('token=[REDACTED:KILN_SESSION_TOKEN]');
  });

  it('replaces the longest value first, so a secret containing another is replaced whole', () => {
    expect(redact('pw longer-hunter2hunter2-suffix')).toBe('pw [REDACTED:DB_PASSWD]');
  });

  it('leaves short values, non-secret variables and authors alone', () => {
    const text = 'abc123 in /home/agent-with-long-path by Jane Developer';
    expect(redact(text)).toBe(text);
  });

  it('knows which names are secret', () => {
    expect(isSecretName('GH_TOKEN')).toBe(true);
    expect(isSecretName('AWS_SECRET_ACCESS_KEY')).toBe(true);
    expect(isSecretName('my_credentials_file')).toBe(true);
    expect(isSecretName('PATH')).toBe(false);
    expect(isSecretName('GIT_AUTHOR_EMAIL')).toBe(false);
  });
});

describe('redactValue', () => {
  it('redacts strings deep in JSON values, keys included, and keeps other values', () => {
    const redact = createRedactor({ OPENAI_API_KEY: 'value-of-openai-key' });
    const token = SHAPES['github classic token']!;
    expect(redactValue({ headers: [{ auth: `token ${token}` }], n: 3, ok: true, [token]: null, env: 'value-of-openai-key' }, redact))
      .toEqual({ headers: [{ auth: 'token [REDACTED]' }], n: 3, ok: true, '[REDACTED]': null, env: '[REDACTED:OPENAI_API_KEY]' });
  });
});
