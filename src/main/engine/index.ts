import type { Db } from '../db/database';
import { assertNotPublished } from '../outbox/ledger';
import { parseRuleSet, type RuleSet } from '../../shared/domain/ruleset';
import { CancelledError, type ProgressSink } from '../../shared/progress';
import { type Assignment, introductionReasons } from './assignment';
import { MatchingCache } from './cache';
import { pairEvidence } from './explain';
import {
  activeRuleSet,
  completeRun,
  importsCompleted,
  ensureRuleSetVersion,
  failRun,
  type MatchRunSummary,
  startRun,
  type StoredIntroduction,
} from './store';
import { parseRunDate } from './window';

export { MatchingCache } from './cache';
export type { Assignment, AssignmentSummary } from './assignment';
export type { IntroductionEvidence } from './explain';
export {
  activateRuleSetVersion,
  activeRuleSet,
  ensureRuleSetVersion,
  latestCompletedRunId,
  readRun,
  readRunIntroductions,
  type MatchRunRecord,
  type MatchRunSummary,
  type StoredIntroduction,
} from './store';

export interface RunMatchingOptions {
  date: string;
  /** Defaults to the active rule set (or the defaults when none was activated). */
  ruleSet?: RuleSet;
  operator: string;
  /** Users moderation removed from the pool (decisions and holds by detection: moderation/exclusions). */
  excluded: ReadonlySet<string>;
  /** How many of `excluded` are held by detection alone, for the run summary. */
  heldByDetection?: number;
  threads?: number;
}

export interface RunMatchingResult {
  summary: MatchRunSummary;
  cache: MatchingCache;
  assignment: Assignment;
}

/**
 * Today's introductions: load → candidates + features → score → assignment → explanations → persist, as one
 * run row (running → completed | failed | cancelled). Returns the cache too so a caller can re-score at once.
 */
export async function runMatchingDetailed(
  db: Db,
  options: RunMatchingOptions,
  progress: ProgressSink,
): Promise<RunMatchingResult> {
  parseRunDate(options.date);
  // A published date is final: another run would give people another partner for a day upstream may have delivered.
  assertNotPublished(db, options.date, `match ${options.date}`);
  const ruleSet = options.ruleSet ? parseRuleSet(options.ruleSet) : activeRuleSet(db).ruleSet;
  const version = ensureRuleSetVersion(db, ruleSet, options.operator);
  const runId = startRun(db, options.date, version, ruleSet, options.operator);
  // Read before the mirror is: an import completing during the run is then seen by completeRun.
  const importsAtLoad = importsCompleted(db);
  try {
    const cache = await MatchingCache.build(
      db,
      {
        date: options.date,
        ruleSet,
        excluded: options.excluded,
        threads: options.threads ?? 2,
      },
      progress,
    );
    const t0 = performance.now();
    const assignment = await cache.rescore(ruleSet);
    const t1 = performance.now();
    progress.report('explain', 0, assignment.userA.length);
    const ids = cache.pool.userIds;
    const introductions: StoredIntroduction[] = [];
    for (let i = 0; i < assignment.userA.length; i++) {
      const a = assignment.userA[i]!;
      const b = assignment.userB[i]!;
      introductions.push({
        userA: ids[a]!,
        userB: ids[b]!,
        score: Math.round(assignment.score[i]! * 100) / 100,
        reasons: introductionReasons(cache.candidates, assignment, i),
        evidence: pairEvidence(cache.pool, a, b),
      });
    }
    progress.throwIfCancelled();
    const t2 = performance.now();
    let candidateUsers = 0;
    for (let u = 0; u < ids.length; u++) if (cache.candidates.out.candCount[u]! > 0) candidateUsers++;
    const summary: MatchRunSummary = {
      runId,
      date: options.date,
      rulesetVersion: version,
      ...assignment.summary,
      candidateUsers,
      accumulatorUpdates: cache.candidates.updates,
      windowTransactions: cache.pool.transactionCount,
      heldByDetection: options.heldByDetection ?? 0,
      phasesMs: { ...cache.phasesMs, scoreAndAssign: Math.round(t1 - t0), explain: Math.round(t2 - t1) },
    };
    const t3 = performance.now();
    completeRun(db, runId, options.date, options.operator, introductions, summary, importsAtLoad);
    summary.phasesMs.persist = Math.round(performance.now() - t3);
    return { summary, cache, assignment };
  } catch (error) {
    failRun(
      db,
      runId,
      error instanceof CancelledError ? 'cancelled' : 'failed',
      error instanceof Error ? error.message : String(error),
    );
    throw error;
  }
}

export async function runMatching(
  db: Db,
  options: RunMatchingOptions,
  progress: ProgressSink,
): Promise<MatchRunSummary> {
  return (await runMatchingDetailed(db, options, progress)).summary;
}
