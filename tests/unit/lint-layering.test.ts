// The dependency rule of DESIGN.md is enforced by lint; these tests prove the rule bites.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering rule', () => {
  it.each([
    ['src-renderer/views/Bad.tsx', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n"],
    ['src-renderer/views/Bad.tsx', "import fs from 'node:fs';\nexport const x = fs;\n"],
    ['src-renderer/views/Bad.tsx', "import { x } from '../../src-main/engine/discover';\nexport const y = x;\n"],
    ['src-shared/events/bad.ts', "import { createHash } from 'crypto';\nexport const h = createHash;\n"],
    ['src-shared/events/bad.ts', "import Database from 'better-sqlite3';\nexport const d = Database;\n"],
    ['src-shared/events/bad.ts', "import { x } from '../../src-main/cli/main';\nexport const y = x;\n"],
    ['src-main/engine/bad.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['src-main/engine/bad.ts', "import { x } from '../../src-renderer/App';\nexport const y = x;\n"],
    ['src-container/kilnd/bad.ts', "import { app } from 'electron';\nexport const a = app;\n"],
  ])('refuses the import in %s: %s', async (file, code) => {
    const errors = await boundaryErrors(file, code);
    expect(errors.length).toBe(1);
    expect(errors[0]).toMatch(/DESIGN\.md|src-shared|renderer|Electron/);
  });

  it.each([
    ['src-main/app/main.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['src-renderer/views/Good.tsx', "import { KINDS } from '../../src-shared/events/kinds';\nexport const k = KINDS;\n"],
    ['src-main/engine/good.ts', "import Docker from 'dockerode';\nexport const d = Docker;\n"],
    ['src-container/kilnd/good.ts', "import Database from 'better-sqlite3';\nexport const d = Database;\n"],
  ])('allows the import in %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});
