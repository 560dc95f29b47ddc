import { dispatch } from '../dispatch';
import { benchCaller } from './bench-caller';
import { MatchingCache } from '../engine/cache';
import { activeRuleSet } from '../engine/store';
import { mulberry32 } from '../util/seeded-random';
import { platformDayOf } from '../../shared/domain/platform-time';
import { closeTuningSession } from '../handlers/tuning';
import { WHAT_IF_SCORING } from '../tuning/what-if';
import { benchMirror, randomWeights } from './bench-data';
import { matchingExclusions } from '../moderation/exclusions';
import { createServices } from '../services';
import { silentProgress } from '../../shared/progress';
import type { CallOutput } from '../../shared/contract';
import type { Envelope } from '../../shared/envelope';
import { defineCommand, intOption } from '../cli/command';
import { median, mib, PeakRss, timed } from './measure';

/**
 * `npm run bench -- tuning --users 100000 [--seed 7] [--runs 20] [--json]`
 *
 * The live what-if as the console runs it: a weight change enters main through the real dispatcher
 * (`tuning.whatIf`), is validated, forwarded to the tuning worker, re-scored on the whole population, compared with
 * the active rule set and answered — timed end to end in main, over random weight vectors. Baseline in the same
 * run: what a what-if would cost without the cache (candidates and features rebuilt for the one change).
 * Uses the benches' cached mirror (bench-data/mirror-<users>-s<seed>.db), generating it when missing.
 */
export const tuningBench = defineCommand({
  name: 'tuning',
  summary: 'live what-if latency (weight change in main → summary ready) against a full candidate rebuild',
  usage: 'tuning [--users 100000] [--seed 7] [--runs 20] [--json]',
  options: { users: { type: 'string' }, seed: { type: 'string' }, runs: { type: 'string' } },
  async run(ctx, values) {
    const users = intOption(values, 'users', 100_000, 10);
    const seed = intOption(values, 'seed', 7, 0);
    const runs = intOption(values, 'runs', 20, 1);
    const { dbFile } = await benchMirror(users, seed, silentProgress, ctx.log);
    const services = createServices({ dbPath: dbFile });
    const caller = await benchCaller(services, 'lead');
    const peak = new PeakRss();
    try {
      const maxPaid = services.db.prepare('SELECT MAX(paid_at) FROM transactions').pluck().get() as number;
      const date = platformDayOf(maxPaid);
      const active = activeRuleSet(services.db).ruleSet;

      const open = await timed(async () => {
        const reply = await dispatch('tuning.open', { date }, caller);
        if (!reply.ok) throw new Error(reply.error.message);
        const first = await dispatch('tuning.whatIf', { ruleSet: active, seq: 0 }, caller);
        if (!first.ok) throw new Error(first.error.message);
      });
      ctx.log(`what-if cache for ${date} built in the tuning worker: ${(open.ms / 1000).toFixed(2)} s`);

      const rand = mulberry32(seed + 1);
      const latencies: number[] = [];
      const workerMs: number[] = [];
      const rescoreMs: number[] = [];
      let changedUsers = 0;
      for (let i = 1; i <= runs; i++) {
        const ruleSet = { ...active, weights: randomWeights(rand) };
        const t0 = performance.now();
        const reply = (await dispatch('tuning.whatIf', { ruleSet, seq: i }, caller)) as Envelope<
          CallOutput<'tuning.whatIf'>
        >;
        const ms = performance.now() - t0;
        if (!reply.ok || reply.value.status !== 'ready')
          throw new Error(`what-if ${i} failed: ${JSON.stringify(reply)}`);
        latencies.push(ms);
        workerMs.push(reply.value.result.computeMs);
        rescoreMs.push(reply.value.result.rescoreMs);
        changedUsers = reply.value.result.changedUsers;
      }
      const whatIfMedian = median(latencies);
      ctx.log(
        `what-if, ${runs} random weight vectors: median ${whatIfMedian.toFixed(1)} ms (worker compute median ${median(workerMs).toFixed(1)} ms, of which engine re-score ${median(rescoreMs).toFixed(1)} ms; min ${Math.min(...latencies).toFixed(1)}, max ${Math.max(...latencies).toFixed(1)}) — target ≤ 250 ms`,
      );

      // Baseline: no cache, so one weight change means loading the pool and rebuilding candidates + features.
      const excluded = matchingExclusions(services.db, Math.floor(Date.now() / 1000));
      const change = { ...active, weights: randomWeights(rand) };
      const baseline = await timed(async () => {
        const cache = await MatchingCache.build(
          services.db,
          { date, ruleSet: change, excluded, threads: 2 },
          silentProgress,
        );
        try {
          return (await cache.rescore(change, WHAT_IF_SCORING)).summary.introductions;
        } finally {
          await cache.close();
        }
      });
      const ratio = baseline.ms / whatIfMedian;
      ctx.log(
        `baseline, full rebuild for one change: ${(baseline.ms / 1000).toFixed(2)} s → the cached what-if is ${ratio.toFixed(0)}× faster`,
      );
      return {
        users,
        date,
        runs,
        whatIfMedianMs: Math.round(whatIfMedian * 10) / 10,
        whatIfMaxMs: Math.round(Math.max(...latencies) * 10) / 10,
        workerComputeMedianMs: Math.round(median(workerMs) * 10) / 10,
        engineRescoreMedianMs: Math.round(median(rescoreMs) * 10) / 10,
        targetMs: 250,
        meetsTarget: whatIfMedian <= 250,
        cacheBuildMs: Math.round(open.ms),
        baselineRebuildMs: Math.round(baseline.ms),
        speedup: Math.round(ratio * 10) / 10,
        lastChangedUsers: changedUsers,
        peakRssMiB: mib(peak.stop()),
        peakRssMethod: peak.method,
      };
    } finally {
      closeTuningSession(services);
      services.close();
    }
  },
});
