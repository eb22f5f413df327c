import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

describe('lint layering rules', () => {
  it('reject a renderer file that imports electron, Node built-ins or main-process code', async () => {
    const file = 'src-renderer/lib/bad-import.ts';
    expect(await ruleIds("import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n", file)).toContain(
      'no-restricted-imports',
    );
    expect(await ruleIds("import { readFile } from 'node:fs/promises';\nexport const x = readFile;\n", file)).toContain(
      'no-restricted-imports',
    );
    expect(
      await ruleIds(
        "import { createRuntime } from '../../src-main/services.ts';\nexport const x = createRuntime;\n",
        file,
      ),
    ).toContain('no-restricted-imports');
  });

  it('let the renderer import the contract', async () => {
    const code = "import { createApi } from '../../src-main/contract/index.ts';\nexport const x = createApi;\n";
    expect(await ruleIds(code, 'src-renderer/lib/good-import.ts')).toEqual([]);
  });

  it('let the renderer import the Fountain core', async () => {
    const code = "import { parseFountain } from '../../src-main/fountain/parse.ts';\nexport const x = parseFountain;\n";
    expect(await ruleIds(code, 'src-renderer/lib/good-import.ts')).toEqual([]);
  });

  it('keep the Fountain core free of Node, the DOM, Electron and the rest of main', async () => {
    const file = 'src-main/fountain/bad.ts';
    const cases = [
      "import { readFile } from 'node:fs/promises';\nexport const x = readFile;\n",
      "import { app } from 'electron';\nexport const x = app;\n",
      "import { AppError } from '../contract/errors.ts';\nexport const x = AppError;\n",
      'export const x = document.title;\n',
      'export const x = process.env;\n',
    ];
    for (const code of cases) expect(await ruleIds(code, file), code).not.toEqual([]);
    expect(await ruleIds("import { cueName } from './classify.ts';\nexport const x = cueName;\n", file)).toEqual([]);
  });

  it('reject electron in the engine and in the contract', async () => {
    const code = "import { app } from 'electron';\nexport const x = app;\n";
    expect(await ruleIds(code, 'src-main/engine/bad.ts')).toContain('no-restricted-imports');
    expect(await ruleIds(code, 'src-main/contract/bad.ts')).toContain('no-restricted-imports');
    expect(await ruleIds(code, 'src-main/window-extra.ts')).toEqual([]);
  });
});
