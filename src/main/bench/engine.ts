import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../db/database';
import { runMatchingDetailed } from '../engine';
import { allocateOutput, allocateRowsOutput, compactPairs, kernelData, startCandidateTeam } from '../engine/candidates';
import { createScratch, type KernelData, type KernelOutput, runFeatures, runKernel } from '../engine/kernel';
import { loadPool, type MatchPool } from '../engine/pool';
import { platformDayOf } from '../../shared/domain/platform-time';
import { BENCH_DIR, benchMirror, forgetBenchRuns, formatOption, randomWeights } from './bench-data';
import { duckdbTopK } from './duckdb-topk';
import { matchingExclusions } from '../moderation/exclusions';
import { DEFAULT_RULE_SET, type RuleSet } from '../../shared/domain/ruleset';
import { silentProgress } from '../../shared/progress';
import { defineCommand, intOption, stringOption, UsageError } from '../cli/command';
import { median, mib, PeakRss, timed } from './measure';
import { mulberry32 } from '../util/seeded-random';
import { WHAT_IF_SCORING } from '../tuning/what-if';

/**
 * `npm run bench -- engine --users 100000 [--sample 10000] [--seed 7] [--json]`
 *
 * On a generated + imported mirror (cached under bench-data/): the full run with its phases, peak RSS and
 * accumulator updates/s; re-score + assignment over 20 random weight vectors; on a sample, the exact top-K kernel
 * (one thread, warm and cold, and with the engine's worker threads as it runs) against the same top-K by a SQL
 * self-join in SQLite (one thread: SQLite runs a query on one), timed in the same run and compared for equality;
 * kindred recall.
 */
/**
 * The same exact top-K the obvious way in SQL: the window's distinct (user, place) rows of the sample's pool users
 * and the same integer place weights in temp tables with the indexes a careful author would add, then one
 * self-join on place, summed per pair, the pair rules (gender both ways, blocks / history) applied before the
 * grouping, ranked per user by (overlap desc, partner index asc). Loading the tables is timed apart from the query.
 */
function sqlTopK(
  db: Db,
  pool: MatchPool,
  k: number,
): { setupMs: number; queryMs: number; lists: Map<number, number[]> } {
  const t0 = performance.now();
  db.exec(`
    DROP TABLE IF EXISTS temp.bench_visits; DROP TABLE IF EXISTS temp.bench_weights;
    DROP TABLE IF EXISTS temp.bench_users; DROP TABLE IF EXISTS temp.bench_forbid;
    CREATE TEMP TABLE bench_visits (u INTEGER NOT NULL, p INTEGER NOT NULL, PRIMARY KEY (p, u)) WITHOUT ROWID;
    CREATE TEMP TABLE bench_weights (p INTEGER PRIMARY KEY, w INTEGER NOT NULL);
    CREATE TEMP TABLE bench_users (u INTEGER PRIMARY KEY, gender INTEGER NOT NULL, seeking INTEGER NOT NULL);
    CREATE TEMP TABLE bench_forbid (a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;`);
  const insVisit = db.prepare('INSERT INTO bench_visits (u, p) VALUES (?, ?)');
  const insWeight = db.prepare('INSERT INTO bench_weights (p, w) VALUES (?, ?)');
  const insUser = db.prepare('INSERT INTO bench_users (u, gender, seeking) VALUES (?, ?, ?)');
  const insForbid = db.prepare('INSERT OR IGNORE INTO bench_forbid (a, b) VALUES (?, ?)');
  db.transaction(() => {
    for (let u = 0; u < pool.userIds.length; u++) {
      if (!pool.inPool[u]) continue;
      insUser.run(u, (pool.group[u]! / 3) | 0, pool.group[u]! % 3);
      for (let e = pool.userPlaceStart[u]!; e < pool.userPlaceStart[u + 1]!; e++) insVisit.run(u, pool.userPlace[e]!);
      for (let f = pool.forbidStart[u]!; f < pool.forbidStart[u + 1]!; f++) insForbid.run(u, pool.forbid[f]!);
    }
    for (let p = 0; p < pool.placeCount; p++) if (pool.placeWeight[p]! > 0) insWeight.run(p, pool.placeWeight[p]!);
  })();
  // (p, u) is the join's index; (u, p) lets the planner walk each user's own places in user order.
  db.exec('CREATE INDEX temp.bench_visits_user ON bench_visits (u, p); ANALYZE temp;');
  const t1 = performance.now();
  const rows = db
    .prepare(
      `WITH overlap AS (
         SELECT a.u AS u, b.u AS v, SUM(w.w) AS s
         FROM bench_visits a
         JOIN bench_weights w ON w.p = a.p
         JOIN bench_visits b ON b.p = a.p AND b.u <> a.u
         JOIN bench_users x ON x.u = a.u
         JOIN bench_users y ON y.u = b.u
         WHERE (x.seeking = 2 OR x.seeking = y.gender) AND (y.seeking = 2 OR y.seeking = x.gender)
           AND NOT EXISTS (SELECT 1 FROM bench_forbid f WHERE f.a = a.u AND f.b = b.u)
         GROUP BY a.u, b.u),
       ranked AS (
         SELECT u, v, ROW_NUMBER() OVER (PARTITION BY u ORDER BY s DESC, v ASC) AS r FROM overlap)
       SELECT u, v FROM ranked WHERE r <= ? ORDER BY u, r`,
    )
    .raw()
    .all(k) as [number, number][];
  const t2 = performance.now();
  const lists = new Map<number, number[]>();
  for (const [u, v] of rows) {
    const list = lists.get(u) ?? [];
    list.push(v);
    lists.set(u, list);
  }
  return { setupMs: t1 - t0, queryMs: t2 - t1, lists };
}

