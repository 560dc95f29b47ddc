import { test as base, expect, type Page } from '@playwright/test';
import { type ConsoleServer, startConsoleServer } from '../console-server';

/** One console server per test, on its own fresh, empty mirror (named with --db, so no demo): tests never share state. */
export const test = base.extend<{ app: Page; server: ConsoleServer }>({
  // Playwright reads a fixture's dependencies from its first parameter's destructuring: none here.
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use) => {
    const server = await startConsoleServer();
    await use(server);
    await server.stop();
  },
  app: async ({ page, server }, use) => {
    await page.goto(server.launchUrl);
    await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
    await use(page);
  },
});

export async function signIn(page: Page, name = '李娜', role: 'reviewer' | 'lead' = 'lead'): Promise<void> {
  if (await page.getByTestId('operator').isVisible()) return;
  await page.getByTestId('sign-in-name').fill(name);
  await page.getByTestId(`sign-in-role-${role}`).check();
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('operator')).toContainText(name);
}

export { expect };
