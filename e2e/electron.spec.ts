import { _electron as electron, expect, test } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
// Electron's installer writes path.txt only after the binary was downloaded; require('electron') would still load.
const binaryPresent = fs.existsSync(path.join(root, 'node_modules', 'electron', 'path.txt'));
const nativeSqlite = fs.existsSync(path.join(root, '.electron-native', 'better_sqlite3.node'));

test.skip(
  !binaryPresent,
  'Electron binary not installed on this machine (node_modules/electron/path.txt missing; its download is blocked here) — the web project covers the same UI',
);
test.skip(
  binaryPresent && !nativeSqlite,
  'better-sqlite3 is not built for Electron yet: run `npm start` once (it builds .electron-native/better_sqlite3.node)',
);

/** The first admin's one-time password from main's stdout (the stream holds what came before it was read). */
function printedOneTimePassword(stdout: NodeJS.ReadableStream | null): Promise<string> {
  if (!stdout) throw new Error('the Electron process has no stdout to read the first admin from');
  return new Promise((resolve, reject) => {
    let printed = '';
    stdout.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const found = /one-time password:\s+(\S+)/.exec(printed);
      if (found) resolve(found[1]!);
    });
    stdout.on('end', () => reject(new Error(`main ended without printing a first admin:\n${printed}`)));
  });
}

test('the Electron window is locked down and shows the Overview from main', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'encounter-electron-'));
  const app = await electron.launch({ args: [root], cwd: root, env: { ...process.env, ENCOUNTER_HOME: home } });
  try {
    const window = await app.firstWindow();
    const url = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.webContents.getURL());
    expect(url.startsWith('app://console/')).toBe(true);
    // No Node in the page (nodeIntegration off, sandboxed), and only the contract's bridge is visible.
    const pageGlobals = await window.evaluate(() => {
      const g = globalThis as { require?: unknown; process?: unknown; encounter?: { calls: object } };
      return {
        require: typeof g.require,
        process: typeof g.process,
        bridge: g.encounter ? Object.keys(g.encounter).sort() : [],
      };
    });
    expect(pageGlobals).toEqual({ require: 'undefined', process: 'undefined', bridge: ['calls', 'on'] });

    // A new mirror's first admin, its one-time password printed once by main (operators/bootstrap.ts); the first
    // sign-in asks for a password of one's own before anything else.
    const oneTime = await printedOneTimePassword(app.process().stdout);
    await expect(window.getByTestId('app')).toHaveAttribute('data-ready', 'true');
    await window.getByTestId('sign-in-name').fill('admin');
    await window.getByTestId('sign-in-password').fill(oneTime);
    await window.getByTestId('sign-in-submit').click();
    await expect(window.getByTestId('change-password')).toHaveAttribute('data-forced', 'true');
    await window.getByTestId('change-password-new').fill('electron admin 2026');
    await window.getByTestId('change-password-repeat').fill('electron admin 2026');
    await window.getByTestId('change-password-submit').click();
    await window.getByTestId('nav-overview').click();
    await expect(window.getByTestId('page-overview')).toHaveAttribute('data-state', 'ready');
    await expect(window.getByTestId('overview-db-path')).toHaveText(path.join(home, 'encounter.db'));

    // window.open and navigation away are refused.
    await window.evaluate(() => (globalThis as unknown as { open(url: string): unknown }).open('https://example.com'));
    expect(app.windows()).toHaveLength(1);
  } finally {
    await app.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
});
