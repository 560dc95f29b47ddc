import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The house's boundaries are ESLint rules (eslint.config.js); this plants the imports they must refuse — and the
// ones they must let through — in files that do not exist, and asks ESLint what it says about each.
const eslint = new ESLint({ cwd: process.cwd() });

async function complaints(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.message);
}

const TEST_SUPPORT = /production code never imports test support/;

describe('import boundaries', () => {
  it.each([
    ['src/main/engine/planted.ts', "import { tempDir } from '../testing/temp';\nexport const x = tempDir;\n"],
    ['src/main/moderation/planted.ts', "import type { Db } from '../testing/engine-mirror';\nexport type X = Db;\n"],
    ['src/main/mirror/import/planted.ts', "export { writeManifest } from '../../testing/export-files';\n"],
    [
      'src/main/handlers/planted.ts',
      "import { buildTestMirror } from '../testing/engine-mirror';\nexport const x = buildTestMirror;\n",
    ],
    [
      'src/main/planted.ts',
      "import { seedMirror } from './testing/moderation-mirror';\nexport const x = seedMirror;\n",
    ],
    ['src/main/workers/planted.worker.ts', "import { afterAll } from 'vitest';\nexport const x = afterAll;\n"],
    ['src/main/cli/planted.ts', "export const x = () => import('../testing/temp');\n"],
    ['src/main/jobs/planted.ts', "export const entry = new URL('../testing/count.worker.ts', import.meta.url);\n"],
    ['src/preload/planted.ts', "import { tempDir } from '../main/testing/temp';\nexport const x = tempDir;\n"],
    [
      'src/renderer/src/pages/planted.tsx',
      "import { renderPage } from '../testing/render';\nexport const x = renderPage;\n",
    ],
    [
      'src/renderer/src/pages/planted.tsx',
      "import { screen } from '@testing-library/react';\nexport const x = screen;\n",
    ],
  ])('production code may not import test support: %s', async (file, code) => {
    const said = await complaints(file, code);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(TEST_SUPPORT);
  });

  it.each([
    ['src/main/engine/planted.test.ts', "import { tempDir } from '../testing/temp';\nexport const x = tempDir;\n"],
    ['src/main/testing/planted.ts', "import { afterAll } from 'vitest';\nexport const x = afterAll;\n"],
    [
      'e2e/web/planted.spec.ts',
      "import { seedFlags } from '../../src/main/testing/moderation-mirror';\nexport const x = seedFlags;\n",
    ],
    ['src/main/handlers/planted.ts', "import { decide } from '../moderation/decisions';\nexport const x = decide;\n"],
    [
      'src/renderer/src/pages/planted.test.tsx',
      "import { seedFlags } from '../../../main/testing/moderation-mirror';\nexport const x = seedFlags;\n",
    ],
    [
      'src/renderer/src/pages/planted.test.tsx',
      "import { renderPage } from '../testing/render';\nexport const x = renderPage;\n",
    ],
  ])('tests, test support and ordinary imports pass: %s', async (file, code) => {
    expect(await complaints(file, code)).toEqual([]);
  });

  it.each([
    [
      'src/main/moderation/planted.ts',
      "import { handlers } from '../handlers';\nexport const x = handlers;\n",
      /domain rooms/,
    ],
    [
      'src/main/privacy/planted.ts',
      "import { dispatch } from '../dispatch';\nexport const x = dispatch;\n",
      /domain rooms/,
    ],
    [
      'src/renderer/src/planted.ts',
      "import { decide } from '../../main/moderation/decisions';\nexport const x = decide;\n",
      /renderer talks to main only/,
    ],
    [
      'src/renderer/src/pages/planted.test.tsx',
      "import { dispatch } from '../../../main/dispatch';\nexport const x = dispatch;\n",
      /component tests reach main through its test support/,
    ],
    [
      'src/shared/planted.ts',
      "import { decide } from '../main/moderation/decisions';\nexport const x = decide;\n",
      /contract stands alone/,
    ],
  ])('the rooms keep their floors: %s', async (file, code, reason) => {
    const said = await complaints(file, code);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(reason);
  });
});
