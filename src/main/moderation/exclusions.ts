import type { Db } from '../db/database';
import { MirrorMemo } from '../db/mirror-state';
import { EXCLUDING_ACTIONS } from '../../shared/domain/moderation';
import type { RuleSet } from '../../shared/domain/ruleset';
import { activeRuleSet } from '../engine/store';
import { EFFECTIVE_DECISIONS, sqlList } from './effective';
import { CALIBRATED_SINCE_VERSION, detectorModel } from './model/model';

/**
 * Who must not be introduced at a moment, and why — the one answer the engine, the what-if and publishing share:
 * the set itself (every excluded account) plus which of them are out only because detection holds them.
 */
export class MatchingExclusions extends Set<string> {
  constructor(
    decided: Iterable<string>,
    /** Accounts held out by detection alone: pending assessment at or above the hold threshold. */
    readonly heldByDetection: ReadonlySet<string>,
    /** Every pending calibrated assessment of an account not already excluded by a decision, with its score. */
    readonly pending: ReadonlyMap<string, number>,
    readonly holdThreshold: number,
  ) {
    super(decided);
    for (const id of heldByDetection) this.add(id);
  }
}

/** The hold threshold a rule set puts in force: its own, else the detector version's recommendation. */
export function holdThresholdOf(ruleSet: Pick<RuleSet, 'holdThreshold'>): number {
  return ruleSet.holdThreshold ?? detectorModel().holdThreshold;
}

/**
 * Accounts excluded by decisions at `atSec`. Each flag of an account (and its decisions made without a flag) is
 * judged on its own: its latest effective decision (undone ones skipped) made at or before `atSec` is a restrict,
 * suspend or hold that has not expired. An account is out while ANY of them is — clearing or escalating one item
 * must not lift a restriction decided on another. A later clear or warn on the same flag lifts it; an escalation
 * does not: it decides nothing, it asks a lead to (as for detection holds, pendingAssessments), so a reviewer's
 * hold stands while the item waits in the escalated queue.
 */
function decidedExclusions(db: Db, atSec: number): Set<string> {
  const rows = db
    .prepare<{ at: number }, { user_id: string }>(
      `WITH eff AS (${EFFECTIVE_DECISIONS} AND d.decided_at <= @at),
            latest AS (SELECT max(id) AS id FROM eff WHERE action <> 'escalate' GROUP BY user_id, coalesce(flag_id, -1))
       SELECT DISTINCT e.user_id FROM latest l JOIN eff e ON e.id = l.id
       WHERE e.action IN ${sqlList(EXCLUDING_ACTIONS)} AND (e.expires_at IS NULL OR e.expires_at > @at)`,
    )
    .all({ at: atSec });
  return new Set(rows.map((r) => r.user_id));
}

/**
 * Open assessments nobody has decided yet at `atSec` (an escalation is not a decision: it asks a lead to make one),
 * scored by a calibrated detector version (earlier versions' scores are not probabilities and never hold anyone).
 */
function pendingAssessments(db: Db, atSec: number): Map<string, number> {
  const rows = db
    .prepare<{ at: number }, { user_id: string; score: number }>(
      `SELECT f.user_id, f.score FROM flags f
       WHERE f.state = 'open' AND f.detector_version >= ${CALIBRATED_SINCE_VERSION}
         AND NOT EXISTS (
           SELECT 1 FROM decisions d
           WHERE d.flag_id = f.id AND d.action NOT IN ('undo', 'escalate') AND d.decided_at <= @at
             AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.reverses = d.id AND u.decided_at <= @at))`,
    )
    .all({ at: atSec });
  return new Map(rows.map((r) => [r.user_id, r.score]));
}

/**
 * Users who must not be introduced at `atSec`: those excluded by a moderation decision, and those held by detection
 * — a pending assessment at or above the hold threshold keeps the account out until a reviewer decides. The
 * threshold is the given rule set's (`holdThresholdOf`), by default the active rule set's. The engine, the what-if
 * and publishing all take this set.
 */
export function matchingExclusions(
  db: Db,
  atSec: number,
  ruleSet: Pick<RuleSet, 'holdThreshold'> = activeRuleSet(db).ruleSet,
): MatchingExclusions {
  const decided = decidedExclusions(db, atSec);
  const threshold = holdThresholdOf(ruleSet);
  const pending = new Map<string, number>();
  const held = new Set<string>();
  for (const [user, score] of pendingAssessments(db, atSec)) {
    if (decided.has(user)) continue;
    pending.set(user, score);
    if (score >= threshold) held.add(user);
  }
  return new MatchingExclusions(decided, held, pending, threshold);
}

/** How many of `pending` a threshold would hold (the what-if's count for a draft). */
export function heldAt(pending: ReadonlyMap<string, number>, threshold: number): number {
  let n = 0;
  for (const score of pending.values()) if (score >= threshold) n++;
  return n;
}

/** One kept answer and the seconds it holds for: [from, until). */
interface KeptExclusions {
  from: number;
  until: number;
  value: MatchingExclusions;
}

const keptPerState = new MirrorMemo<KeptExclusions[]>(1);

/**
 * The first second after `atSec` at which the answer of `matchingExclusions` can change on an unchanged mirror: the
 * next expiry of a decision, or the next decision or undo dated later (another machine's clock may run ahead).
 * Before it, every row the answer reads compares the same way with the time asked at.
 */
function exclusionsChangeAt(db: Db, atSec: number): number {
  const next = db
    .prepare<{ at: number }, number | null>(
      `SELECT min(t) FROM (SELECT min(expires_at) AS t FROM decisions WHERE expires_at > @at
                           UNION ALL SELECT min(decided_at) FROM decisions WHERE decided_at > @at)`,
    )
    .pluck()
    .get({ at: atSec });
  return next ?? Number.POSITIVE_INFINITY;
}

/**
 * `matchingExclusions(db, atSec)` for the active rule set as the queue and item pages ask it — many times a second,
 * each a scan of the open assessments and their decisions. Kept while the mirror is unchanged, for the seconds up to
 * the next expiry or later-dated decision (`exclusionsChangeAt`), so the answer is the one the scan gives at that
 * second. Shared between callers: read it, never change it.
 */
export function currentExclusions(db: Db, atSec: number): MatchingExclusions {
  const kept = keptPerState.get(db, 'intervals', () => []);
  const hit = kept.find((k) => k.from <= atSec && atSec < k.until);
  if (hit) return hit.value;
  const value = matchingExclusions(db, atSec);
  if (kept.length >= 4) kept.shift();
  kept.push({ from: atSec, until: exclusionsChangeAt(db, atSec), value });
  return value;
}
