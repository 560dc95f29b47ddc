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
import type { Locator, Page } from '@playwright/test';
import { expect, signIn, test, TEST_OPERATORS, TEST_PASSWORD } from './fixtures';
import { shoot, SIZES, useLocale } from './look';

const DATE = '2026-11-24';

interface Prepared {
  runId: number;
  userA: string;
  userB: string;
  /** Every user id of the mirror: none may appear on a user's card. */
  userIds: string[];
  /** The raw rows of the pair, to check that nothing raw crosses. */
  raw: { id: string; nickname: string; real_name: string | null; phone: string | null }[];
}

/** A generated mirror with one completed matching run, written to the server's db before the page loads. */
async function prepareRun(dbPath: string): Promise<Prepared> {
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
      // The best-scored introduction where side a has a guess card (the test plays it).
      const pairs = db
        .prepare(`SELECT user_a, user_b FROM run_introductions WHERE run_id = ? ORDER BY score DESC`)
        .all(runId) as { user_a: string; user_b: string }[];
      const pair = pairs.find((p) => guessCard(db, runId, p.user_a, p.user_b, 'a').card !== null);
      if (!pair) throw new Error(`run ${runId} has no introduction with a guess card`);
      const userIds = db.prepare(`SELECT id FROM users`).pluck().all() as string[];
      const raw = db
        .prepare(`SELECT id, nickname, real_name, phone FROM users WHERE id IN (?, ?)`)
        .all(pair.user_a, pair.user_b) as Prepared['raw'];
      return { runId, userA: pair.user_a, userB: pair.user_b, userIds, raw };
    } finally {
      db.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Opens the pair from the list with the keyboard only: search, then arrows and Enter on the list. */
async function openPairByKeyboard(app: Page, userA: string, userB: string): Promise<void> {
  await app.getByTestId('nav-preview').click();
  await expect(app.getByTestId('page-preview')).toHaveAttribute('data-state', /^(ready|previewing)$/);
  await app.getByTestId('preview-search').fill(userB);
  await app.getByTestId('preview-search').press('Enter');
  const row = app.locator(`[data-testid="preview-introduction"][data-user-a="${userA}"][data-user-b="${userB}"]`);
  await expect(row).toBeVisible();
  // The search has been applied: no row left that leaves userB out (the unfiltered list may hold the pair too).
  const others = app.locator(
    `[data-testid="preview-introduction"]:not([data-user-a="${userB}"]):not([data-user-b="${userB}"])`,
  );
  await expect(others).toHaveCount(0);
  await row.focus();
  await app.keyboard.press('Enter');
  await expect(row).toHaveAttribute('data-selected', 'true');
  await expect(app.getByTestId('preview-cards')).toBeFocused();
}

/**
 * The user's card as text, and what it must never carry: an internal id, a count of withheld places, a code
 * without words (snake_case or a bare latin category), raw PII.
 */
async function expectCleanCard(card: Locator, prepared: Prepared): Promise<void> {
  const text = await card.innerText();
  for (const id of prepared.userIds) expect(text, `the card shows the id ${id}`).not.toContain(id);
  expect(text).not.toMatch(/另有\s*\d+\s*个共同地点|more shared places are kept private/);
  expect(text, 'a code without words').not.toMatch(/\b[a-z]+_[a-z_]+\b/);
  for (const u of prepared.raw) {
    if (u.real_name) expect(text).not.toContain(u.real_name);
    if (u.phone) expect(text).not.toContain(u.phone);
    if ([...u.nickname].length > 1) expect(text).not.toContain(u.nickname);
  }
}

test.describe('the masked preview', () => {
  test('zh-CN at 1280×800: the keyboard opens a pair, the cards come into view, the guess is fair and then explained', async ({
    app,
    server,
  }) => {
    test.setTimeout(240_000);
    const prepared = await prepareRun(server.dbPath);
    const { userA, userB } = prepared;
    await app.setViewportSize(SIZES.laptop);
    await app.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await app.reload();
    await signIn(app, 'reviewer');

    // The list works with the keyboard: one tab stop, arrows move, Enter opens; the cards come into view.
    await app.getByTestId('nav-preview').click();
    await expect(app.getByTestId('page-preview')).toHaveAttribute('data-state', 'ready');
    const rows = app.getByTestId('preview-introduction');
    await rows.first().focus();
    await app.keyboard.press('ArrowDown');
    await app.keyboard.press('j');
    await expect(rows.nth(2)).toBeFocused();
    await app.keyboard.press('Enter');
    await expect(rows.nth(2)).toHaveAttribute('data-selected', 'true');
    await expect(app.getByTestId('preview-cards')).toBeFocused();
    await expect(app.getByTestId('preview-card-a')).toBeInViewport({ ratio: 0.3 });
    await expect(app.getByTestId('preview-card-b')).toBeInViewport({ ratio: 0.3 });
    await shoot(app, 'preview-opened');
    // Escape goes back to the row it came from.
    await app.keyboard.press('Escape');
    await expect(rows.nth(2)).toBeFocused();

    await openPairByKeyboard(app, userA, userB);
    const cardA = app.getByTestId('preview-card-a');
    await expect(cardA).toBeInViewport({ ratio: 0.3 });
    await expect(app.getByTestId('guess-card-a')).toHaveAttribute('data-state', 'open');
    // Before the game is played nothing on the card names the answer: no reasons, no places.
    await expect(app.getByTestId('preview-reason-a')).toHaveCount(0);
    await expect(app.getByTestId('preview-place-a')).toHaveCount(0);
    await expect(app.getByTestId('preview-places-hidden-a')).toBeVisible();
    await expectCleanCard(cardA, prepared);
    await expectCleanCard(app.getByTestId('preview-card-b'), prepared);
    await expect(app.getByTestId('preview-other-name-a')).toContainText('*');
    await shoot(app, 'preview-before-guess');

    // Operators see whose cards they are beside them, marked so, with the full id to copy.
    const ops = app.getByTestId('operators-only-a');
    await expect(ops).toContainText('仅运营可见');
    await expect(app.getByTestId('ops-viewer-a')).toHaveAttribute('data-id', userA);
    await expect(app.getByTestId('ops-other-a')).toHaveAttribute('data-id', userB);
    await app.getByTestId('ops-other-a-copy').click();
    await expect(app.getByTestId('ops-other-a-copy')).toHaveAttribute('data-state', 'copied');
    expect(await app.evaluate('navigator.clipboard.readText()')).toBe(userB);

    // Played with the keyboard: Tab to a choice, Enter. Then the answer and the reasons appear.
    const choices = app.getByTestId('guess-choice-a');
    await expect(choices).toHaveCount(4);
    await choices.nth(1).focus();
    await app.keyboard.press('Enter');
    const guess = app.getByTestId('guess-card-a');
    await expect(guess).toHaveAttribute('data-state', 'answered');
    await expect(app.locator('[data-testid="guess-choice-a"][data-state="correct"]')).toHaveCount(1);
    const correct = (await app.getByTestId('guess-result-a').getAttribute('data-correct')) === 'true';
    await expect(choices.nth(1)).toHaveAttribute('data-state', correct ? 'correct' : 'wrong');
    await expect(app.getByTestId('preview-places-hidden-a')).toHaveCount(0);
    await expect(app.getByTestId('preview-reasons-a')).toBeVisible();
    await expect(app.getByTestId('preview-place-a').first()).toBeVisible();
    await expectCleanCard(cardA, prepared);
    await cardA.scrollIntoViewIfNeeded();
    await shoot(app, 'preview-after-guess');

    // Unmask sits with the operators' aside: refused to a reviewer by main.
    await app.getByTestId('unmask-a-open').click();
    await app.getByTestId('unmask-a-reason').fill('用户投诉，核实对方身份 #e2e');
    await app.getByTestId('unmask-a-password').fill(TEST_PASSWORD);
    await app.getByTestId('unmask-a-submit').click();
    await expect(app.getByTestId('unmask-a').getByTestId('error-note')).toHaveAttribute('data-code', 'FORBIDDEN');
    await expect(app.getByTestId('unmask-a').getByTestId('error-note')).toHaveText('此操作需要组长权限。');
    await expect(app.getByTestId('unmask-a-fields')).toHaveCount(0);

    // As a lead: the raw fields of that one account, with a countdown, and an audit row.
    await signIn(app, 'lead');
    await openPairByKeyboard(app, userA, userB);
    await app.getByTestId('unmask-a-open').click();
    await app.getByTestId('unmask-a-reason').fill('用户投诉，核实对方身份 #e2e');
    // The lead re-enters their password: a wrong one is refused and counts toward the account's lock.
    await app.getByTestId('unmask-a-password').fill('not my password');
    await app.getByTestId('unmask-a-submit').click();
    await expect(app.getByTestId('unmask-a').getByTestId('error-note')).toHaveAttribute('data-say', 'passwordWrong');
    await app.getByTestId('unmask-a-password').fill(TEST_PASSWORD);
    await app.getByTestId('unmask-a-submit').click();
    const b = prepared.raw.find((u) => u.id === userB)!;
    await expect(app.getByTestId('unmask-a-fields')).toBeVisible();
    await expect(app.getByTestId('unmask-a-realName')).toHaveText(b.real_name ?? /./);
    // Raw fields are in the operators' aside, never on the user's card.
    await expectCleanCard(cardA, prepared);
    const audit = new Database(server.dbPath, { readonly: true });
    const rows2 = audit
      .prepare(`SELECT operator, subject, details FROM audit_log WHERE action = 'privacy.unmask'`)
      .all() as { operator: string; subject: string; details: string }[];
    audit.close();
    expect(rows2).toHaveLength(1);
    expect(rows2[0]).toMatchObject({ operator: TEST_OPERATORS.lead, subject: userB });
    expect(JSON.parse(rows2[0]!.details)).toMatchObject({ reason: '用户投诉，核实对方身份 #e2e' });
  });

  test('en at 1920×1080: the cards open beside the list, in English words throughout', async ({ app, server }) => {
    test.setTimeout(240_000);
    const prepared = await prepareRun(server.dbPath);
    await app.setViewportSize(SIZES.wide);
    await app.reload();
    await signIn(app, 'lead');
    await useLocale(app, 'en');
    await openPairByKeyboard(app, prepared.userA, prepared.userB);
    const list = app.locator('.preview-list');
    const cards = app.getByTestId('preview-cards');
    await expect(cards).toBeInViewport();
    // Beside the list, not under it: the width is used.
    const [l, c] = [await list.boundingBox(), await cards.boundingBox()];
    expect(c!.x).toBeGreaterThan(l!.x + l!.width - 1);
    expect(c!.x + c!.width).toBeGreaterThan(1700);
    await expect(app.getByTestId('preview-card-a')).toContainText('Your introduction today');
    await expectCleanCard(app.getByTestId('preview-card-a'), prepared);
    await shoot(app, 'preview-before-guess');
    await app.getByTestId('guess-choice-a').first().click();
    await expect(app.getByTestId('guess-card-a')).toHaveAttribute('data-state', 'answered');
    await expect(app.getByTestId('preview-reasons-a')).toBeVisible();
    const reasons = await app.getByTestId('preview-reasons-a').innerText();
    expect(reasons).not.toMatch(/[\u4e00-\u9fff]{2,}的|、/); // English words, English joins
    await expectCleanCard(app.getByTestId('preview-card-a'), prepared);
    await shoot(app, 'preview-after-guess');
  });
});
