import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';

/** Where screenshots go: Playwright wipes test-results/, these are kept to be looked at. */
export const ARTIFACTS = path.resolve(import.meta.dirname, '..', '..', 'artifacts');

export const SIZES = {
  laptop: { width: 1280, height: 800 },
  wide: { width: 1920, height: 1080 },
} as const;

/**
 * A screenshot of what an operator sees now, named by what it shows, the window size and the language:
 * `artifacts/<name>-1280x800-zh-CN.png`.
 */
export async function shoot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const size = page.viewportSize();
  const locale = (await page.locator('html').getAttribute('lang')) ?? 'zh-CN';
  const file = path.join(ARTIFACTS, `${name}-${size?.width}x${size?.height}-${locale}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? false });
  return file;
}

/** Switches the console's language (the switch in the top bar), as an operator would. */
export async function useLocale(page: Page, locale: 'zh-CN' | 'en'): Promise<void> {
  await page.getByTestId('locale-switch').selectOption(locale);
  await page.locator(`html[lang="${locale}"]`).waitFor({ state: 'attached' });
}
