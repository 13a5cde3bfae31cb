// Lint, and the layering rule of DESIGN.md (like VS Code's local/code-layering):
//   src-shared    imports nothing of ours and nothing platform-specific
//   src-renderer  imports src-shared only; never node or electron
//   src-main      imports src-shared; only src-main/app may import electron
//   src-container imports src-shared; never electron
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:.+', 'fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https',
  'stream', 'events', 'url', 'util', 'worker_threads', 'zlib', 'tty', 'dgram', 'dns', 'cluster',
  'readline', 'buffer', 'process', 'module', 'vm', 'v8', 'perf_hooks', 'assert'];
const HOST_PACKAGES = ['dockerode', 'better-sqlite3', 'simple-git', 'ws', 'isomorphic-git', '@parcel/watcher',
  'ollama', 'playwright-core'];

// Bare module names are matched exactly (a regex), so a folder of ours named "events" is not "events".
const modules = (names, message) => ({ regex: `^(${names.join('|')})(/.*)?$`, message });
const electron = { regex: '^electron(/.*)?$', message: 'Only src-main/app may import electron (DESIGN.md, dependency rule).' };
const layer = (names, message) => ({ group: names.flatMap((n) => [`**/${n}`, `**/${n}/**`]), message, caseSensitive: true });
const toMain = layer(['src-main'], 'This layer may not import src-main (DESIGN.md, dependency rule).');
const toRenderer = layer(['src-renderer'], 'Nothing imports the renderer (DESIGN.md, dependency rule).');
const toContainer = layer(['src-container'], 'src-container is its own world; share code through src-shared.');
const toApp = layer(['src-main/app', '../app'], 'Only src-main/app itself may import src-main/app (it is the Electron shell).');

export const layering = [
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          electron, toMain, toRenderer, toContainer,
          modules([...NODE_BUILTINS, ...HOST_PACKAGES, 'react', 'react-dom', 'zustand'], 'src-shared is pure TypeScript: nothing platform-specific (DESIGN.md).'),
        ],
      }],
    },
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          electron, toMain, toContainer,
          modules([...NODE_BUILTINS, ...HOST_PACKAGES], 'The renderer talks only to the bridge contract: no Node modules (DESIGN.md).'),
        ],
      }],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/app/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electron, toRenderer, toContainer, toApp] }] },
  },
  {
    files: ['src-main/app/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [toRenderer, toContainer] }] },
  },
  {
    files: ['src-container/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electron, toMain, toRenderer] }] },
  },
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.scratch*/**', 'out/**', 'dist/**', 'tests/.artifacts/**', 'tests/fixtures/lint/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: Object.fromEntries(['process', 'console', 'URL', 'Buffer', 'fetch', 'AbortSignal', 'AbortController', 'setTimeout',
        'clearTimeout', 'TextEncoder', 'TextDecoder', 'structuredClone'].map((g) => [g, 'readonly'])),
    },
  },
  ...layering,
);
