import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { openDatabase } from '../../src/main/db/database';
import { generateExport } from '../../src/main/mirror/generator';
import { importExport } from '../../src/main/mirror/import';
import { releaseClaim } from '../../src/main/moderation/claims';
import { decide } from '../../src/main/moderation/decisions';
import { DETECTOR_NAMES } from '../../src/shared/domain/detection';
import { seedFlags, seedMirror as seedAccounts } from '../../src/main/testing/moderation-mirror';
import { type ConsoleServer, startConsoleServer } from '../console-server';
import { expect, query, signIn, test } from './fixtures';
import { SIZES, useLocale } from './look';

/**
 * A generated mirror imported into the server's file before the page loads (the import UI has its own spec). The
 * export stays in the server's home: the console reads labels only from an export directory the mirror imported.
 */
async function seedMirror(server: ConsoleServer, users = 1500): Promise<string> {
  const dir = fs.mkdtempSync(path.join(server.home, 'export-'));
  await generateExport({ users, days: 30, seed: 11, out: dir });
  const db = openDatabase(server.dbPath);
  importExport(db, dir, { operator: 'e2e setup' });
  db.close();
  return path.join(dir, 'labels.jsonl');
}

/** Detection through the UI's button, as an operator starts it. */
async function detectThroughUi(app: Page): Promise<number> {
  await app.getByTestId('nav-moderation').click();
  await expect(app.getByTestId('page-moderation')).toHaveAttribute('data-state', 'ready');
  await app.getByTestId('detect-start').click();
  await expect(app.getByTestId('detect-job')).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });
  await expect(app.getByTestId('queue-tab-unreviewed')).toHaveAttribute('data-count', /^[1-9]\d*$/);
  return Number(await app.getByTestId('queue-tab-unreviewed').getAttribute('data-count'));
}

/** Who holds a claim on the flag now, read from the mirror file. */
const claimants = (server: ConsoleServer, flagId: number): string[] =>
  query<{ operator: string }>(server, `SELECT operator FROM claims WHERE flag_id = ?`, flagId).map((c) => c.operator);

function outboxDecisions(server: ConsoleServer): Record<string, string>[] {
  const dir = path.join(server.home, 'outbox');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^decisions-.*\.jsonl$/.test(f))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as Record<string, string>);
}

test('an operator clears 20 items with the keyboard only, and the outbox holds the 20 decisions with reasons', async ({
  app,
  server,
}) => {
  await seedMirror(server);
  await signIn(app, 'lead');
  const flagged = await detectThroughUi(app);
  expect(flagged).toBeGreaterThanOrEqual(20);

  const detail = app.getByTestId('moderation-detail');
  await app.locator('body').click({ position: { x: 5, y: 5 } });
  const cleared: string[] = [];
  for (let i = 0; i < 20; i++) {
    await expect(detail).toHaveAttribute('data-flag-id', /^\d+$/);
    const flagId = (await detail.getAttribute('data-flag-id'))!;
    // No raw phone number ever reaches the screen, evidence included: an 11-digit mobile number standing alone (the
    // account's own id, shown in full for operators, is a longer run of digits and no phone).
    expect(await detail.innerText()).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/);
    if (i === 0) {
      // j / k move the cursor; k brings it back to the first item.
      await app.keyboard.press('j');
      await expect(detail).not.toHaveAttribute('data-flag-id', flagId);
      await app.keyboard.press('k');
      await expect(detail).toHaveAttribute('data-flag-id', flagId);
    }
    await app.keyboard.press('1');
    await expect(app.getByTestId('action-bar')).toHaveAttribute('data-action', 'clear');
    await expect(app.getByTestId('action-reason')).toHaveValue('false_positive');
    // The queue shows the next item before the previous decision is done (it waits for every read it changed), and
    // a decision in flight takes no other: Enter once the page is no longer busy.
    await expect(app.getByTestId('page-moderation')).toHaveAttribute('data-state', 'ready');
    await app.keyboard.press('Enter');
    await expect(detail).not.toHaveAttribute('data-flag-id', flagId);
    cleared.push(flagId);
    if (i === 0) {
      fs.mkdirSync('artifacts', { recursive: true });
      await expect(detail).toHaveAttribute('data-flag-id', /^\d+$/);
      await app.keyboard.press('3');
      await app.screenshot({ path: 'artifacts/moderation.png', fullPage: true });
    }
  }
  await expect(app.getByTestId('queue-tab-resolved')).toHaveAttribute('data-count', '20');
  await expect(app.getByTestId('queue-tab-unreviewed')).toHaveAttribute('data-count', String(flagged - 20));

  // Decisions reach the outbox in batches (those of a short span in one file), once the operator pauses.
  await expect.poll(() => outboxDecisions(server).length, { timeout: 30_000 }).toBe(20);
  const decisions = outboxDecisions(server);
  for (const d of decisions)
    expect(d).toMatchObject({ action: 'clear', reason_code: 'false_positive', operator: '李娜' });
  const check = new Database(server.dbPath, { readonly: true });
  const flagsOfDecisions = check.prepare(`SELECT flag_id FROM decisions ORDER BY id`).pluck().all() as number[];
  check.close();
  expect(flagsOfDecisions.map(String)).toEqual(cleared);

  // u undoes the last decision: the item is back in the queue and the outbox carries the reversal.
  await app.keyboard.press('u');
  await expect(app.getByTestId('queue-tab-resolved')).toHaveAttribute('data-count', '19');
  await expect
    .poll(() => outboxDecisions(server).filter((d) => d.reverses !== undefined), { timeout: 30_000 })
    .toHaveLength(1);
});

