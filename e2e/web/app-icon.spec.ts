import type { ConsoleMessage, Page } from '@playwright/test';
import { expect, signIn, test } from './fixtures';
import { useLocale } from './look';

const PAGES = ['overview', 'mirror', 'matching', 'rules', 'preview', 'moderation'] as const;

/** Every console error and failed request of a page, as the operator's devtools would list them. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
  });
  return errors;
}

test('the app icon is the favicon, and every page loads with no console error, in zh-CN and en', async ({
  page,
  server,
}) => {
  const errors = watchErrors(page);
  await page.goto(server.launchUrl);
  await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
  await signIn(page);

  const icon = await page.locator('link[rel="icon"][type="image/png"]').getAttribute('href');
  const png = await page.request.get(new URL(icon!, server.url).toString());
  expect(png.status()).toBe(200);
  expect(png.headers()['content-type']).toBe('image/png');
  expect((await png.body()).subarray(1, 4).toString()).toBe('PNG');

  for (const locale of ['zh-CN', 'en'] as const) {
    await useLocale(page, locale);
    for (const id of PAGES) {
      await page.getByTestId(`nav-${id}`).click();
      await expect(page.getByTestId(`page-${id}`)).toBeVisible();
      await expect(page.locator('[data-state="loading"]')).toHaveCount(0);
    }
  }
  expect(errors).toEqual([]);
});
