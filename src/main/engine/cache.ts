import type { Db } from '../db/database';
import type { RuleSet } from '../../shared/domain/ruleset';
import type { ProgressSink } from '../../shared/progress';
import {
  AssignmentBuffers,
  type Assignment,
  HelperFailure,
  scoreAndAssign,
  scoreAndAssignWith,
  type ScoreOptions,
} from './assignment';
import { type CandidateSet, findCandidates } from './candidates';
import { heldAt, holdThresholdOf, MatchingExclusions } from '../moderation/exclusions';
import { loadEligibility, loadPool, loadPoolWith, type MatchPool } from './pool';
import { type EngineTeam, startEngineTeam } from './team';

export interface BuildOptions {
  date: string;
  ruleSet: RuleSet;
  excluded: ReadonlySet<string>;
  /** Restrict the pool to these users (benchmark samples). */
  only?: ReadonlySet<string>;
  /** Candidate worker threads (default 2: this machine's cores); 1 runs inline. */
  threads?: number;
}

/**
 * Below this many cached pairs a re-score stays on one thread: handing half to the helper costs two messages
 * (well under a millisecond) and the helper's start once, which only pays off once scoring takes tens of ms.
 */
export const RESCORE_HELPER_MIN_PAIRS = 250_000;

/**
 * Candidates and their features for one date, kept so a weight or threshold change only re-scores and re-assigns
 * (the tuning page's live preview). What a re-score cannot widen: the pool and K the candidates were built with;
 * what it does narrow at once: eligibility refreshed from the mirror (revoked consent, moderation), the rule
 * set's age range and real-name rule, the minimum value and minimum shared places.
 */
export class MatchingCache {
  private readonly buffers = new AssignmentBuffers();
  /** Re-scores share the buffers, so they run one after another. */
  private turn: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Scores half of every re-score, once started (startRescoreHelper). */
  private helper: EngineTeam | null = null;
  /** Why the re-score helper was dropped, if it was (the re-scores go on on one thread). */
  helperFailure: string | null = null;
  /** Users still eligible as of the last refresh (starts as the build-time pool). */
  private current: Uint8Array;
  /**
   * Users eligible as of the last refresh whom the cache cannot score (not in the pool when it was built: a lifted
   * restriction, a new consent, a new user); only a rebuild brings them in, so the what-if says how many.
   */
  newlyEligible = 0;
  /** An import completed since the build: blocks, earlier introductions and transactions it brought need a rebuild. */
  mirrorUpdated = false;
  readonly phasesMs: Record<string, number>;
  /**
   * Pending abuse assessments by pool user (−1: none) and the hold threshold the pool was built with: a draft with a
   * lower threshold holds more of them at once; a higher one would need the pool rebuilt.
   */
  private pendingScore: Float32Array;
  private pending: ReadonlyMap<string, number> = new Map();
  readonly holdThreshold: number;

  private constructor(
    readonly pool: MatchPool,
    readonly candidates: CandidateSet,
    readonly ruleSet: RuleSet,
    phasesMs: Record<string, number>,
  ) {
    this.current = pool.inPool.slice();
    this.phasesMs = phasesMs;
    this.pendingScore = new Float32Array(pool.userIds.length).fill(-1);
    this.holdThreshold = holdThresholdOf(ruleSet);
  }

  /** Takes the pending assessments of fresh exclusions (when they are moderation's). */
  private takeHolds(excluded: ReadonlySet<string>): void {
    if (!(excluded instanceof MatchingExclusions)) return;
    this.pending = excluded.pending;
    this.pendingScore.fill(-1);
    this.pool.userIds.forEach((id, u) => {
      const s = excluded.pending.get(id);
      if (s !== undefined) this.pendingScore[u] = s;
    });
  }

  /** Accounts a rule set's hold threshold keeps out (pending assessment at or above it). */
  heldByDetection(ruleSet: RuleSet): number {
    return heldAt(this.pending, holdThresholdOf(ruleSet));
  }

  static async build(db: Db, options: BuildOptions, progress: ProgressSink): Promise<MatchingCache> {
    const threads = options.threads ?? 2;
    const t0 = performance.now();
    // The threads start first, so their start-up overlaps this thread's reading of users and merchants.
    const team = threads > 1 ? startEngineTeam(threads) : null;
    let pool: MatchPool;
    let candidates: CandidateSet;
    let t1: number;
    try {
      pool = team ? await loadPoolWith(db, options, progress, team) : loadPool(db, options, progress);
      t1 = performance.now();
      progress.throwIfCancelled();
      candidates = await findCandidates(pool, { topK: options.ruleSet.topK, threads }, progress, team ?? undefined);
    } finally {
      await team?.close();
    }
    const t2 = performance.now();
    const cache = new MatchingCache(pool, candidates, options.ruleSet, {
      load: Math.round(t1 - t0),
      candidates: candidates.phasesMs.candidates,
      features: candidates.phasesMs.features,
      candidatesAndFeatures: Math.round(t2 - t1),
    });
    cache.takeHolds(options.excluded);
    return cache;
  }

