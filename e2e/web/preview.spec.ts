import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/main/db/database';
import { runMatching } from '../../src/main/engine';
import { generateExport } from '../../src/main/mirror/generator';
import { importExport } from '../../src/main/mirror/import';
import { guessCard } from '../../src/main/privacy';
import { silentProgress } from '../../src/shared/progress';
import type { Page } from '@playwright/test';
import { expect, signIn, test, TEST_PASSWORD } from './fixtures';

const DATE = '2026-11-24';

/** A generated mirror with one completed matching run, written to the server's db before the page loads. */
async function prepareRun(dbPath: string): Promise<{ runId: number; userA: string; userB: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encounter-e2e-preview-'));
  try {
    await generateExport({ users: 1500, days: 30, seed: 31, out: dir, endDate: DATE });
    const db = openDatabase(dbPath);
    try {
      importExport(db, dir, { operator: 'e2e setup' });
      const { runId } = await runMatching(
        db,
        { date: DATE, operator: 'e2e setup', excluded: new Set(), threads: 1 },
        silentProgress,
      );
      // The best-scored introduction that has a guess card (most have; the test needs one).
      const pairs = db
        .prepare(`SELECT user_a, user_b FROM run_introductions WHERE run_id = ? ORDER BY score DESC`)
        .all(runId) as { user_a: string; user_b: string }[];
      const pair = pairs.find((p) => guessCard(db, runId, p.user_a, p.user_b, 'a').card !== null);
      if (!pair) throw new Error(`run ${runId} has no introduction with a guess card`);
      return { runId, userA: pair.user_a, userB: pair.user_b };
    } finally {
      db.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function openPair(app: Page, userA: string, userB: string): Promise<void> {
  await app.getByTestId('nav-preview').click();
  await expect(app.getByTestId('page-preview')).toHaveAttribute('data-state', 'ready');
  await app.getByTestId('preview-search').fill(userB);
  await app.getByTestId('preview-search-submit').click();
  const row = app.locator(`[data-testid="preview-introduction"][data-user-a="${userA}"][data-user-b="${userB}"]`);
  await row.getByTestId('preview-open').click();
  await expect(app.getByTestId('page-preview')).toHaveAttribute('data-state', 'previewing');
  await expect(app.getByTestId('preview-card-a')).toBeVisible();
  await expect(app.getByTestId('preview-card-b')).toBeVisible();
}

test('a masked preview shows both cards, plays the guess card, and unmasks only for a lead (audited)', async ({
  app,
  server,
}) => {
  test.setTimeout(180_000);
  const { userA, userB } = await prepareRun(server.dbPath);
  const check = new Database(server.dbPath, { readonly: true });
  const raw = check
    .prepare(`SELECT id, nickname, real_name, phone FROM users WHERE id IN (?, ?)`)
    .all(userA, userB) as { id: string; nickname: string; real_name: string | null; phone: string | null }[];
  check.close();

  await app.reload();
  await signIn(app, 'reviewer');
  await openPair(app, userA, userB);

  // Each card is one user's screen: the other person masked, value, reasons, places, daily rule.
  const cardA = app.getByTestId('preview-card-a');
  await expect(cardA).toHaveAttribute('data-viewer', userA);
  await expect(cardA).toHaveAttribute('data-other', userB);
  await expect(app.getByTestId('preview-other-name-a')).toContainText('*');
  await expect(app.getByTestId('preview-reason-a').first()).toBeVisible();
  await expect(app.getByTestId('preview-daily-rule-a')).toBeVisible();
  await expect(app.getByTestId('preview-daily-rule-b')).toBeVisible();
  const shown = await app.getByTestId('preview-cards').innerText();
  for (const u of raw) {
    if (u.real_name) expect(shown).not.toContain(u.real_name);
    if (u.phone) expect(shown).not.toContain(u.phone);
    if ([...u.nickname].length > 1) expect(shown).not.toContain(u.nickname);
  }
  fs.mkdirSync('artifacts', { recursive: true });
  await app.getByTestId('preview-cards').screenshot({ path: 'artifacts/preview.png' });

  // The guess card: four choices, answering reveals right or wrong and marks the real one.
  const guess = app.getByTestId('guess-card-a');
  await expect(guess).toHaveAttribute('data-state', 'open');
  // The shared places would give the answer away, so they stay hidden until the guess is played.
  await expect(app.getByTestId('preview-places-hidden-a')).toBeVisible();
  await expect(app.getByTestId('preview-place-a')).toHaveCount(0);
  const choices = app.getByTestId('guess-choice-a');
  await expect(choices).toHaveCount(4);
  await choices.nth(2).click();
  await expect(guess).toHaveAttribute('data-state', 'answered');
  await expect(app.getByTestId('preview-places-hidden-a')).toHaveCount(0);
  await expect(app.getByTestId('preview-place-a').first()).toBeVisible();
  const result = app.getByTestId('guess-result-a');
  await expect(result).toBeVisible();
  const correct = (await result.getAttribute('data-correct')) === 'true';
  await expect(choices.nth(2)).toHaveAttribute('data-state', correct ? 'correct' : 'wrong');
  await expect(app.locator('[data-testid="guess-choice-a"][data-state="correct"]')).toHaveCount(1);
  await app.getByTestId('preview-cards').screenshot({ path: 'artifacts/preview-guessed.png' });

  // Unmask as a reviewer: refused by main, naming the role it needs.
  await app.getByTestId('unmask-a-open').click();
  await app.getByTestId('unmask-a-reason').fill('用户投诉，核实对方身份 #e2e');
  await app.getByTestId('unmask-a-password').fill(TEST_PASSWORD);
  await app.getByTestId('unmask-a-submit').click();
  await expect(app.getByTestId('unmask-a').getByTestId('error-note')).toHaveAttribute('data-code', 'FORBIDDEN');
  await expect(app.getByTestId('unmask-a').getByTestId('error-note')).toHaveText('此操作需要组长权限。');
  await expect(app.getByTestId('unmask-a-fields')).toHaveCount(0);

  // As a lead: the raw fields of that one account, with a countdown, and an audit row.
  await signIn(app, 'lead');
  await openPair(app, userA, userB);
  await app.getByTestId('unmask-a-open').click();
  await app.getByTestId('unmask-a-reason').fill('用户投诉，核实对方身份 #e2e');
  // The lead re-enters their password: a wrong one is refused and counts toward the account's lock.
  await app.getByTestId('unmask-a-password').fill('not my password');
  await app.getByTestId('unmask-a-submit').click();
  await expect(app.getByTestId('unmask-a').getByTestId('error-note')).toHaveAttribute('data-say', 'passwordWrong');
  await app.getByTestId('unmask-a-password').fill(TEST_PASSWORD);
  await app.getByTestId('unmask-a-submit').click();
  const b = raw.find((u) => u.id === userB)!;
  await expect(app.getByTestId('unmask-a-fields')).toBeVisible();
  await expect(app.getByTestId('unmask-a-realName')).toHaveText(b.real_name ?? /./);
  await expect(app.getByTestId('unmask-a-countdown')).toBeVisible();
  await app.getByTestId('preview-cards').screenshot({ path: 'artifacts/preview-unmasked.png' });

  const audit = new Database(server.dbPath, { readonly: true });
  const rows = audit
    .prepare(`SELECT operator, subject, details FROM audit_log WHERE action = 'privacy.unmask'`)
    .all() as { operator: string; subject: string; details: string }[];
  audit.close();
  expect(rows).toHaveLength(1);
  expect(rows[0]!.operator).toBe('李娜');
  expect(rows[0]!.subject).toBe(userB);
  expect(JSON.parse(rows[0]!.details)).toMatchObject({ reason: '用户投诉，核实对方身份 #e2e' });
});
