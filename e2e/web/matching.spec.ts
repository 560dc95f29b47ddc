import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/main/db/database';
import { generateExport } from '../../src/main/mirror/generator';
import { importExport } from '../../src/main/mirror/import';
import { expect, signIn, test } from './fixtures';

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
