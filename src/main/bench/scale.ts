import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_RULE_SET } from '../../shared/domain/ruleset';
import { platformDayOf } from '../../shared/domain/platform-time';
import { silentProgress } from '../../shared/progress';
import { defineCommand, intOption, stringOption, UsageError } from '../cli/command';
import { openDatabase } from '../db/database';
import { runMatchingDetailed } from '../engine';
import { importExport } from '../mirror/import';
import { matchingExclusions } from '../moderation/exclusions';
import { activeBaseline, computeWhatIf, WHAT_IF_SCORING } from '../tuning/what-if';
import { mulberry32 } from '../util/seeded-random';
import { BENCH_DIR, benchExport, forgetBenchRuns, formatOption, randomWeights } from './bench-data';
import { median, mib, PeakRss, timed } from './measure';
import { keptNewestPayment } from '../mirror/row-counts';

/**
 * `npm run bench -- scale [--users 25000,50000,100000,200000,400000] [--seed 7] [--format csv|jsonl] [--json]`
 *
 * How the cost grows with the city: for each size, on the realistic generator's export (cached under bench-data/),
 * in a fresh process so every figure is that size's own (scale-step): the import into an empty mirror, the full
 * matching run (load → candidates → features → assignment → persist) and the what-if on its cache (re-score +
 * assignment, and the whole main-side what-if view), each with its peak RSS (kernel high-water mark, reset per
 * phase) and the run's accumulator updates. Then the growth exponent b of time ≈ a · users^b fitted over the rows
 * (least squares on logs): 1 is linear. The baseline in the same run is the smallest size: every row says how many
 * times its cost it took for how many times its users.
 */
const DEFAULT_SIZES = [25_000, 50_000, 100_000, 200_000, 400_000];

interface StepRow {
  users: number;
  format: string;
  transactions: number;
  importMs: number;
  importTransactionRowsPerSec: number;
  importPeakRssMiB: number;
  matchMs: number;
  matchPhasesMs: Record<string, number>;
  matchPeakRssMiB: number;
  accumulatorUpdates: number;
  windowTransactions: number;
  eligibleUsers: number;
  introductions: number;
  rescoreMedianMs: number;
  /** Threads the re-scores ran on (2: the what-if cache's helper took half), and why the helper was dropped if so. */
  rescoreThreads: number;
  rescoreHelperFailure: string | null;
  whatIfMedianMs: number;
  whatIfPeakRssMiB: number;
}

/** Least-squares slope of ln(y) over ln(x). */
export function growthExponent(xs: readonly number[], ys: readonly number[]): number | null {
  const pts = xs.map((x, i) => [Math.log(x), Math.log(ys[i]!)] as const).filter(([, y]) => Number.isFinite(y));
  if (pts.length < 2) return null;
  const mx = pts.reduce((a, [x]) => a + x, 0) / pts.length;
  const my = pts.reduce((a, [, y]) => a + y, 0) / pts.length;
  let num = 0;
  let den = 0;
  for (const [x, y] of pts) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den > 0 ? Math.round((num / den) * 100) / 100 : null;
}

function parseSizes(text: string | undefined): number[] {
  if (text === undefined) return DEFAULT_SIZES;
  const sizes = text.split(',').map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 100))
    throw new UsageError(`--users must be a comma-separated list of user counts ≥ 100, got "${text}"`);
  return sizes;
}

/** Runs `scale-step` in a fresh Node process (same loader flags) and returns its JSON result. */
function runStep(args: string[]): Promise<StepRow> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, '--expose-gc', process.argv[1]!, 'scale-step', ...args, '--json'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(last) as StepRow & { ok?: boolean; error?: string };
        if (code !== 0 || parsed.ok === false) reject(new Error(`scale-step ${args.join(' ')}: ${last}`));
        else resolve(parsed);
      } catch {
        reject(new Error(`scale-step ${args.join(' ')} exited ${code} without a JSON line: ${last.slice(0, 300)}`));
      }
    });
  });
}

