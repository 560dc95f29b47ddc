import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import { benchMirror } from '../../src/main/bench/bench-data';
import { median } from '../../src/main/bench/measure';
import { silentProgress } from '../../src/shared/progress';
import { startConsoleServer } from '../console-server';
import { addOperators, signIn } from '../web/fixtures';

/**
 * The live what-if as an operator feels it at city scale (issue 18): a 100,000-user realistic mirror (the benches'
 * cached one under bench-data/, generated and imported once), the Matching rules page, and a weight changed step
 * by step. For each change: from the slider's change (its input event, in the page) to the what-if panel showing
 * the answer to that very draft with its tiles and all four charts redrawn (mutation marks in the page). Prints
 * and writes the median (artifacts/whatif-100k.json); a measurement, not a timed assertion — run it with
 * `E2E_SCALE=1 npx playwright test --project scale` on a quiet machine (target: median ≤ 400 ms).
 */
const USERS = Number(process.env.E2E_SCALE_USERS ?? 100_000);
const SEED = Number(process.env.E2E_SCALE_SEED ?? 1); // the other benches' seed: their cached mirror serves
const CHANGES = 9;
const DATE = '2026-11-23'; // the benches' export ends on 2026-11-24: its last full day

test.setTimeout(60 * 60_000);

test(`what-if at ${USERS.toLocaleString('en')} users: slider change → tiles and charts redrawn`, async ({ page }) => {
  const { dbFile } = await benchMirror(USERS, SEED, silentProgress, (line) => console.log(line));
  const server = await startConsoleServer([], undefined, dbFile);
  await addOperators(server);
  try {
    await page.goto(server.launchUrl);
    await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
    await signIn(page, 'lead');
    await page.getByTestId('nav-rules').click();
    await expect(page.getByTestId('page-rules')).toHaveAttribute('data-state', 'ready');
    await page.getByTestId('rules-date').fill(DATE);
    const opened = Date.now();
    await page.getByTestId('rules-open').click();
    await expect(page.getByTestId('page-rules')).toHaveAttribute('data-tuning', 'ready', { timeout: 50 * 60_000 });
    await expect(page.getByTestId('whatif')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    const cacheMs = Date.now() - opened;

    // Marks in the page: the slider's input events, and every redraw of the panel and the charts.
    await page.evaluate(() => {
      const w = globalThis as unknown as {
        __inputs: number[];
        __redraws: { id: string; at: number; seq: string | null; state: string | null }[];
        document: {
          querySelector(q: string): { addEventListener(t: string, f: () => void): void } | null;
          querySelectorAll(q: string): ArrayLike<object>;
        };
        MutationObserver: new (cb: (records: { target: { getAttribute(n: string): string | null } }[]) => void) => {
          observe(t: object, o: object): void;
        };
      };
      w.__inputs = [];
      w.__redraws = [];
      w.document
        .querySelector('[data-testid="weight-coPresence"]')!
        .addEventListener('input', () => w.__inputs.push(performance.now()));
      const mo = new w.MutationObserver((records) => {
        for (const r of records)
          w.__redraws.push({
            id: r.target.getAttribute('data-testid') ?? '',
            at: performance.now(),
            seq: r.target.getAttribute('data-seq'),
            state: r.target.getAttribute('data-state'),
          });
      });
      for (const el of Array.from(w.document.querySelectorAll('[data-testid="whatif"], [data-testid^="chart-"]')))
        mo.observe(el, { attributes: true, attributeFilter: ['data-seq', 'data-state', 'data-draft'] });
    });

    const latencies: number[] = [];
    const slider = page.getByTestId('weight-coPresence');
    for (let i = 0; i < CHANGES; i++) {
      const before = Number(await page.getByTestId('whatif').getAttribute('data-seq'));
      await slider.focus();
      await page.keyboard.press(i % 2 === 0 ? 'PageUp' : 'ArrowDown');
      // The answer to this draft is on screen: a newer sequence number, ready.
      await expect(page.getByTestId('whatif')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
      await expect
        .poll(async () => Number(await page.getByTestId('whatif').getAttribute('data-seq')), { timeout: 120_000 })
        .toBeGreaterThan(before);
      const marks = await page.evaluate(() => {
        const w = globalThis as unknown as {
          __inputs: number[];
          __redraws: { id: string; at: number; seq: string | null; state: string | null }[];
        };
        const input = w.__inputs.at(-1)!;
        const after = w.__redraws.filter((r) => r.at >= input);
        const ready = after.filter((r) => r.id === 'whatif' && r.state === 'ready').map((r) => r.at);
        const charts = after.filter((r) => r.id.startsWith('chart-')).map((r) => r.at);
        w.__redraws = [];
        return { input, ready: Math.max(...ready), charts: charts.length ? Math.max(...charts) : -Infinity };
      });
      latencies.push(Math.max(marks.ready, marks.charts) - marks.input);
    }
    const result = {
      users: USERS,
      changes: CHANGES,
      medianMs: Math.round(median(latencies)),
      latenciesMs: latencies.map((x) => Math.round(x)),
      targetMs: 400,
      whatIfCacheBuildMs: cacheMs,
      loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    };
    console.log(`what-if at ${USERS} users, slider change → redrawn: ${JSON.stringify(result)}`);
    fs.mkdirSync('artifacts', { recursive: true });
    fs.writeFileSync('artifacts/whatif-100k.json', `${JSON.stringify(result, null, 2)}\n`);
    expect(latencies).toHaveLength(CHANGES);
  } finally {
    await server.stop();
  }
});