test('a bulk restrict over a saved filter shows the count first, applies it, and u undoes it whole', async ({
  app,
  server,
}) => {
  await seedMirror(server);
  await signIn(app, 'lead');
  await detectThroughUi(app);

  await app.getByTestId('filter-detector').selectOption('micro_seller');
  await app.getByTestId('view-name').fill('微商 待审');
  await app.getByTestId('view-save').click();
  await expect(app.getByTestId('view-pick')).toHaveValue(/^\d+$/);
  // Leave the view and come back to it through the picker.
  await app.getByTestId('filter-clear').click();
  await expect(app.getByTestId('view-pick')).toHaveValue('');
  await app.getByTestId('view-pick').selectOption({ label: '微商 待审' });
  await expect(app.getByTestId('filter-detector')).toHaveValue('micro_seller');
  await expect(app.getByTestId('queue-list')).toHaveAttribute('data-total', /^[1-9]\d*$/);
  await expect(app.getByTestId('queue-list')).toHaveAttribute('data-state', 'ready');
  const matching = Number(await app.getByTestId('queue-list').getAttribute('data-total'));

  await app.getByTestId('bulk-all').click();
  const dialog = app.getByTestId('bulk-dialog');
  await expect(dialog).toHaveAttribute('data-flags', String(matching));
  await expect(app.getByTestId('bulk-count')).toContainText(String(matching));
  // The reason is required: nothing can be applied until one is picked.
  await expect(app.getByTestId('bulk-apply')).toBeDisabled();
  await app.getByTestId('bulk-action').selectOption('restrict');
  await app.getByTestId('bulk-expiry').selectOption('30');
  await app.getByTestId('bulk-reason').selectOption('selling_confirmed');
  await app.getByTestId('bulk-apply').click();
  await expect(dialog).toBeHidden();
  await expect(app.getByTestId('moderation-message')).toContainText(String(matching));
  const applied = await app.getByTestId('moderation-message').innerText();
  await expect(app.getByTestId('queue-list')).toHaveAttribute('data-total', '0');
  await expect(app.getByTestId('queue-tab-resolved')).toHaveAttribute('data-count', String(matching));

  await expect.poll(() => outboxDecisions(server).length, { timeout: 30_000 }).toBe(matching);
  const decisions = outboxDecisions(server);
  for (const d of decisions) {
    expect(d).toMatchObject({ action: 'restrict', reason_code: 'selling_confirmed' });
    expect(Date.parse(d.expires_at!) - Date.parse(d.decided_at!)).toBe(30 * 86_400_000);
  }

  // u undoes the whole bulk action: every flag is back in the queue and the outbox carries each reversal.
  await app.locator('body').click({ position: { x: 5, y: 5 } });
  await app.keyboard.press('u');
  // The undo's own message (the bulk action's, still on screen, names the same count).
  await expect(app.getByTestId('moderation-message')).not.toHaveText(applied);
  await expect(app.getByTestId('moderation-message')).toContainText(String(matching));
  await expect(app.getByTestId('queue-tab-resolved')).toHaveAttribute('data-count', '0');
  await expect(app.getByTestId('queue-list')).toHaveAttribute('data-total', String(matching));
  await expect
    .poll(() => outboxDecisions(server).filter((d) => d.action === 'undo').length, { timeout: 30_000 })
    .toBe(matching);
});