export const scaleBench = defineCommand({
  name: 'scale',
  summary: 'import + full match + what-if at growing sizes: time, peak RSS, accumulator updates, growth exponent',
  usage:
    'usage: npm run bench -- scale [--users 25000,50000,100000,200000,400000] [--seed 7] [--format csv|jsonl] [--threads 2] [--json]',
  options: {
    users: { type: 'string' },
    seed: { type: 'string' },
    format: { type: 'string' },
    threads: { type: 'string' },
  },
  async run(ctx, values) {
    const sizes = parseSizes(stringOption(values, 'users'));
    const seed = intOption(values, 'seed', 7, 0);
    const threads = intOption(values, 'threads', 2, 1);
    const format = formatOption(values);
    const rows: (StepRow & { generateMs: number | null })[] = [];
    for (const users of sizes) {
      const t = performance.now();
      const dir = await benchExport(users, seed, ctx.progress, ctx.log, format);
      const generated = performance.now() - t > 1000 ? Math.round(performance.now() - t) : null;
      ctx.log(`${users.toLocaleString('en')} users: import, full match and what-if in a fresh process …`);
      const row = await runStep([
        '--users',
        String(users),
        '--seed',
        String(seed),
        '--format',
        format,
        '--threads',
        String(threads),
      ]);
      rows.push({ ...row, generateMs: generated });
      ctx.log(
        `  import ${(row.importMs / 1000).toFixed(1)} s (${row.importTransactionRowsPerSec.toLocaleString('en')} tx rows/s, ${row.importPeakRssMiB} MiB) · match ${(row.matchMs / 1000).toFixed(1)} s ${JSON.stringify(row.matchPhasesMs)} (${row.matchPeakRssMiB} MiB, ${row.accumulatorUpdates.toLocaleString('en')} updates) · re-score + assignment ${row.rescoreMedianMs} ms on ${row.rescoreThreads} thread(s)${row.rescoreHelperFailure ? ` (helper dropped: ${row.rescoreHelperFailure})` : ''}, what-if ${row.whatIfMedianMs} ms  [${path.basename(dir)}]`,
      );
    }
    const xs = rows.map((r) => r.users);
    const exponents = {
      importMs: growthExponent(
        xs,
        rows.map((r) => r.importMs),
      ),
      matchMs: growthExponent(
        xs,
        rows.map((r) => r.matchMs),
      ),
      candidatesAndFeaturesMs: growthExponent(
        xs,
        rows.map((r) => r.matchPhasesMs.candidatesAndFeatures ?? 0),
      ),
      accumulatorUpdates: growthExponent(
        xs,
        rows.map((r) => r.accumulatorUpdates),
      ),
      rescoreMs: growthExponent(
        xs,
        rows.map((r) => r.rescoreMedianMs),
      ),
      whatIfMs: growthExponent(
        xs,
        rows.map((r) => r.whatIfMedianMs),
      ),
      matchPeakRssMiB: growthExponent(
        xs,
        rows.map((r) => r.matchPeakRssMiB),
      ),
    };
    const base = rows[0]!;
    const vsSmallest = rows.map((r) => ({
      users: r.users,
      usersRatio: Math.round((r.users / base.users) * 100) / 100,
      matchRatio: Math.round((r.matchMs / base.matchMs) * 100) / 100,
      updatesRatio: Math.round((r.accumulatorUpdates / base.accumulatorUpdates) * 100) / 100,
      importRatio: Math.round((r.importMs / base.importMs) * 100) / 100,
    }));
    const largest = rows[rows.length - 1]!;
    return {
      seed,
      format,
      threads,
      rows,
      exponents,
      baseline: { what: 'the smallest size of this run', vsSmallest },
      loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
      cores: os.cpus().length,
      targets: { rescoreMsAt400k: 250, whatIfMsAt400k: 250 },
      largest: {
        users: largest.users,
        rescoreMedianMs: largest.rescoreMedianMs,
        whatIfMedianMs: largest.whatIfMedianMs,
        meetsWhatIfTarget: largest.users >= 400_000 ? largest.rescoreMedianMs <= 250 : null,
      },
    };
  },
  format(r) {
    const rows = r.rows;
    const e: Record<string, number | null> = r.exponents;
    const lines = [
      `scale (${r.format}, ${r.threads} threads; load average ${r.loadAverage.join(' ')} on ${r.cores} cores)`,
      '     users   import s  tx rows/s  imp MiB   match s  cand+feat s  match MiB      updates  rescore ms  what-if ms',
    ];
    for (const row of rows)
      lines.push(
        [
          row.users.toLocaleString('en').padStart(10),
          (row.importMs / 1000).toFixed(1).padStart(10),
          row.importTransactionRowsPerSec.toLocaleString('en').padStart(10),
          String(row.importPeakRssMiB).padStart(8),
          (row.matchMs / 1000).toFixed(1).padStart(9),
          ((row.matchPhasesMs.candidatesAndFeatures ?? 0) / 1000).toFixed(1).padStart(12),
          String(row.matchPeakRssMiB).padStart(10),
          row.accumulatorUpdates.toLocaleString('en').padStart(12),
          String(row.rescoreMedianMs).padStart(11),
          String(row.whatIfMedianMs).padStart(11),
        ].join(''),
      );
    lines.push(
      `growth exponents (time ≈ users^b): ${Object.entries(e)
        .map(([k, v]) => `${k} ${v ?? '–'}`)
        .join(', ')}`,
    );
    return lines.join('\n');
  },
});

