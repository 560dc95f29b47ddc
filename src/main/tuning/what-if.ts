import type { Db } from '../db/database';
import type { Assignment, ScoreOptions } from '../engine/assignment';
import { MatchingCache } from '../engine/cache';
import type { MatchPool } from '../engine/pool';
import { activeRuleSet } from '../engine/store';
import { holdThresholdOf, matchingExclusions } from '../moderation/exclusions';
import type { RuleSet } from '../../shared/domain/ruleset';
import type { ProgressSink } from '../../shared/progress';
import { AGE_BANDS, HISTOGRAM_BINS, type Versus, type WhatIfView } from '../../shared/contract/tuning';

/** Districts shown by name in the what-if; the rest are summed as "other" so the chart stays readable. */
const TOP_DISTRICTS = 12;
const CHANGED_EXAMPLES = 8;
export const OTHER_DISTRICT = '(other)';
export const UNKNOWN_DISTRICT = '(unknown)';

/** partner[u] = the user index introduced to u, −1 when none. */
export function partnersOf(assignment: Assignment, users: number): Int32Array {
  const partner = new Int32Array(users).fill(-1);
  for (let i = 0; i < assignment.userA.length; i++) {
    partner[assignment.userA[i]!] = assignment.userB[i]!;
    partner[assignment.userB[i]!] = assignment.userA[i]!;
  }
  return partner;
}

/** Introduced pairs per 5-point score bin (bin 19 includes 100). */
export function scoreHistogram(scores: Float64Array): number[] {
  const bins = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (const s of scores) bins[Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor(s / (100 / HISTOGRAM_BINS))))]!++;
  return bins;
}

function versus(keys: readonly string[], draft: readonly number[], active: readonly number[]): Versus[] {
  return keys.map((key, i) => ({ key, draft: draft[i]!, active: active[i]! }));
}

interface Breakdown {
  district: Float64Array;
  unknownDistrict: number;
  ageBand: number[];
  genderPair: number[];
}

function ageBandOf(age: number): number {
  return AGE_BANDS.findIndex((b) => age >= b.min && age <= b.max);
}

/** Introduced users per district and age band, introductions per gender pair (F-F, F-M, M-M). */
function breakdown(pool: MatchPool, assignment: Assignment): Breakdown {
  const district = new Float64Array(pool.districts.length);
  let unknownDistrict = 0;
  const ageBand = new Array<number>(AGE_BANDS.length).fill(0);
  const genderPair = [0, 0, 0];
  const count = (u: number): void => {
    const d = pool.district[u]!;
    if (d >= 0) district[d]!++;
    else unknownDistrict++;
    const band = ageBandOf(pool.age[u]!);
    if (band >= 0) ageBand[band]!++;
  };
  for (let i = 0; i < assignment.userA.length; i++) {
    const a = assignment.userA[i]!;
    const b = assignment.userB[i]!;
    count(a);
    count(b);
    // group = gender * 3 + seeking; gender F = 0, M = 1.
    const males = ((pool.group[a]! / 3) | 0) + ((pool.group[b]! / 3) | 0);
    genderPair[males]!++;
  }
  return { district, unknownDistrict, ageBand, genderPair };
}

function districtVersus(pool: MatchPool, draft: Breakdown, active: Breakdown): Versus[] {
  const order = pool.districts.map((name, d) => ({ name, d, n: draft.district[d]! + active.district[d]! }));
  order.sort((x, y) => y.n - x.n || (x.name < y.name ? -1 : 1));
  const shown = order.slice(0, TOP_DISTRICTS).filter((x) => x.n > 0);
  const rows: Versus[] = shown.map((x) => ({
    key: x.name,
    draft: draft.district[x.d]!,
    active: active.district[x.d]!,
  }));
  let otherDraft = 0;
  let otherActive = 0;
  for (const x of order.slice(TOP_DISTRICTS)) {
    otherDraft += draft.district[x.d]!;
    otherActive += active.district[x.d]!;
  }
  if (otherDraft + otherActive > 0) rows.push({ key: OTHER_DISTRICT, draft: otherDraft, active: otherActive });
  if (draft.unknownDistrict + active.unknownDistrict > 0)
    rows.push({ key: UNKNOWN_DISTRICT, draft: draft.unknownDistrict, active: active.unknownDistrict });
  return rows;
}

export interface ActiveBaseline {
  version: number | null;
  ruleSet: RuleSet;
  assignment: Assignment;
  partner: Int32Array;
  breakdown: Breakdown;
  histogram: number[];
}

/**
 * How a what-if re-scores, the draft and the active rule set alike: without the summary's upper bound, which the
 * tuning page does not show (a run's and a shadow run's summaries keep it), for a third less scoring.
 */
export const WHAT_IF_SCORING: ScoreOptions = { upperBound: false };

/** The active rule set scored once per cache (and again only when the active version changes). */
export async function activeBaseline(
  cache: MatchingCache,
  version: number | null,
  ruleSet: RuleSet,
): Promise<ActiveBaseline> {
  const assignment = await cache.rescore(ruleSet, WHAT_IF_SCORING);
  return {
    version,
    ruleSet,
    assignment,
    partner: partnersOf(assignment, cache.pool.userIds.length),
    breakdown: breakdown(cache.pool, assignment),
    histogram: scoreHistogram(assignment.score),
  };
}