/** Makes an output ready for another kernel run over it: the claim counters back to zero. */
function rewind(out: KernelOutput): void {
  out.control.fill(0);
  out.updates.fill(0);
}

/**
 * The engine's exact top-K kernel alone on one thread (no worker start-up, no features), as often as asked, over
 * the sample's users only (`rows`), into output sized for them: the first run includes compiling the kernel and a
 * freshly allocated output; the later ones show it warm, i.e. on the same output buffers again (pages mapped, as
 * in any steady state — SQLite's page cache is warm too). `freshMs` is one more warm-code run on newly allocated
 * sample-sized buffers. `freshFullMs` is the same on buffers sized for every mirror user index (as the kernel
 * had to use before output rows): page-faulting ~10× more output than the sample writes, which cost more than
 * the kernel itself.
 */
function kernelTopK(
  data: KernelData,
  rows: Int32Array,
  runs: number,
  withFeatures: boolean,
): { ms: number[]; freshMs: number; freshFullMs: number; out: KernelOutput } {
  const ms: number[] = [];
  const out = allocateRowsOutput(rows, data.topK, 1);
  const scratch = createScratch(data);
  // The lists, then (when asked) the features of every slot of the sample's rows.
  const once = (target: KernelOutput): void => {
    runKernel(data, target, 0, scratch);
    if (withFeatures) runFeatures(data, compactPairs(target, data.topK, false), target.rows, scratch);
  };
  for (let r = 0; r < runs; r++) {
    rewind(out);
    const t = performance.now();
    once(out);
    ms.push(performance.now() - t);
  }
  const fresh = allocateRowsOutput(rows, data.topK, 1);
  const t = performance.now();
  once(fresh);
  const freshMs = performance.now() - t;
  const freshFull = allocateOutput(data.userCount, data.topK, 1);
  const t2 = performance.now();
  once(freshFull);
  return { ms, freshMs, freshFullMs: performance.now() - t2, out };
}

/**
 * The same kernel as the engine runs it: `threads` candidate workers claiming user chunks from a shared counter
 * (candidates.ts). Thread start-up is timed apart; the first run (fresh output, code not yet compiled in the
 * threads) is "cold", the later ones on the same output are "warm".
 */