  get date(): string {
    return this.pool.window.date;
  }

  /** Re-reads consents, upstream status and the moderation exclusions; users who left drop out of re-scores. */
  refreshPool(db: Db, excluded: ReadonlySet<string>): void {
    const fresh = loadEligibility(db, this.date, this.ruleSet, excluded);
    const index = new Map<string, number>();
    fresh.userIds.forEach((id, i) => index.set(id, i));
    const next = new Uint8Array(this.pool.userIds.length);
    let kept = 0;
    this.pool.userIds.forEach((id, u) => {
      const i = index.get(id);
      next[u] = this.pool.inPool[u] && i !== undefined && fresh.inPool[i] ? 1 : 0;
      kept += next[u]!;
    });
    this.current = next;
    let eligibleNow = 0;
    for (let i = 0; i < fresh.inPool.length; i++) eligibleNow += fresh.inPool[i]!;
    this.newlyEligible = eligibleNow - kept;
    this.takeHolds(excluded);
  }

  /**
   * Eligibility under a rule set: the refreshed pool narrowed by its age range, real-name rule and hold threshold
   * (a lower threshold than the pool's holds more accounts).
   */
  eligibleMask(ruleSet: RuleSet): Uint8Array {
    const mask = new Uint8Array(this.current.length);
    const { age, idVerified } = this.pool;
    const hold = holdThresholdOf(ruleSet);
    const pending = this.pendingScore;
    for (let u = 0; u < mask.length; u++) {
      mask[u] =
        this.current[u] &&
        age[u]! >= ruleSet.ageRange.min &&
        age[u]! <= ruleSet.ageRange.max &&
        (!ruleSet.requireRealName || idVerified[u]) &&
        !(pending[u]! >= 0 && pending[u]! >= hold)
          ? 1
          : 0;
    }
    return mask;
  }

  /**
   * Score + assignment + summary from the cached candidates and features; nothing is rebuilt. A what-if passes
   * `{ upperBound: false }` (ScoreOptions): no upper bound in the summary, a third less scoring.
   */
  rescore(ruleSet: RuleSet, options: ScoreOptions = {}): Promise<Assignment> {
    const next = this.turn.then(() => this.rescoreNow(ruleSet, options));
    this.turn = next.catch(() => undefined);
    return next;
  }

  private async rescoreNow(ruleSet: RuleSet, options: ScoreOptions): Promise<Assignment> {
    if (this.closed) throw new Error('the matching cache is closed');
    const eligible = this.eligibleMask(ruleSet);
    const helper = this.helper;
    if (helper) {
      try {
        return await scoreAndAssignWith(this.candidates, eligible, ruleSet, this.buffers, helper, options);
      } catch (error) {
        // The re-score's own error fails it (on one thread it would fail the same way).
        if (!(error instanceof HelperFailure)) throw error;
        // The helper failed or stopped (it no longer writes the buffers either way): this cache goes on on one
        // thread — slower, the same result — rather than failing every what-if from now on.
        this.helperFailure = error instanceof Error ? error.message : String(error);
        this.helper = null;
        void helper.close();
      }
    }
    return scoreAndAssign(this.candidates, eligible, ruleSet, this.buffers, 1, options);
  }

  /**
   * From now on a helper thread takes half of each re-score, when the cache holds at least `fromPairs` pairs. For
   * caches re-scored again and again (the what-if); a run re-scores once and would only pay the thread's start.
   * The first re-score waits for the thread to be up (its half is queued meanwhile).
   */
  startRescoreHelper(fromPairs = RESCORE_HELPER_MIN_PAIRS): void {
    if (this.closed || this.helper || this.candidates.pairs.count < fromPairs) return;
    this.helper = startEngineTeam(1, { unref: true });
    this.helperFailure = null;
  }

  /** Threads a re-score of this cache runs on now. */
  get rescoreThreads(): 1 | 2 {
    return this.helper ? 2 : 1;
  }

  /** Stops the re-score helper (after the re-score in progress, if any); later re-scores are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.turn;
    await this.helper?.close();
    this.helper = null;
  }
}
