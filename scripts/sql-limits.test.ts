import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// A LIMIT is written into the SQL with limitSql, never bound (src/main/db/limit.ts says why): an ESLint rule
// (eslint.config.js) refuses the bound forms in production code. This plants each form in a file that does not exist
// and asks ESLint what it says.
const eslint = new ESLint({ cwd: process.cwd() });
const RULE = /a LIMIT is written in with limitSql/;

async function complaints(code: string, filePath = 'src/main/moderation/planted.ts'): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => RULE.test(m.message)).map((m) => m.message);
}

describe('SQL limits', () => {
  it.each([
    ['a positional parameter', 'export const q = `SELECT * FROM flags ORDER BY id LIMIT ?`;\n'],
    ['a named parameter', "export const q = 'SELECT * FROM flags ORDER BY id limit @limit OFFSET @offset';\n"],
    ['a parameter after a line break', 'export const q = `SELECT * FROM flags\n  ORDER BY id LIMIT\n  :rows`;\n'],
    ['a parameter in a built statement', 'export const q = (w: string) => `SELECT * FROM flags ${w} LIMIT $1`;\n'],
  ])('refuses a bound LIMIT: %s', async (_, code) => {
    expect(await complaints(code)).toHaveLength(1);
  });

  it.each([
    ['limitSql', "import { limitSql } from '../db/limit';\nexport const q = `SELECT id FROM flags ${limitSql(50)}`;\n"],
    ['a number written in', 'export const q = `SELECT id FROM flags ORDER BY id DESC LIMIT 1`;\n'],
    [
      'a bound OFFSET',
      "import { limitSql } from '../db/limit';\nexport const q = `SELECT id FROM f ${limitSql(5)} OFFSET ?`;\n",
    ],
  ])('lets through %s', async (_, code) => {
    expect(await complaints(code)).toEqual([]);
  });

  it('leaves tests alone', async () => {
    expect(await complaints('export const q = `SELECT 1 LIMIT ?`;\n', 'src/main/moderation/planted.test.ts')).toEqual(
      [],
    );
  });
});