async function teamTopK(
  data: KernelData,
  rows: Int32Array,
  threads: number,
  runs: number,
): Promise<{ startMs: number; coldMs: number; ms: number[]; busiestThreadMs: number[]; out: KernelOutput }> {
  const t0 = performance.now();
  const team = startCandidateTeam(data, threads);
  try {
    // A run over an empty pool waits for the threads to be up and to have loaded the kernel.
    const idle = allocateRowsOutput(rows, data.topK, threads);
    Atomics.store(idle.control, 0, rows.length);
    await team.run(idle);
    const startMs = performance.now() - t0;
    const coldMs = (await team.run(allocateRowsOutput(rows, data.topK, threads))).wallMs;
    const out = allocateRowsOutput(rows, data.topK, threads);
    const ms: number[] = [];
    const busiestThreadMs: number[] = [];
    for (let r = 0; r < runs; r++) {
      rewind(out);
      const times = await team.run(out);
      ms.push(times.wallMs);
      busiestThreadMs.push(Math.max(...times.threadMs));
    }
    return { startMs, coldMs, ms, busiestThreadMs, out };
  } finally {
    await team.close();
  }
}

/** Whether two outputs over the same rows hold the same lists. */
function sameLists(a: KernelOutput, b: KernelOutput, k: number): boolean {
  if (a.candCount.length !== b.candCount.length) return false;
  for (let r = 0; r < a.candCount.length; r++) {
    if (a.candCount[r] !== b.candCount[r]) return false;
    for (let j = 0; j < a.candCount[r]!; j++)
      if (a.cand[r * k + j] !== b.cand[r * k + j] || a.overlap[r * k + j] !== b.overlap[r * k + j]) return false;
  }
  return true;
}

interface Label {
  user_id: string;
  label: string;
  partner_id?: string;
}