/**
 * The live what-if on the whole population: the engine's re-score of the draft on the cached candidates, compared
 * with the active rule set's assignment on the same cache. No sampling: every user and every cached pair counts.
 */
export async function computeWhatIf(
  cache: MatchingCache,
  draftRuleSet: RuleSet,
  active: ActiveBaseline,
  seq: number,
): Promise<WhatIfView> {
  const t0 = performance.now();
  const draft = await cache.rescore(draftRuleSet, WHAT_IF_SCORING);
  const t1 = performance.now();
  const pool = cache.pool;
  const n = pool.userIds.length;
  const draftPartner = partnersOf(draft, n);
  let changedUsers = 0;
  let gainedUsers = 0;
  let lostUsers = 0;
  const examples: WhatIfView['changedExamples'] = [];
  for (let u = 0; u < n; u++) {
    const before = active.partner[u]!;
    const after = draftPartner[u]!;
    if (before === after) continue;
    changedUsers++;
    if (before < 0) gainedUsers++;
    else if (after < 0) lostUsers++;
    if (examples.length < CHANGED_EXAMPLES) {
      examples.push({
        userId: pool.userIds[u]!,
        activePartner: before < 0 ? null : pool.userIds[before]!,
        draftPartner: after < 0 ? null : pool.userIds[after]!,
      });
    }
  }
  const draftBreakdown = breakdown(pool, draft);
  const rebuildNeeded: WhatIfView['rebuildNeeded'] = [];
  if (draftRuleSet.windowDays !== cache.ruleSet.windowDays) rebuildNeeded.push('windowDays');
  if (draftRuleSet.topK !== cache.ruleSet.topK) rebuildNeeded.push('topK');
  // Who is in the pool decides the rarity weights and the top-K lists; the preview only narrows the cached pool.
  if (
    draftRuleSet.ageRange.min !== cache.ruleSet.ageRange.min ||
    draftRuleSet.ageRange.max !== cache.ruleSet.ageRange.max
  )
    rebuildNeeded.push('ageRange');
  if (draftRuleSet.requireRealName !== cache.ruleSet.requireRealName) rebuildNeeded.push('requireRealName');
  // A higher hold threshold lets held accounts back in, but they were never loaded into the cached pool.
  if (holdThresholdOf(draftRuleSet) > cache.holdThreshold) rebuildNeeded.push('holdThreshold');
  const binKeys = Array.from({ length: HISTOGRAM_BINS }, (_, i) => String((i * 100) / HISTOGRAM_BINS));
  return {
    date: cache.date,
    seq,
    poolUsers: n,
    rebuildNeeded,
    newlyEligible: cache.newlyEligible,
    mirrorUpdated: cache.mirrorUpdated,
    draft: draft.summary,
    active: active.assignment.summary,
    activeVersion: active.version,
    histogram: versus(binKeys, scoreHistogram(draft.score), active.histogram),
    byDistrict: districtVersus(pool, draftBreakdown, active.breakdown),
    byAgeBand: versus(
      AGE_BANDS.map((b) => b.id),
      draftBreakdown.ageBand,
      active.breakdown.ageBand,
    ),
    byGenderPair: versus(['F-F', 'F-M', 'M-M'], draftBreakdown.genderPair, active.breakdown.genderPair),
    heldByDetection: {
      draft: cache.heldByDetection(draftRuleSet),
      active: cache.heldByDetection(active.ruleSet),
      draftThreshold: holdThresholdOf(draftRuleSet),
      activeThreshold: holdThresholdOf(active.ruleSet),
      recommended: holdThresholdOf({}),
    },
    changedUsers,
    gainedUsers,
    lostUsers,
    changedExamples: examples,
    computeMs: Math.round((performance.now() - t0) * 10) / 10,
    rescoreMs: Math.round((t1 - t0) * 10) / 10,
  };
}

/**
 * The what-if cache for a date: candidates built with the active rule set and eligibility as of now. The tuning
 * worker and `whatIfOnMirror` both build it here, so the page and the CLI compare against the same thing.
 */
export async function buildWhatIfCache(
  db: Db,
  date: string,
  threads: number,
  progress: ProgressSink,
): Promise<{ cache: MatchingCache; active: ReturnType<typeof activeRuleSet> }> {
  const active = activeRuleSet(db);
  const excluded = matchingExclusions(db, Math.floor(Date.now() / 1000), active.ruleSet);
  const cache = await MatchingCache.build(db, { date, ruleSet: active.ruleSet, excluded, threads }, progress);
  if (threads > 1) cache.startRescoreHelper();
  return { cache, active };
}

/** The Matching rules page's what-if in one call, for scripts and the CLI: the draft against the active assignment. */
export async function whatIfOnMirror(
  db: Db,
  date: string,
  draft: RuleSet,
  threads: number,
  progress: ProgressSink,
): Promise<WhatIfView> {
  const { cache, active } = await buildWhatIfCache(db, date, threads, progress);
  try {
    return await computeWhatIf(cache, draft, await activeBaseline(cache, active.version, active.ruleSet), 0);
  } finally {
    await cache.close();
  }
}
