import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/main/db/database';
import { generateExport } from '../../src/main/mirror/generator';
import { importExport } from '../../src/main/mirror/import';
import { platformDayOf, platformDayPlus } from '../../src/shared/domain/platform-time';
import { expect, signIn, test } from './fixtures';
import { SIZES, shoot, useLocale } from './look';

test('an operator runs matching for a day and reads the persisted summary and introductions', async ({
  app,
  server,
}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encounter-e2e-match-'));
  try {
    await generateExport({ users: 1500, days: 40, seed: 11, out: dir });
    const db = openDatabase(server.dbPath);
    importExport(db, dir, { operator: 'e2e setup' });
    db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  await signIn(app, 'lead');
  await app.getByTestId('nav-matching').click();
  await expect(app.getByTestId('page-matching')).toHaveAttribute('data-state', 'ready');
  await app.getByTestId('match-date').fill('2026-11-25');
  await app.getByTestId('match-start').click();
  await expect(app.getByTestId('match-job')).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });

  const summary = app.getByTestId('run-summary');
  await expect(summary).toBeVisible();
  const check = new Database(server.dbPath, { readonly: true });
  const run = check
    .prepare(`SELECT id, summary FROM match_runs WHERE status = 'completed' ORDER BY id DESC LIMIT 1`)
    .get() as { id: number; summary: string };
  const persisted = check
    .prepare(`SELECT count(*) FROM run_introductions WHERE run_id = ?`)
    .pluck()
    .get(run.id) as number;
  check.close();
  const stored = JSON.parse(run.summary) as { introductions: number; eligibleUsers: number };
  expect(persisted).toBeGreaterThan(0);
  expect(stored.introductions).toBe(persisted);
  await expect(summary).toHaveAttribute('data-introductions', String(persisted));
  await expect(summary).toHaveAttribute('data-eligible', String(stored.eligibleUsers));
  await expect(app.getByTestId('run-introductions')).toHaveAttribute('data-total', String(persisted));
  await expect(app.getByTestId('run-introduction').first()).toBeVisible();
  fs.mkdirSync('artifacts', { recursive: true });
  await app.screenshot({ path: 'artifacts/matching.png', fullPage: true });
});

test('the run date defaults to the day after the mirror data ends, and a date far from it is warned about (zh-CN, en)', async ({
  app,
  server,
}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encounter-e2e-date-'));
  let newest: number;
  try {
    await generateExport({ users: 300, days: 20, seed: 5, out: dir });
    const db = openDatabase(server.dbPath);
    importExport(db, dir, { operator: 'e2e setup' });
    newest = db.prepare('SELECT max(paid_at) FROM transactions').pluck().get() as number;
    db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const ends = platformDayOf(newest);
  const next = platformDayPlus(ends, 1);

  await app.setViewportSize(SIZES.laptop);
  await signIn(app, 'lead');
  for (const locale of ['zh-CN', 'en'] as const) {
    await useLocale(app, locale);
    await app.getByTestId('nav-matching').click();
    await expect(app.getByTestId('page-matching')).toHaveAttribute('data-state', 'ready');
    const field = app.getByTestId('match-date');
    await expect(field).toHaveValue(next);
    await expect(app.getByTestId('match-date-data-ends')).toHaveAttribute('data-ends', ends);
    await expect(app.getByTestId('match-date-far')).toHaveCount(0);
    await field.fill(platformDayPlus(ends, 30));
    await expect(app.getByTestId('match-date-far')).toHaveAttribute('data-days', '30');
    await expect(app.getByTestId('match-date-far')).toContainText(locale === 'en' ? '30 days' : '30 天');
    await shoot(app, 'run-date-far');
    await app.getByTestId('match-date-far').getByRole('button').click();
    await expect(field).toHaveValue(next);
    await expect(app.getByTestId('match-date-far')).toHaveCount(0);
    // The rules page's what-if date follows the same default.
    await app.getByTestId('nav-rules').click();
    await expect(app.getByTestId('rules-date')).toHaveValue(next);
  }
});