export const engineBench = defineCommand({
  name: 'engine',
  summary: 'matching engine: full run, re-score, SQL self-join and DuckDB baselines, kindred recall',
  usage:
    'usage: npm run bench -- engine [--users 100000] [--sample 10000] [--seed 7] [--threads 2] [--format csv|jsonl] [--duckdb-users 10000|all|0] [--duckdb-memory 6GB] [--json]',
  options: {
    format: { type: 'string' },
    'duckdb-users': { type: 'string' },
    'duckdb-memory': { type: 'string' },
    users: { type: 'string' },
    sample: { type: 'string' },
    seed: { type: 'string' },
    threads: { type: 'string' },
  },
  async run(ctx, values) {
    const users = intOption(values, 'users', 100_000, 10);
    const sample = intOption(values, 'sample', 10_000, 10);
    const seed = intOption(values, 'seed', 7, 0);
    const threads = intOption(values, 'threads', 2, 1);
    const format = formatOption(values);
    const duckdbUsersText = stringOption(values, 'duckdb-users') ?? '10000';
    const duckdbAll = duckdbUsersText === 'all';
    const duckdbUsers = duckdbAll ? Infinity : Number(duckdbUsersText);
    if (!duckdbAll && !(Number.isInteger(duckdbUsers) && duckdbUsers >= 0))
      throw new UsageError(`--duckdb-users must be a count, "all" or 0 (skip), got "${duckdbUsersText}"`);
    const duckdbMemory = stringOption(values, 'duckdb-memory') ?? '6GB';
    const { dbFile, exportDir } = await benchMirror(users, seed, ctx.progress, ctx.log, format);
    const db = openDatabase(dbFile);
    try {
      ctx.log(`removed ${forgetBenchRuns(db)} runs earlier benches stored in ${dbFile}`);
      const maxPaid = db.prepare('SELECT MAX(paid_at) FROM transactions').pluck().get() as number;
      const date = platformDayOf(maxPaid);
      const ruleSet: RuleSet = DEFAULT_RULE_SET;
      const excluded = matchingExclusions(db, Math.floor(Date.now() / 1000));

      // 1. Full run.
      const rss = new PeakRss();
      const full = await timed(() =>
        runMatchingDetailed(db, { date, ruleSet, operator: 'bench', excluded, threads }, silentProgress),
      );
      const peak = rss.stop();
      const { summary, cache, assignment } = full.value;
      const candidateSeconds = (summary.phasesMs.candidatesAndFeatures ?? 0) / 1000;
      ctx.log(
        `full run (${date}): ${(full.ms / 1000).toFixed(2)} s  phases ${JSON.stringify(summary.phasesMs)}  peak RSS ${mib(peak)} MiB`,
      );
      ctx.log(
        `  ${summary.eligibleUsers} eligible, ${summary.introductions} introductions, matched share ${summary.matchedShare}, score ${summary.totalScore} / bound ${summary.upperBound} (${summary.boundRatio})`,
      );
      ctx.log(
        `  accumulator updates ${summary.accumulatorUpdates.toLocaleString('en')} → ${(summary.accumulatorUpdates / candidateSeconds / 1e6).toFixed(1)} M/s`,
      );

      // 2. Re-score + assignment after weight changes, as the what-if does them: with the helper thread the what-if's
      // cache has, without the upper bound (WHAT_IF_SCORING).
      if (threads > 1) cache.startRescoreHelper();
      const rand = mulberry32(seed);
      const rescoreMs: number[] = [];
      for (let i = 0; i < 20; i++) {
        const rules = { ...ruleSet, weights: randomWeights(rand) };
        rescoreMs.push((await timed(() => cache.rescore(rules, WHAT_IF_SCORING))).ms);
      }
      ctx.log(
        `re-score + assignment: median ${median(rescoreMs).toFixed(1)} ms over 20 weight vectors (max ${Math.max(...rescoreMs).toFixed(1)})`,
      );

      // 3. Same exact top-K on a sample: inverted index vs SQL self-join.
      const poolIds = cache.pool.userIds.filter((_, u) => cache.pool.inPool[u]);
      const sampleRand = mulberry32(seed + 1);
      for (let i = poolIds.length - 1; i > 0; i--) {
        const j = Math.floor(sampleRand() * (i + 1));
        [poolIds[i], poolIds[j]] = [poolIds[j]!, poolIds[i]!];
      }
      const only = new Set(poolIds.slice(0, sample));
      const samplePool = loadPool(db, { date, ruleSet, excluded, only }, silentProgress);
      const sampleData = kernelData(samplePool, ruleSet.topK);
      // The sample keeps every mirror user's index: its users are output rows, so outputs are sized for them.
      const rows = Int32Array.from(samplePool.userIds.keys()).filter((u) => samplePool.inPool[u] === 1);
      const topKRuns = kernelTopK(sampleData, rows, 6, false);
      const withFeatures = kernelTopK(sampleData, rows, 2, true);
      const team = await teamTopK(sampleData, rows, threads, 8);
      const engineMs = median(topKRuns.ms.slice(1));
      const engineColdMs = topKRuns.ms[0]!;
      const engineFeaturesMs = withFeatures.ms[1]!;
      const teamMs = median(team.ms);
      const teamEqual = sameLists(team.out, topKRuns.out, ruleSet.topK);
      const sql = sqlTopK(db, samplePool, ruleSet.topK);
      const out = topKRuns.out;
      let equalUsers = 0;
      let differing = 0;
      for (let r = 0; r < rows.length; r++) {
        const u = rows[r]!;
        const mine = Array.from(out.cand.subarray(r * ruleSet.topK, r * ruleSet.topK + out.candCount[r]!));
        const theirs = sql.lists.get(u) ?? [];
        if (mine.length === theirs.length && mine.every((v, i) => v === theirs[i])) equalUsers++;
        else differing++;
      }
      const ratio = sql.queryMs / engineMs;
      const ratioCold = (sql.setupMs + sql.queryMs) / engineColdMs;
      const ratioFresh = sql.queryMs / topKRuns.freshMs;
      const ratioFreshFull = sql.queryMs / topKRuns.freshFullMs;
      const ratioTeam = sql.queryMs / teamMs;
      const ratioTeamCold = (sql.setupMs + sql.queryMs) / (team.startMs + team.coldMs);
      ctx.log(`top-K on ${only.size} users, exact, no features:`);
      ctx.log(
        `  engine kernel, 1 thread: ${engineMs.toFixed(0)} ms warm (median of ${topKRuns.ms.length - 1} on the same sample-sized output buffers; on fresh sample-sized buffers ${topKRuns.freshMs.toFixed(0)} ms, on fresh buffers sized for all ${sampleData.userCount} user indexes ${topKRuns.freshFullMs.toFixed(0)} ms; cold ${engineColdMs.toFixed(0)} ms; with features ${engineFeaturesMs.toFixed(0)} ms)`,
      );
      ctx.log(
        `  engine as run, ${threads} threads: ${teamMs.toFixed(0)} ms warm (median of ${team.ms.length}; busiest thread inside the kernel ${median(team.busiestThreadMs).toFixed(0)} ms; cold ${team.coldMs.toFixed(0)} ms + ${team.startMs.toFixed(0)} ms starting the threads); lists ${teamEqual ? 'identical to' : 'DIFFERENT from'} the 1-thread run`,
      );
      ctx.log(
        `  SQL self-join query ${(sql.queryMs / 1000).toFixed(2)} s (+ ${(sql.setupMs / 1000).toFixed(2)} s loading temp tables; SQLite runs one query on one thread)`,
      );
      ctx.log(
        `  → 1 thread: ${ratio.toFixed(1)}× query vs warm kernel, ${ratioFresh.toFixed(1)}× vs kernel on fresh sample-sized buffers (${ratioFreshFull.toFixed(1)}× on fresh all-user buffers), ${ratioCold.toFixed(1)}× setup+query vs cold kernel, ${(sql.queryMs / engineFeaturesMs).toFixed(1)}× query vs kernel+features`,
      );
      ctx.log(
        `  → engine as run (${threads} threads vs SQLite's one): ${ratioTeam.toFixed(1)}× query vs warm, ${ratioTeamCold.toFixed(1)}× setup+query vs thread start + cold run`,
      );
      ctx.log(
        `  lists equal for ${equalUsers} users, differing ${differing}; load average ${os
          .loadavg()
          .map((x) => x.toFixed(2))
          .join(' ')} on ${os.cpus().length} cores (timings are wall clock)`,
      );

      // 4. DuckDB, the analyst's peer, on the export files: the same lists for a sample of users (or everyone).
      let duck: Record<string, unknown> = { skipped: true };
      if (duckdbUsers > 0) {
        const pool = cache.pool;
        const queryIds = duckdbAll ? null : poolIds.slice(0, duckdbUsers);
        const index = new Map(pool.userIds.map((id, u) => [id, u]));
        const duckRows = Int32Array.from(queryIds ?? poolIds, (id) => index.get(id)!).sort();
        // The engine's side: the same rows' top-K over the whole pool, threads as run (started apart).
        const fullData = kernelData(pool, ruleSet.topK);
        const engineSide = await teamTopK(fullData, duckRows, threads, 3);
        const engineListMs = median(engineSide.ms);
        const duckRss = new PeakRss();
        ctx.log(`DuckDB: top-${ruleSet.topK} of ${duckRows.length.toLocaleString('en')} users from ${exportDir} …`);
        const result = await duckdbTopK({
          exportDir,
          window: pool.window,
          ruleSet,
          excluded: [...excluded],
          queryUsers: queryIds,
          threads,
          memoryLimit: duckdbMemory,
          workDir: path.join(BENCH_DIR, 'duckdb-work'),
        });
        const duckPeak = duckRss.stop();
        // Agreement: the same candidates in the same order with the same overlaps, user by user.
        let agree = 0;
        let disagree = 0;
        const firstDifferences: string[] = [];
        const K = ruleSet.topK;
        for (let r = 0; r < duckRows.length; r++) {
          const u = duckRows[r]!;
          const mine = Array.from({ length: engineSide.out.candCount[r]! }, (_, j) => ({
            v: pool.userIds[engineSide.out.cand[r * K + j]!]!,
            s: engineSide.out.overlap[r * K + j]!,
          }));
          const theirs = result.lists.get(pool.userIds[u]!) ?? [];
          if (mine.length === theirs.length && mine.every((x, j) => x.v === theirs[j]!.v && x.s === theirs[j]!.s))
            agree++;
          else {
            disagree++;
            if (firstDifferences.length < 3) firstDifferences.push(pool.userIds[u]!);
          }
        }
        // Compute against compute: DuckDB's query over its loaded tables against the engine's kernel for the same
        // users (threads as run); and end to end, files → lists against mirror window → lists.
        const ratio = result.ms / engineListMs;
        const engineEndToEnd = duckdbAll ? full.ms : (summary.phasesMs.load ?? 0) + engineListMs;
        const endToEnd = (result.loadMs + result.ms) / engineEndToEnd;
        ctx.log(
          `  DuckDB query ${(result.ms / 1000).toFixed(2)} s (+ ${(result.loadMs / 1000).toFixed(2)} s reading the export files into tables; ${threads} threads), peak RSS ${mib(duckPeak)} MiB`,
        );
        ctx.log(
          `  engine top-K of the same users ${engineListMs.toFixed(0)} ms (${threads} threads) → duckdbRatio ${ratio.toFixed(1)}× (target ≥ 20×)`,
        );
        ctx.log(
          `  end to end: DuckDB files → lists ${((result.loadMs + result.ms) / 1000).toFixed(2)} s vs engine ${duckdbAll ? 'full run' : 'window load + top-K'} ${(engineEndToEnd / 1000).toFixed(2)} s → ${endToEnd.toFixed(1)}×`,
        );
        ctx.log(
          `  top-K agreement: ${agree} of ${duckRows.length} users identical (lists, order, overlaps)${disagree ? `; differing e.g. ${firstDifferences.join(', ')}` : ''}`,
        );
        duck = {
          users: duckRows.length,
          all: duckdbAll,
          threads,
          memoryLimit: duckdbMemory,
          duckdbMs: Math.round(result.ms),
          duckdbLoadMs: Math.round(result.loadMs),
          duckdbPeakRssMiB: mib(duckPeak),
          engineListMs: Math.round(engineListMs),
          engineEndToEndMs: Math.round(engineEndToEnd),
          duckdbRatio: Math.round(ratio * 10) / 10,
          duckdbRatioEndToEnd: Math.round(endToEnd * 10) / 10,
          agreeUsers: agree,
          differingUsers: disagree,
          agreement: Math.round((agree / Math.max(1, duckRows.length)) * 10000) / 10000,
        };
      }

      // 5. Kindred recall.
      const labelFile = path.join(exportDir, 'labels.jsonl');
      const labels = fs.existsSync(labelFile)
        ? fs
            .readFileSync(labelFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Label)
        : [];
      const index = new Map(cache.pool.userIds.map((id, u) => [id, u]));
      const introduced = new Set<string>();
      for (let i = 0; i < assignment.userA.length; i++) introduced.add(`${assignment.userA[i]}:${assignment.userB[i]}`);
      let pairs = 0;
      let found = 0;
      let paired = 0;
      let sharing = 0;
      let foundSharing = 0;
      const sharesPlace = (a: number, b: number): boolean => {
        const p = cache.pool;
        const mine = new Set(p.userPlace.subarray(p.userPlaceStart[a]!, p.userPlaceStart[a + 1]!));
        for (let e = p.userPlaceStart[b]!; e < p.userPlaceStart[b + 1]!; e++)
          if (mine.has(p.userPlace[e]!)) return true;
        return false;
      };
      const inTop10 = (u: number, v: number): boolean => {
        const n = Math.min(10, cache.candidates.out.candCount[u]!);
        for (let j = 0; j < n; j++) if (cache.candidates.out.cand[u * cache.candidates.topK + j] === v) return true;
        return false;
      };
      for (const l of labels) {
        if (l.label !== 'kindred' || !l.partner_id || l.user_id > l.partner_id) continue;
        const a = index.get(l.user_id);
        const b = index.get(l.partner_id);
        if (a === undefined || b === undefined || !cache.pool.inPool[a] || !cache.pool.inPool[b]) continue;
        pairs++;
        const hit = inTop10(a, b) && inTop10(b, a);
        if (hit) found++;
        // Pairs the generator planted without any shared place in the window cannot be found by any overlap.
        if (sharesPlace(a, b)) {
          sharing++;
          if (hit) foundSharing++;
        }
        if (introduced.has(`${Math.min(a, b)}:${Math.max(a, b)}`)) paired++;
      }
      const recall = pairs ? found / pairs : Number.NaN;
      const recallSharing = sharing ? foundSharing / sharing : Number.NaN;
      ctx.log(
        `kindred: ${pairs} eligible pairs, recall@10 ${recall.toFixed(3)}, introduced on first run ${(pairs ? paired / pairs : 0).toFixed(3)}`,
      );
      ctx.log(`  of which ${sharing} share ≥ 1 place in the window: recall@10 ${recallSharing.toFixed(3)}`);
      return {
        users,
        date,
        fullRunMs: Math.round(full.ms),
        phasesMs: summary.phasesMs,
        peakRssMiB: mib(peak),
        peakRssMethod: rss.method,
        accumulatorUpdates: summary.accumulatorUpdates,
        accumulatorUpdatesPerSec: Math.round(summary.accumulatorUpdates / candidateSeconds),
        windowTransactions: summary.windowTransactions,
        eligibleUsers: summary.eligibleUsers,
        introductions: summary.introductions,
        matchedShare: summary.matchedShare,
        boundRatio: summary.boundRatio,
        rescoreMedianMs: Math.round(median(rescoreMs) * 10) / 10,
        sample: only.size,
        sampleEngineMs: Math.round(engineMs),
        sampleEngineColdMs: Math.round(engineColdMs),
        sampleEngineWithFeaturesMs: Math.round(engineFeaturesMs),
        sampleEngineFreshBuffersMs: Math.round(topKRuns.freshMs),
        sampleEngineFreshAllUserBuffersMs: Math.round(topKRuns.freshFullMs),
        sampleEngineThreads: threads,
        sampleEngineAsRunMs: Math.round(teamMs),
        sampleEngineAsRunColdMs: Math.round(team.coldMs),
        sampleEngineAsRunBusiestThreadMs: Math.round(median(team.busiestThreadMs)),
        sampleEngineAsRunThreadStartMs: Math.round(team.startMs),
        sampleEngineAsRunEqual: teamEqual,
        sampleSqlMs: Math.round(sql.queryMs),
        sampleSqlSetupMs: Math.round(sql.setupMs),
        sqlSpeedRatio: Math.round(ratio * 10) / 10,
        sqlSpeedRatioColdWithSetup: Math.round(ratioCold * 10) / 10,
        sqlSpeedRatioVsFeatures: Math.round((sql.queryMs / engineFeaturesMs) * 10) / 10,
        sqlSpeedRatioFreshBuffers: Math.round(ratioFresh * 10) / 10,
        sqlSpeedRatioFreshAllUserBuffers: Math.round(ratioFreshFull * 10) / 10,
        sqlSpeedRatioAsRun: Math.round(ratioTeam * 10) / 10,
        sqlSpeedRatioAsRunColdWithStart: Math.round(ratioTeamCold * 10) / 10,
        sqlThreads: 1,
        loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
        sampleEqualUsers: equalUsers,
        sampleDifferingUsers: differing,
        kindredPairs: pairs,
        kindredRecallAt10: Math.round(recall * 1000) / 1000,
        kindredPairsSharingAPlace: sharing,
        kindredRecallAt10AmongSharing: Math.round(recallSharing * 1000) / 1000,
        kindredIntroducedShare: pairs ? Math.round((paired / pairs) * 1000) / 1000 : 0,
        duckdb: duck,
        duckdbMs: duck.duckdbMs ?? null,
        duckdbRatio: duck.duckdbRatio ?? null,
        duckdbAgreement: duck.agreement ?? null,
        targets: {
          duckdbRatio: 20,
          fullRunMs: 8_000,
          peakRssMiB: 2048,
          rescoreMedianMs: 200,
          sqlSpeedRatio: 50,
          kindredRecallAt10: 0.95,
        },
      };
    } finally {
      db.close();
    }
  },
});
