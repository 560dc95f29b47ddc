import type { Page } from '@playwright/test';
import { expect, signIn, test } from './fixtures';
import { shoot, SIZES, useLocale } from './look';

/** Relative luminance (0 black … 1 white) of an element's computed background colour (html paints the page). */
async function backgroundLuminance(page: Page, selector: string): Promise<number> {
  const rgb = await page
    .locator(selector)
    .first()
    .evaluate(
      // The window's getComputedStyle, typed here: the node tsconfig that also checks e2e has no DOM lib.
      (el) =>
        (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el)
          .backgroundColor,
    );
  const [r, g, b, alpha = 1] = (rgb.match(/\d+(\.\d+)?/g) ?? []).map(Number) as [number, number, number, number?];
  // A transparent background would read as black: it must be the element that paints the page.
  expect(alpha, `${selector} paints no background (${rgb})`).toBeGreaterThan(0);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

test('rules: dark mode follows the system, the switch overrides and is remembered; at 1920 px the page uses the width', async ({
  app,
}) => {
  await app.setViewportSize(SIZES.wide);
  await signIn(app, 'lead');
  // The system's dark setting is followed with no choice made.
  await app.emulateMedia({ colorScheme: 'dark' });
  await app.getByTestId('nav-rules').click();
  await expect(app.getByTestId('page-rules')).toHaveAttribute('data-state', 'ready');
  await expect(app.getByTestId('theme-switch')).toHaveValue('system');
  expect(await backgroundLuminance(app, 'html')).toBeLessThan(0.2);
  // The switch overrides the system (light while the system is dark), and is remembered across a reload.
  await app.getByTestId('theme-switch').selectOption('light');
  await expect.poll(() => backgroundLuminance(app, 'html')).toBeGreaterThan(0.8);
  await app.emulateMedia({ colorScheme: 'light' });
  await app.getByTestId('theme-switch').selectOption('dark');
  await app.reload();
  await expect(app.getByTestId('theme-switch')).toHaveValue('dark');
  await expect(app.getByTestId('page-rules')).toHaveAttribute('data-state', 'ready');

  for (const locale of ['zh-CN', 'en'] as const) {
    await useLocale(app, locale);
    expect(await backgroundLuminance(app, 'html')).toBeLessThan(0.2);
    expect(await backgroundLuminance(app, '.card')).toBeLessThan(0.3);
    // The page and its cards span most of the 1920 px window (the side navigation takes the rest).
    const page = (await app.getByTestId('page-rules').boundingBox())!;
    const versions = (await app.getByTestId('ruleset-versions').boundingBox())!;
    expect(page.width / SIZES.wide.width).toBeGreaterThan(0.8);
    expect(versions.width / SIZES.wide.width).toBeGreaterThan(0.8);
    await shoot(app, 'rules-dark');
  }
});
