// `npm test`: everything, in order — install what is missing, typecheck, lint and format, unit + integration (vitest), build,
// end-to-end in Chromium against the web adapter, the Electron spec (skipped with its reason where the binary is
// missing), and the Electron security scan. Every step runs even after a failure so one run shows all problems.
import fs from 'node:fs';
import path from 'node:path';
import { build, ensureChromium, ensureDependencies, log, root, run } from './setup.mjs';

const tmp = path.join(root, '.tmp');
fs.mkdirSync(tmp, { recursive: true });
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const results = [];
const step = (name, fn) => {
  const started = Date.now();
  let ok;
  try {
    ok = fn();
  } catch (error) {
    log(`${name}: ${error.message}`);
    ok = false;
  }
  results.push({ name, ok, seconds: Math.round((Date.now() - started) / 1000) });
  log(`${name}: ${ok ? 'ok' : 'FAILED'} (${results.at(-1).seconds} s)`);
  return ok;
};
const readJson = (file) => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null);

ensureDependencies();
step(
  'typecheck',
  () =>
    run(bin('tsc'), ['-p', 'tsconfig.node.json', '--noEmit']) === 0 &&
    run(bin('tsc'), ['-p', 'tsconfig.web.json', '--noEmit']) === 0 &&
    run(bin('tsc'), ['-p', 'tsconfig.web-test.json', '--noEmit']) === 0,
);
step(
  'lint (ESLint, Prettier)',
  () =>
    run(bin('eslint'), ['.', '--max-warnings', '0']) === 0 &&
    run(bin('prettier'), ['--check', '.', '--log-level', 'warn']) === 0,
);
const vitestReport = path.join(tmp, 'vitest.json');
fs.rmSync(vitestReport, { force: true });
step(
  'unit + integration (vitest)',
  () => run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`]) === 0,
);
const built = step('build (electron-vite)', () => (build(), true));
const playwrightReport = path.join(tmp, 'playwright.json');
fs.rmSync(playwrightReport, { force: true });
if (built && ensureChromium())
  step('end-to-end (Playwright: web in Chromium, Electron)', () => run(bin('playwright'), ['test']) === 0);
else results.push({ name: 'end-to-end', ok: false, seconds: 0 });
step(
  'security scan (electronegativity)',
  () => run(process.execPath, [path.join(root, 'scripts', 'security-scan.mjs')]) === 0,
);

const vitest = readJson(vitestReport);
const pw = readJson(playwrightReport);
const passed = (vitest?.numPassedTests ?? 0) + (pw?.stats.expected ?? 0) + (pw?.stats.flaky ?? 0);
const failed = (vitest?.numFailedTests ?? 0) + (pw?.stats.unexpected ?? 0);
const skipped = (vitest?.numPendingTests ?? 0) + (vitest?.numTodoTests ?? 0) + (pw?.stats.skipped ?? 0);
const failedSteps = results.filter((r) => !r.ok).map((r) => r.name);
process.stdout.write(`\n${results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds} s)`).join('\n')}\n`);
process.stdout.write(
  `${passed} passed, ${failed} failed, ${skipped} skipped${failedSteps.length ? ` — failed steps: ${failedSteps.join(', ')}` : ''}\n`,
);
process.exit(failedSteps.length ? 1 : 0);
