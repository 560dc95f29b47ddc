import Database from 'better-sqlite3';
import { test as base, expect, type Page } from '@playwright/test';
import type { OperatorRole } from '../../src/shared/domain/operator-roles';
import { openDatabase } from '../../src/main/db/database';
import { ensureTestAccount, TEST_OPERATORS, TEST_PASSWORD } from '../../src/main/testing/operators';
import { type ConsoleServer, startConsoleServer } from '../console-server';

/**
 * One console server per test, on its own fresh, empty mirror (named with --db, so no demo): tests never share state. Its
 * mirror has one operator account per role (TEST_OPERATORS: 王芳 reviewer, 李娜 lead, 赵敏 admin, all with
 * TEST_PASSWORD) besides the first admin serve made; `signIn(page, role)` signs a page in as one of them.
 */
export const test = base.extend<{ app: Page; server: ConsoleServer }>({
  // Playwright reads a fixture's dependencies from its first parameter's destructuring: none here.
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use) => {
    const server = await startConsoleServer();
    await addOperators(server);
    await use(server);
    await server.stop();
  },
  app: async ({ page, server }, use) => {
    await page.goto(server.launchUrl);
    await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
    await use(page);
  },
});

/** The test accounts (and any named ones) on a server's mirror, as an admin would add them. */
export async function addOperators(
  server: ConsoleServer,
  extra: { name: string; role: OperatorRole }[] = [],
): Promise<void> {
  const db = openDatabase(server.dbPath);
  try {
    for (const role of ['reviewer', 'lead', 'admin'] as const) await ensureTestAccount(db, role);
    for (const { name, role } of extra) await ensureTestAccount(db, role, name);
  } finally {
    db.close();
  }
}

/**
 * Signs the page in through the sign-in form as the test account of `role` (or the named one), and waits until the
 * console shows who is signed in. A page already signed in as someone else signs out first.
 */
export async function signIn(
  page: Page,
  role: OperatorRole = 'lead',
  name: string = TEST_OPERATORS[role],
  password: string = TEST_PASSWORD,
): Promise<void> {
  const app = page.getByTestId('app');
  await expect(app).toHaveAttribute('data-ready', 'true');
  const current = await app.getAttribute('data-signed-in');
  if (current === name) return;
  if (current) await signOut(page);
  await page.getByTestId('sign-in-name').fill(name);
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('operator')).toContainText(name);
}

export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('sign-in')).toBeVisible();
}

/** Rows of the mirror, read as an auditor would: straight from the file. */
export function query<T>(server: ConsoleServer, sql: string, ...params: unknown[]): T[] {
  const db = new Database(server.dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export { expect, TEST_OPERATORS, TEST_PASSWORD };
