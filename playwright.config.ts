import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests. `web`: the built renderer served by the web adapter (`src/main/serve.ts`) on loopback, driven
 * in Debian's Chromium — the real UI over the real handlers and a real SQLite file. `electron`: the same app in
 * its Electron window, where the Electron binary exists (skipped with its reason elsewhere).
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '.tmp/playwright.json' }]],
  projects: [
    {
      name: 'web',
      testMatch: 'web/**/*.spec.ts',
      use: {
        browserName: 'chromium',
        viewport: { width: 1360, height: 860 },
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--headless=new',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-quic',
          ],
        },
      },
    },
    { name: 'electron', testMatch: 'electron.spec.ts' },
  ],
});
