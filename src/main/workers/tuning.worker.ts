import type { Db } from '../db/database';
import { openDatabase } from '../db/database';
import { activeRuleSet, ruleSetJson } from '../engine/store';
import { MatchingCache } from '../engine/cache';
import { eligibilityStamp } from '../engine/eligibility-stamp';
import { defineWorkerSession } from '../jobs/worker-side';
import type { TuningReply, TuningRequest } from '../jobs/workers';
import { matchingExclusions } from '../moderation/exclusions';
import { persistShadowRun } from '../tuning/shadow';
import { activeBaseline, type ActiveBaseline, buildWhatIfCache, computeWhatIf } from '../tuning/what-if';
import type { ProgressSink } from '../../shared/progress';

class TuningCache {
  private cache: MatchingCache | null = null;
  private baseline: ActiveBaseline | null = null;
  private baselineKey = '';
  private poolStamp = '';
  private importAtBuild = 0;

  constructor(
    private readonly db: Db,
    private readonly threads: number,
    private readonly progress: ProgressSink,
  ) {}

  async handle(request: TuningRequest): Promise<TuningReply> {
    if (request.type === 'open') return this.open(request.date);
    const cache = this.cache;
    if (!cache)
      throw Object.assign(new Error('the what-if cache is not built yet: open a date first'), { code: 'CONFLICT' });
    if (request.type === 'whatIf') {
      this.refreshIfStale(cache);
      return {
        type: 'whatIf',
        result: await computeWhatIf(cache, request.ruleSet, await this.currentBaseline(cache), request.seq),
      };
    }
    // A shadow run is what a real run would publish: candidates built afresh for the draft — its pool, rarity
    // weights, blocks and earlier introductions as of now — never the what-if's cache, which only re-scores.
    const now = Math.floor(Date.now() / 1000);
    const shadow = await MatchingCache.build(
      this.db,
      { date: cache.date, ruleSet: request.ruleSet, excluded: matchingExclusions(this.db, now), threads: this.threads },
      this.progress,
    );
    try {
      const assignment = await shadow.rescore(request.ruleSet);
      const shadowId = persistShadowRun(
        this.db,
        {
          date: cache.date,
          ruleSet: request.ruleSet,
          activeVersion: activeRuleSet(this.db).version,
          operator: request.operator,
        },
        shadow.pool.userIds,
        assignment,
      );
      return { type: 'shadow', shadowId };
    } finally {
      await shadow.close();
    }
  }

  private async open(date: string): Promise<TuningReply> {
    const t0 = performance.now();
    // The cache being replaced stops its re-score helper thread.
    await this.cache?.close();
    this.cache = null;
    this.baseline = null;
    // The stamp is read before the build, so anything that lands during it is caught by the next refresh.
    const stamp = eligibilityStamp(this.db, Math.floor(Date.now() / 1000));
    this.poolStamp = stamp.key;
    this.importAtBuild = stamp.importId;
    const { cache: built } = await buildWhatIfCache(this.db, date, this.threads, this.progress);
    this.progress.report('baseline', 0, 1);
    await this.currentBaseline(built);
    this.cache = built;
    return { type: 'opened', poolUsers: built.pool.userIds.length, buildMs: Math.round(performance.now() - t0) };
  }

  /**
   * Moderation decisions, completed imports and lapsed restrictions since the pool was read change who may be
   * introduced: the next what-if must already leave a restricted account out, so the pool is re-read (and the
   * active baseline with it) whenever the eligibility stamp moved. Shadow runs build their own pool.
   */
  private refreshIfStale(built: MatchingCache): void {
    const now = Math.floor(Date.now() / 1000);
    const stamp = eligibilityStamp(this.db, now);
    if (stamp.key === this.poolStamp) return;
    built.refreshPool(this.db, matchingExclusions(this.db, now));
    // New data (blocks, earlier introductions, transactions) only a rebuild takes in: the what-if says so.
    built.mirrorUpdated = stamp.importId !== this.importAtBuild;
    this.poolStamp = stamp.key;
    this.baseline = null;
  }

  /** The active rule set's assignment on the cache, recomputed only when another version became active. */
  private async currentBaseline(built: MatchingCache): Promise<ActiveBaseline> {
    const active = activeRuleSet(this.db);
    const key = `${active.version}:${ruleSetJson(active.ruleSet)}`;
    if (!this.baseline || key !== this.baselineKey) {
      this.baseline = await activeBaseline(built, active.version, active.ruleSet);
      this.baselineKey = key;
    }
    return this.baseline;
  }
}

/**
 * The what-if cache, off main's loop: builds a MatchingCache for one date once, then answers re-score requests
 * (what-if, shadow run) for as long as the session lives. One request at a time — main drops the superseded ones
 * before they get here, and the session runtime never starts a request before the previous one answered.
 */
defineWorkerSession('tuning', ({ dbPath, input, progress }) => {
  const tuning = new TuningCache(openDatabase(dbPath), input.threads, progress);
  return (request) => tuning.handle(request);
});
