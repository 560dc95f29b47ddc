import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { openDatabase } from '../../src/main/db/database';
import { seedFlags, seedMirror } from '../../src/main/testing/moderation-mirror';
import { expect, signIn, test } from './fixtures';
import { useLocale } from './look';

const SHOTS = 'artifacts';

async function shot(app: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const locale = (await app.locator('html').getAttribute('lang')) ?? 'zh-CN';
  await app.screenshot({ path: path.join(SHOTS, `${name}-${locale}.png`), fullPage: true });
}

const T = 1_764_000_000;
const GREETINGS = 120;
const TRANSFERS = 30;
const REPORTS = 4;

for (const locale of ['zh-CN', 'en'] as const) {
  test(`account timeline (${locale}): merged newest first, "50 of 155", more pages; related accounts link to their items`, async ({
    app,
    server,
  }) => {
    const db = openDatabase(server.dbPath);
    const users = seedMirror(db, 12);
    db.transaction(() => {
      const greet = db.prepare(
        `INSERT INTO greetings (id, from_user, to_user, sent_at, sent_tz, text, replied_at) VALUES (?, 'u0', ?, ?, 480, ?, NULL)`,
      );
      const pay = db.prepare(
        `INSERT INTO transfers (id, from_user, to_user, amount_fen, paid_at, paid_tz, memo) VALUES (?, ?, ?, 3900, ?, 480, '')`,
      );
      const report = db.prepare(
        `INSERT INTO reports (id, reporter_id, reported_id, created_at, reason, text) VALUES (?, ?, 'u0', ?, 'selling', '')`,
      );
      for (let i = 0; i < GREETINGS; i++) greet.run(`g${i}`, users[2 + (i % 8)], T + i * 600, `hello ${i}`);
      // u0 is paid by u5…u9; u1 by u5, u6 and u7 too: three shared payers.
      for (let i = 0; i < TRANSFERS; i++) pay.run(`t${i}`, users[5 + (i % 5)], 'u0', T + i * 3000 + 7);
      for (const [i, from] of ['u5', 'u6', 'u7'].entries()) pay.run(`s${i}`, from, 'u1', T + i);
      for (let i = 0; i < REPORTS; i++) report.run(`r${i}`, users[2 + i], T + i * 9000);
    })();
    // u0 first in the queue (highest priority); u1 has an item of its own further down.
    seedFlags(db, users, 'micro_seller', T, { score: (i) => (i === 0 ? 0.99 : 0.5), reach: (i) => (i === 0 ? 50 : 1) });
    db.close();

    await signIn(app, 'lead');
    await useLocale(app, locale);
    await app.getByTestId('nav-moderation').click();
    await expect(app.getByTestId('page-moderation')).toHaveAttribute('data-state', 'ready');
    await expect(app.getByTestId('detail-account-id')).toHaveAttribute('data-id', 'u0');

    const total = GREETINGS + TRANSFERS + REPORTS + 1; // and its own item
    const timeline = app.getByTestId('detail-timeline');
    await expect(timeline).toHaveAttribute('data-total', String(total));
    await expect(timeline).toHaveAttribute('data-shown', '50');
    await expect(app.getByTestId('timeline-count')).toContainText('50');
    await expect(app.getByTestId('timeline-count')).toContainText(String(total));
    const entries = app.locator('[data-testid="timeline-entries"] > li');
    const ofKind = (kind: string) => app.locator(`[data-testid="timeline-entries"] > li[data-kind="${kind}"]`);
    await expect(entries).toHaveCount(50);
    // Merged: greetings and transfers interleave on the first page, newest first.
    await expect(ofKind('transfer').first()).toBeVisible();
    await expect(ofKind('greeting').first()).toBeVisible();
    await shot(app, 'timeline-first-page');

    await app.getByTestId('timeline-more').click();
    await expect(timeline).toHaveAttribute('data-shown', '100');
    await app.getByTestId('timeline-more').click();
    await expect(timeline).toHaveAttribute('data-shown', '150');
    await app.getByTestId('timeline-more').click();
    await expect(timeline).toHaveAttribute('data-shown', String(total));
    await expect(app.getByTestId('timeline-more')).toHaveCount(0);
    await expect(entries).toHaveCount(total);
    // Every report made it, in the merged list.
    await expect(ofKind('report')).toHaveCount(REPORTS);

    // Related: u1 shares three of u0's payers; its link opens u1's item (the queue filtered to that account).
    const related = app.getByTestId('related-account').filter({ has: app.locator('[data-id="u1"]') });
    await expect(related).toHaveAttribute('data-reason', 'shared_payers');
    await expect(related).toContainText('3');
    await shot(app, 'timeline-related');
    await related.getByTestId('related-open').click();
    await expect(app.getByTestId('filter-account')).toBeVisible();
    await expect(app.getByTestId('detail-account-id')).toHaveAttribute('data-id', 'u1');
    await expect(app.getByTestId('queue-row')).toHaveCount(1);
    await shot(app, 'timeline-related-opened');
    // Clearing the account filter brings the whole queue back.
    await app.getByTestId('filter-account').click();
    await expect(app.getByTestId('queue-row')).toHaveCount(12);
  });
}