/** One size of the scale bench, in its own process (started by `scale`; runnable alone). */
export const scaleStepBench = defineCommand({
  name: 'scale-step',
  summary: 'one row of the scale bench in this process: import, full match, what-if (run by `scale`)',
  usage:
    'usage: npm run bench -- scale-step --users N [--seed 7] [--format csv|jsonl] [--threads 2] [--keep | --reuse] [--json]\n' +
    "  --keep   leaves the step's mirror in bench-data/ (scale-N-sSEED-FORMAT.db)\n" +
    '  --reuse  no import: the full match and what-if on the mirror a --keep run left (import figures null)',
  options: {
    users: { type: 'string' },
    seed: { type: 'string' },
    format: { type: 'string' },
    threads: { type: 'string' },
    keep: { type: 'boolean' },
    reuse: { type: 'boolean' },
    'whatif-runs': { type: 'string' },
  },
  async run(ctx, values) {
    const users = intOption(values, 'users', 100_000, 100);
    const seed = intOption(values, 'seed', 7, 0);
    const threads = intOption(values, 'threads', 2, 1);
    const runs = intOption(values, 'whatif-runs', 10, 1);
    const format = formatOption(values);
    const reuse = values.reuse === true;
    const dbFile = path.join(BENCH_DIR, `scale-${users}-s${seed}-${format}.db`);
    if (reuse && !fs.existsSync(dbFile))
      throw new UsageError(`scale-step --reuse: no kept mirror at ${dbFile} (run the step once with --keep)`);
    const removeDb = (): void => {
      for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) fs.rmSync(f, { force: true });
    };
    const collect = (): void => (globalThis as { gc?: () => void }).gc?.();
    const exportDir = reuse ? null : await benchExport(users, seed, ctx.progress, ctx.log, format);
    if (!reuse) removeDb();
    const db = openDatabase(dbFile);
    try {
      if (reuse) ctx.log(`scale-step --reuse: removed ${forgetBenchRuns(db)} runs earlier steps stored in ${dbFile}`);
      collect();
      const importRss = new PeakRss();
      // Until committed and checkpointed, as the import job lasts (the run's own elapsedMs stops before the commit).
      const { value: imported, ms: importWallMs } = await timed(() =>
        // The step's mirror is its own: nothing else opens it, so its first import is a sole writer's (sole-writer.ts).
        exportDir
          ? importExport(db, exportDir, { operator: 'bench', progress: silentProgress, soleWriter: true })
          : null,
      );
      const importMs = Math.round(importWallMs);
      const importPeak = importRss.stop();
      const txFile = imported && Object.keys(imported.files).find((f) => f.startsWith('transactions.'));
      const tx = imported && txFile ? imported.files[txFile]! : undefined;

      collect();
      const mirrorBytes = fs.statSync(dbFile).size;
      const maxPaid = keptNewestPayment(db)!;
      const date = platformDayOf(maxPaid);
      const excluded = matchingExclusions(db, Math.floor(Date.now() / 1000));
      const matchRss = new PeakRss();
      const t0 = performance.now();
      const run = await runMatchingDetailed(
        db,
        { date, ruleSet: DEFAULT_RULE_SET, operator: 'bench', excluded, threads },
        silentProgress,
      );
      const matchMs = performance.now() - t0;
      const matchPeak = matchRss.stop();

      // What-if on the run's cache, with the helper thread the what-if's cache has (the run itself, timed above,
      // re-scored on one thread as runs do): the engine's re-score + assignment alone, as the what-if does it
      // (WHAT_IF_SCORING: no upper bound), and the whole main-side view.
      if (threads > 1) run.cache.startRescoreHelper();
      const whatIfRss = new PeakRss();
      const active = await activeBaseline(run.cache, null, DEFAULT_RULE_SET);
      const rand = mulberry32(seed + 1);
      const rescoreMs: number[] = [];
      const whatIfMs: number[] = [];
      for (let i = 0; i < runs; i++) {
        const ruleSet = { ...DEFAULT_RULE_SET, weights: randomWeights(rand) };
        const a = performance.now();
        await run.cache.rescore(ruleSet, WHAT_IF_SCORING);
        rescoreMs.push(performance.now() - a);
        const b = performance.now();
        await computeWhatIf(run.cache, ruleSet, active, i);
        whatIfMs.push(performance.now() - b);
      }
      const whatIfPeak = whatIfRss.stop();
      const importFigures = imported
        ? {
            transactions: tx?.read ?? 0,
            importMs,
            importRowsWrittenMs: imported.elapsedMs,
            // The commit: a checkpoint of the WAL into the mirror and its fsync, so about the mirror's bytes over what
            // the disk sustains (on a shared machine that changes from hour to hour; a short probe of it said nothing:
            // 156 and 1,065 MB/s for 512 MiB minutes apart, a virtual disk's cache).
            importCommitMs: importMs - imported.elapsedMs,
            importJournal: imported.journal,
            mirrorMiB: mib(mirrorBytes),
            importTransactionRowsPerSec: tx ? Math.round(tx.read / (tx.elapsedMs / 1000)) : 0,
            // Where the rows' time went, file by file (each file's own wall time, index rebuild included), and where
            // each was parsed: at a province the files beside transactions are a third of it.
            importFiles: Object.fromEntries(
              Object.entries(imported.files).map(([file, f]) => [
                file,
                { rows: f.read, ms: Math.round(f.elapsedMs), parsedOn: f.parsedOn, parsedAhead: f.parsedAhead },
              ]),
            ),
            importPeakRssMiB: mib(importPeak),
          }
        : null;
      const row = {
        users,
        format,
        ...(importFigures ?? {
          transactions: null,
          importMs: null,
          importRowsWrittenMs: null,
          importCommitMs: null,
          importJournal: null,
          mirrorMiB: null,
          importTransactionRowsPerSec: null,
          importFiles: null,
          importPeakRssMiB: null,
        }),
        reusedMirror: reuse,
        matchMs: Math.round(matchMs),
        matchPhasesMs: run.summary.phasesMs,
        matchPeakRssMiB: mib(matchPeak),
        accumulatorUpdates: run.summary.accumulatorUpdates,
        windowTransactions: run.summary.windowTransactions,
        eligibleUsers: run.summary.eligibleUsers,
        introductions: run.summary.introductions,
        rescoreMedianMs: Math.round(median(rescoreMs) * 10) / 10,
        rescoreThreads: run.cache.rescoreThreads,
        rescoreHelperFailure: run.cache.helperFailure,
        whatIfMedianMs: Math.round(median(whatIfMs) * 10) / 10,
        whatIfPeakRssMiB: mib(whatIfPeak),
      };
      await run.cache.close();
      return { ...row };
    } finally {
      db.close();
      if (!values.keep && !reuse) removeDb();
    }
  },
});
