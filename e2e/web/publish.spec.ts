import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/main/db/database';
import { runMatching } from '../../src/main/engine';
import { generateExport } from '../../src/main/mirror/generator';
import { importExport } from '../../src/main/mirror/import';
import { matchingExclusions } from '../../src/main/moderation/exclusions';
import { expect, signIn, test } from './fixtures';

const DATE = '2026-11-25';

test('a lead publishes a day from the Matching page, re-checked; a reviewer sees Publish disabled with the reason', async ({
  app,
  server,
}) => {
  // A matched day, then a consent withdrawn since the run: the re-check drops that pair.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encounter-e2e-publish-'));
  let runId: number;
  let introductions: number;
  try {
    await generateExport({ users: 1500, days: 40, seed: 11, out: dir });
    const db = openDatabase(server.dbPath);
    importExport(db, dir, { operator: 'e2e setup' });
    const now = Math.floor(Date.now() / 1000);
    const run = await runMatching(
      db,
      { date: DATE, operator: 'e2e setup', excluded: matchingExclusions(db, now) },
      { report() {}, throwIfCancelled() {} },
    );
    runId = run.runId;
    introductions = run.introductions;
    const pair = db.prepare(`SELECT user_a FROM run_introductions WHERE run_id = ? LIMIT 1`).get(runId) as {
      user_a: string;
    };
    db.prepare(`UPDATE consents SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`).run(now, pair.user_a);
    db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  await signIn(app, '王芳', 'reviewer');
  await app.getByTestId('nav-matching').click();
  await expect(app.getByTestId('match-run-detail')).toHaveAttribute('data-run-id', String(runId));
  await expect(app.getByTestId('publish-open')).toBeDisabled();
  await expect(app.getByTestId('publish-lead-only')).toHaveText(
    '只有组长可以发布：发布后这一天的推荐不可更改，也不能重新匹配。',
  );

  await app.getByTestId('switch-operator').click();
  await signIn(app, '李娜', 'lead');
  await app.getByTestId('nav-matching').click();
  await app.getByTestId('publish-open').click();
  const dialog = app.getByTestId('publish-dialog');
  await expect(dialog).toHaveAttribute('data-state', 'ready');
  await expect(dialog).toHaveAttribute('data-introductions', String(introductions));
  await expect(dialog).toHaveAttribute('data-passing', String(introductions - 1));
  await expect(app.getByTestId('publish-dropped-consent')).toHaveAttribute('data-count', '1');
  await expect(app.getByTestId('publish-dropped-consent')).toHaveText('已撤回授权：1 对');
  fs.mkdirSync('artifacts', { recursive: true });
  await app.screenshot({ path: 'artifacts/publish-dialog.png', fullPage: true });
  await app.getByTestId('publish-confirm').click();
  await expect(dialog).toBeHidden();

  // The page now shows the publication and its drops; the outbox holds the file; the date is final.
  const publication = app.getByTestId('publication');
  await expect(publication).toHaveAttribute('data-written', String(introductions - 1));
  await expect(publication).toHaveAttribute('data-dropped', '1');
  await expect(app.getByTestId('publication-dropped-consent')).toHaveAttribute('data-count', '1');
  await expect(app.getByTestId(`match-run-${runId}-published`)).toBeVisible();
  const file = path.join(path.dirname(server.dbPath), 'outbox', `introductions-${DATE}.jsonl`);
  expect(fs.readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(introductions - 1);
  await app.getByTestId('match-date').fill(DATE);
  await app.getByTestId('match-start').click();
  await expect(app.getByTestId('error-note')).toHaveAttribute('data-code', 'ALREADY_PUBLISHED');
  await expect(app.getByTestId('error-note')).toContainText(`第 ${runId} 次运行`);
  await app.screenshot({ path: 'artifacts/publish-done.png', fullPage: true });
});
