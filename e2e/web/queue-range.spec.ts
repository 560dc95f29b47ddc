import type { Page } from '@playwright/test';
import { openDatabase } from '../../src/main/db/database';
import { seedFlags, seedMirror } from '../../src/main/testing/moderation-mirror';
import { expect, signIn, test } from './fixtures';
import { shoot, useLocale } from './look';

/** The operators look at these, in artifacts/ beside the other screens (look.ts), named queue-…. */
const shot = async (app: Page, name: string): Promise<void> => void (await shoot(app, `queue-${name}`));

const row = (app: Page, index: number) => app.locator(`[data-testid="queue-row"][data-index="${index}"]`);
const check = (app: Page, index: number) => row(app, index).getByTestId('queue-row-check');

for (const locale of ['zh-CN', 'en'] as const) {
  test(`range selection (${locale}): x j j Shift+X selects three rows, shift-click on a checkbox or a row ranges too; the account id copies`, async ({
    app,
    server,
  }) => {
    const db = openDatabase(server.dbPath);
    seedFlags(db, seedMirror(db, 40));
    db.close();
    await signIn(app, 'lead');
    await useLocale(app, locale);
    await app.getByTestId('nav-moderation').click();
    await expect(app.getByTestId('page-moderation')).toHaveAttribute('data-state', 'ready');
    await expect(row(app, 0)).toHaveAttribute('aria-selected', 'true');
    const count = app.getByTestId('selected-count');

    // The sequence from the operators' report, typed without waiting between keys.
    await app.locator('body').click({ position: { x: 5, y: 5 } });
    for (const key of ['x', 'j', 'j', 'Shift+X']) await app.keyboard.press(key);
    await expect(count).toHaveAttribute('data-count', '3');
    for (const i of [0, 1, 2]) await expect(check(app, i)).toBeChecked();
    await expect(check(app, 3)).not.toBeChecked();
    await expect(row(app, 2)).toHaveAttribute('aria-selected', 'true');

    // A checkbox click sets the anchor; shift-click on a later checkbox takes the rows between, inclusive.
    await check(app, 5).click();
    await check(app, 8).click({ modifiers: ['Shift'] });
    await expect(count).toHaveAttribute('data-count', '7');
    for (const i of [5, 6, 7, 8]) await expect(check(app, i)).toBeChecked();
    await expect(check(app, 4)).not.toBeChecked();

    // Shift-click on the row itself, upwards from the anchor (row 8) to row 4: row 4 joins.
    await row(app, 4).click({ modifiers: ['Shift'] });
    await expect(count).toHaveAttribute('data-count', '8');
    await expect(check(app, 4)).toBeChecked();
    await expect(check(app, 9)).not.toBeChecked();
    // Shift-click picks rows, not the page's text.
    expect(await app.evaluate("window.getSelection()?.toString() ?? ''")).toBe('');
    await shot(app, 'range-selection');

    // The open item's full account id (the pseudonymous id the row shows), copied with its button.
    await app.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const userId = await row(app, 4).locator('.mod-user').getAttribute('title');
    const id = app.getByTestId('detail-account-id');
    await expect(id).toHaveAttribute('data-id', userId!);
    await app.getByTestId('detail-account-id-copy').click();
    await expect(app.getByTestId('detail-account-id-copy')).toHaveAttribute('data-state', 'copied');
    expect(await app.evaluate('navigator.clipboard.readText()')).toBe(userId);
    await shot(app, 'copy-account-id');
  });
}
