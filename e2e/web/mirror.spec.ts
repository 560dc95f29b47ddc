import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateExport } from '../../src/main/mirror/generator';
import { startConsoleServer } from '../console-server';
import { addOperators, expect, signIn, test } from './fixtures';

test('an operator imports an export through the UI and sees the counts change and the quarantine', async ({ app }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encounter-e2e-export-'));
  const summary = await generateExport({ users: 300, days: 30, seed: 7, out: dir, badRows: 0.01 });
  try {
    await signIn(app, 'reviewer');
    await app.getByTestId('nav-mirror').click();
    await expect(app.getByTestId('page-mirror')).toHaveAttribute('data-state', 'ready');
    await expect(app.getByTestId('table-count-users')).toHaveAttribute('data-rows', '0');

    await app.getByTestId('import-dir').fill(dir);
    await app.getByTestId('import-start').click();
    await expect(app.getByTestId('import-job')).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });

    const users = summary.files['users.jsonl']!;
    const badUsers = summary.badRows.byFile['users.jsonl'] ?? 0;
    await expect(app.getByTestId('table-count-users')).toHaveAttribute('data-rows', /^[1-9]\d*$/);
    const imported = Number(await app.getByTestId('table-count-users').getAttribute('data-rows'));
    expect(imported).toBeGreaterThanOrEqual(users - badUsers);
    expect(imported).toBeLessThanOrEqual(users);
    await expect(app.locator('[data-testid^="import-run-"][data-status="completed"]')).toHaveCount(1);

    // The quarantine holds the bad rows, with reasons, and never a raw phone number.
    const quarantine = app.getByTestId('quarantine');
    await expect(quarantine).toHaveAttribute('data-total', /^[1-9]\d*$/);
    await expect(app.getByTestId('quarantine-row').first()).toBeVisible();
    expect(await quarantine.innerText()).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/);

    // A snapshot removes nothing from an empty mirror; the column is there for the next one.
    await expect(app.getByTestId('import-file-users.jsonl-removed')).toHaveText('0');

    // Importing the same export again changes nothing: no second run, the same rows.
    const firstJob = (await app.getByTestId('import-job').getAttribute('data-job-id'))!;
    await app.getByTestId('import-start').click();
    await expect(app.getByTestId('import-job')).not.toHaveAttribute('data-job-id', firstJob);
    await expect(app.getByTestId('import-job')).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });
    await expect(app.locator('[data-testid^="import-run-"][data-status="completed"]')).toHaveCount(1);
    await expect(app.getByTestId('table-count-users')).toHaveAttribute('data-rows', String(imported));
    fs.mkdirSync('artifacts', { recursive: true });
    await app.screenshot({ path: 'artifacts/mirror.png', fullPage: true });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a snapshot says which rows of erased accounts it removed, and which file withheld its removals', async ({
  app,
}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encounter-e2e-export-'));
  try {
    await generateExport({ users: 300, days: 30, seed: 11, out: path.join(dir, 'first'), badRows: 0 });
    await signIn(app, 'reviewer');
    await app.getByTestId('nav-mirror').click();
    await app.getByTestId('import-dir').fill(path.join(dir, 'first'));
    await app.getByTestId('import-start').click();
    await expect(app.getByTestId('import-job')).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });

    // The next snapshot: three accounts erased upstream, and a greetings line cut inside its id.
    const next = path.join(dir, 'next');
    fs.mkdirSync(next);
    const lines = (file: string) =>
      fs
        .readFileSync(path.join(dir, 'first', file), 'utf8')
        .trimEnd()
        .split('\n');
    const users = lines('users.jsonl').slice(3);
    const greetings = [...lines('greetings.jsonl'), '{"id":"g'];
    fs.writeFileSync(path.join(next, 'users.jsonl'), `${users.join('\n')}\n`);
    fs.writeFileSync(path.join(next, 'greetings.jsonl'), `${greetings.join('\n')}\n`);
    const first = JSON.parse(fs.readFileSync(path.join(dir, 'first', 'manifest.json'), 'utf8')) as {
      exported_at: string;
    };
    fs.writeFileSync(
      path.join(next, 'manifest.json'),
      JSON.stringify({
        format: 1,
        export_id: 'next',
        exported_at: new Date(Date.parse(first.exported_at) + 3_600_000).toISOString(),
        kind: 'snapshot',
        files: { 'users.jsonl': users.length, 'greetings.jsonl': greetings.length },
      }),
    );
    const firstJob = (await app.getByTestId('import-job').getAttribute('data-job-id'))!;
    await app.getByTestId('import-dir').fill(next);
    await app.getByTestId('import-start').click();
    await expect(app.getByTestId('import-job')).not.toHaveAttribute('data-job-id', firstJob);
    await expect(app.getByTestId('import-job')).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });

    await expect(app.getByTestId('import-file-users.jsonl-removed')).toHaveText('3');
    await expect(app.getByTestId('import-file-greetings.jsonl-removed')).toHaveAttribute('data-withheld', 'true');
    await expect(app.getByTestId('import-file-greetings.jsonl-removed')).toHaveText('未删除');
    await expect(app.getByTestId('import-run-2-erased')).toContainText('消费记录');
    fs.mkdirSync('artifacts', { recursive: true });
    await app.screenshot({ path: 'artifacts/mirror-erased.png', fullPage: true });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a directory that is not an export is refused with a readable reason', async ({ app }) => {
  await signIn(app);
  await app.getByTestId('nav-mirror').click();
  await app.getByTestId('import-dir').fill(os.tmpdir());
  await app.getByTestId('import-start').click();
  await expect(app.getByTestId('error-note')).toHaveAttribute('data-code', 'BAD_EXPORT');
  await expect(app.getByTestId('error-note')).toHaveText(
    `${os.tmpdir()} 不是上游导出目录（缺少 manifest.json 或不是目录）。`,
  );
});

test('a mirror named with --db stays empty on its first start: no demo city, no demo export', async ({
  app,
  server,
}) => {
  await signIn(app);
  await app.getByTestId('nav-mirror').click();
  await expect(app.getByTestId('page-mirror')).toHaveAttribute('data-state', 'ready');
  await expect(app.getByTestId('import-job')).toHaveCount(0);
  await expect(app.getByTestId('import-runs')).toHaveCount(0);
  await expect(app.getByTestId('table-count-users')).toHaveAttribute('data-rows', '0');
  expect(fs.existsSync(path.join(server.home, 'demo-export'))).toBe(false);
});

test('a first start generates the demo mirror in the background with progress', async ({ page }) => {
  const server = await startConsoleServer(['--demo', '--demo-users', '400']);
  await addOperators(server);
  try {
    await page.goto(server.launchUrl);
    await signIn(page);
    await page.getByTestId('nav-mirror').click();
    await expect(page.getByTestId('import-job')).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });
    await expect(page.getByTestId('table-count-users')).toHaveAttribute('data-rows', /^[1-9]\d*$/);
    await expect(page.getByTestId('table-count-transactions')).toHaveAttribute('data-rows', /^[1-9]\d*$/);
  } finally {
    await server.stop();
  }
});
