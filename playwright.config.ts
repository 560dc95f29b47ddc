import { defineConfig } from '@playwright/test';

const chromium = {
  browserName: 'chromium' as const,
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
};

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
    { name: 'web', testMatch: 'web/**/*.spec.ts', use: chromium },
    { name: 'electron', testMatch: 'electron.spec.ts' },
    // Measurements at city scale (a 100,000-user mirror, minutes to build): only with E2E_SCALE=1, never in npm test.
    ...(process.env.E2E_SCALE ? [{ name: 'scale', testMatch: 'scale/**/*.spec.ts', use: chromium }] : []),
  ],
});