test("a reviewer's suspend is refused by main with a readable message", async ({ app, server }) => {
  const labels = await seedMirror(server, 800);
  await signIn(app, 'reviewer');
  await detectThroughUi(app);
  const detail = app.getByTestId('moderation-detail');
  await expect(detail).toHaveAttribute('data-flag-id', /^\d+$/);
  const flagId = await detail.getAttribute('data-flag-id');

  // The button is disabled with a hint; the shortcut still sends it, and main (not the page) refuses.
  await expect(app.getByTestId('action-suspend')).toBeDisabled();
  await app.locator('body').click({ position: { x: 5, y: 5 } });
  await app.keyboard.press('4');
  await expect(app.getByTestId('suspend-hint')).toBeVisible();
  await app.keyboard.press('Enter');
  const error = app.getByTestId('error-note');
  await expect(error).toHaveAttribute('data-code', 'FORBIDDEN');
  await expect(error).toHaveAttribute('data-say', 'reviewerCannotSuspend');
  await expect(error).toHaveText('审核员不能封禁账号，请上报组长。');
  await expect(detail).toHaveAttribute('data-flag-id', flagId!);
  expect(outboxDecisions(server)).toHaveLength(0);

  // The evaluation panel: per-class figures and the PR curve drawn from them.
  await app.getByTestId('eval-file').fill(labels);
  await app.getByTestId('eval-run').click();
  await expect(app.getByTestId('evaluation')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await expect(app.getByTestId('eval-micro_seller')).toHaveAttribute('data-f1', /^(0(\.\d+)?|1)$/);
  // One PR curve per detector; a detector right at every threshold on this small city draws a single point (an
  // empty box), so the curves are counted rather than each required to be visible.
  await expect(app.getByTestId('eval-curve').locator('.recharts-line-curve')).toHaveCount(DETECTOR_NAMES.length);
  await app.screenshot({ path: 'artifacts/moderation-reviewer.png', fullPage: true });
});

test('a queue of 50,000 flags stays windowed: a few dozen rows in the page whatever the scroll position', async ({
  app,
  server,
}) => {
  const db = openDatabase(server.dbPath);
  seedFlags(db, seedAccounts(db, 50_000));
  db.close();
  await signIn(app, 'lead');
  await app.getByTestId('nav-moderation').click();
  const list = app.getByTestId('queue-list');
  await expect(list).toHaveAttribute('data-total', '50000');
  await expect(app.getByTestId('queue-tab-unreviewed')).toHaveAttribute('data-count', '50000');
  const rendered = async () => Number(await list.getAttribute('data-rendered'));
  expect(await rendered()).toBeLessThan(40);
  // Jump to the far end: the rows there are fetched on demand and the DOM stays small.
  await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(app.locator('[data-testid="queue-row"][data-index="49999"]')).toBeVisible();
  expect(await rendered()).toBeLessThan(40);
  expect(await app.getByTestId('queue-row').count()).toBeLessThan(40);
});

test('two operators on one mirror: the item one is reviewing is not offered to the other until they move on', async ({
  app,
  server,
  browser,
}) => {
  const db = openDatabase(server.dbPath);
  seedFlags(db, seedAccounts(db, 30));
  db.close();
  const second = await startConsoleServer([], server);
  const context = await browser.newContext();
  const other = await context.newPage();
  try {
    await signIn(app, 'lead');
    await app.getByTestId('nav-moderation').click();
    const detail = app.getByTestId('moderation-detail');
    await expect(detail).toHaveAttribute('data-flag-id', /^\d+$/);
    const reviewing = (await detail.getAttribute('data-flag-id'))!;

    await other.goto(second.launchUrl);
    await expect(other.getByTestId('app')).toHaveAttribute('data-ready', 'true');
    await signIn(other, 'reviewer');
    await other.getByTestId('nav-moderation').click();
    await expect(other.getByTestId('page-moderation')).toHaveAttribute('data-state', 'ready');
    const otherRows = other.getByTestId('queue-list').getByTestId('queue-row');
    await expect(otherRows.first()).toBeVisible();
    await expect(other.locator(`[data-testid="queue-row"][data-flag-id="${reviewing}"]`)).toHaveCount(0);
    // 王芳 opened a different item, and once 李娜's queue is read again it does not offer hers.
    await expect(other.getByTestId('moderation-detail')).toHaveAttribute('data-flag-id', /^\d+$/);
    const hers = (await other.getByTestId('moderation-detail').getAttribute('data-flag-id'))!;
    expect(hers).not.toBe(reviewing);
    await app.getByTestId('moderation-refresh').click();
    await expect(app.locator(`[data-testid="queue-row"][data-flag-id="${hers}"]`)).toHaveCount(0);
    await expect(app.locator(`[data-testid="queue-row"][data-flag-id="${reviewing}"]`)).toHaveCount(1);

    // 李娜 moves on: her claim is released and the item is offered to 王芳 again. The release is a request of its own,
    // sent as she moves: 王芳's refresh waits until main has let the claim go, or it may read the queue before.
    await app.locator('body').click({ position: { x: 5, y: 5 } });
    await app.keyboard.press('j');
    await expect(detail).not.toHaveAttribute('data-flag-id', reviewing);
    await expect.poll(() => claimants(server, Number(reviewing))).toEqual([]);
    await other.getByTestId('moderation-refresh').click();
    await expect(other.locator(`[data-testid="queue-row"][data-flag-id="${reviewing}"]`)).toHaveCount(1);
  } finally {
    await context.close();
    await second.stop();
  }
});

test('a decision from a view a colleague decided on meanwhile is refused, saying who, and the queue is read again', async ({
  app,
  server,
}) => {
  const db = openDatabase(server.dbPath);
  seedFlags(db, seedAccounts(db, 5));
  db.close();
  await signIn(app, 'lead');
  await app.getByTestId('nav-moderation').click();
  const detail = app.getByTestId('moderation-detail');
  await expect(detail).toHaveAttribute('data-flag-id', /^\d+$/);
  const flagId = Number(await detail.getAttribute('data-flag-id'));
  await expect(app.getByTestId('detail-decisions')).toHaveAttribute('data-count', '0');

  // While 李娜 looks at the item, her claim lapses and 王芳 holds the account, then moves on (another process:
  // the console's own file, as a second console or the CLI would write it).
  const other = openDatabase(server.dbPath);
  other.prepare(`UPDATE claims SET last_seen_at = last_seen_at - 3600 WHERE flag_id = ?`).run(flagId);
  const colleague = { name: '王芳', role: 'reviewer' as const };
  decide(
    other,
    { flagId, action: 'hold', reasonCode: 'insufficient_evidence', expiresAt: Math.floor(Date.now() / 1000) + 86_400 },
    colleague,
    {},
  );
  releaseClaim(other, flagId, colleague);
  other.close();

  // 李娜 clears from the view she loaded before the hold: refused, said in words, nothing written — and her queue,
  // read again, no longer offers the item (the hold took it out of the unreviewed queue).
  await app.locator('body').click({ position: { x: 5, y: 5 } });
  await app.keyboard.press('1');
  await expect(app.getByTestId('action-bar')).toHaveAttribute('data-action', 'clear');
  await app.keyboard.press('Enter');
  const error = app.getByTestId('error-note');
  await expect(error).toHaveAttribute('data-code', 'CONFLICT');
  await expect(error).toHaveAttribute('data-say', 'flagDecidedMeanwhile');
  await expect(error).toContainText('王芳');
  await expect(app.locator(`[data-testid="queue-row"][data-flag-id="${flagId}"]`)).toHaveCount(0);
  await expect(detail).not.toHaveAttribute('data-flag-id', String(flagId));
  const check = new Database(server.dbPath, { readonly: true });
  expect(check.prepare(`SELECT action, operator FROM decisions ORDER BY id`).raw().all()).toEqual([['hold', '王芳']]);
  check.close();
});

test("the queue's columns fit a laptop's width in either language: no score, held mark or wait is cut off", async ({
  app,
  server,
}) => {
  await seedMirror(server);
  await app.setViewportSize(SIZES.laptop);
  await signIn(app, 'lead');
  await detectThroughUi(app);
  await expect(app.getByTestId('queue-row-held').first()).toBeVisible();
  for (const locale of ['zh-CN', 'en'] as const) {
    await useLocale(app, locale);
    await expect(app.getByTestId('queue-list')).toHaveAttribute('data-state', 'ready');
    // Names and reasons end in an ellipsis by design (the whole text is their title); every other cell is whole.
    const cut = await app.getByTestId('queue-list').evaluate((list) => {
      const edge = list.getBoundingClientRect().right;
      const rows = [...list.querySelectorAll('.mod-row:not(.placeholder)')].slice(0, 8);
      return rows.flatMap((row) =>
        [...row.querySelectorAll(':scope > span:not(.mod-user):not(.mod-reasons), :scope > span > .mod-badge')]
          .filter((cell) => cell.scrollWidth > cell.clientWidth + 1 || cell.getBoundingClientRect().right > edge + 1)
          .map((cell) => `${cell.className}: "${cell.textContent}"`),
      );
    });
    expect(cut, locale).toEqual([]);
  }
});
