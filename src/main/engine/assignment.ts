import { FEATURE_NAMES, REASON_CODES, type RuleSet } from '../../shared/domain/ruleset';
import type { CandidatePairs, CandidateSet } from './candidates';
import { FEATURE_COUNT } from './kernel';
import { sharedFloat64, sharedInt32, sharedUint8 } from './shared-arrays';
import {
  COARSE,
  ENTRY,
  type FeatureArray,
  FINE,
  FINE_BITS,
  ScoredShare,
  type ScoreJob,
  type ShareArrays,
  collectRest,
  pairValues,
  scoreShare,
  type ShareHelper,
  stepWeightsOf,
  type ValuesJob,
} from './score-share';

/** Figures of one scoring + assignment pass. */
export interface AssignmentSummary {
  /** Users in the pool (after today's eligibility and the rule set's thresholds). */
  eligibleUsers: number;
  /** Candidate pair entries that passed every threshold. */
  qualifyingCandidates: number;
  introductions: number;
  /** Σ of introduced pairs' matching values (0–100 each). */
  totalScore: number;
  /**
   * Σ over users of their best qualifying candidate's value, halved: no assignment can beat it. Null when the
   * re-score was asked not to keep the bests (a what-if: ScoreOptions).
   */
  upperBound: number | null;
  /** totalScore / upperBound (1 when there is nothing to assign; null with upperBound). */
  boundRatio: number | null;
  /** Share of eligible users who got an introduction today. */
  matchedShare: number;
  meanScore: number;
}

export interface Assignment {
  /** Introduced pairs as user indexes, a < b. */
  userA: Int32Array;
  userB: Int32Array;
  score: Float64Array;
  /** The compacted pair of each introduction (its features: see introductionReasons). */
  pair: Int32Array;
  /** The normalised weights the values were computed with. */
  weights: Float64Array;
  summary: AssignmentSummary;
}

/** Below this many live entries a coarse bucket is insertion-sorted instead of counted (1024 counters cost more). */
const SMALL_BUCKET = 48;

/**
 * What re-scoring a candidate set takes from its scoring memory: a key and room for an entry per pair (each share
 * has its part of each: one share or two, the same arrays cut differently), the introduced users' marks, and each
 * share's own arrays. Taken once per candidate set, however many AssignmentBuffers re-score it (the memory gives
 * nothing back, so taking them per call would fill it); so two re-scores of one candidate set must not overlap —
 * the cache's take turns (MatchingCache.rescore).
 */
interface RescoreArrays {
  keys: Int32Array;
  entries: Int32Array;
  matched: Uint8Array;
  shares: ShareArrays[];
}
const rescoreArrays = new WeakMap<CandidatePairs['memory'], RescoreArrays>();

/** The bytes rescoreArraysOf takes for `pairs` pairs and `users` users (with each array's start on a cache line). */
export function rescoreBytes(pairs: number, users: number): number {
  const arrays = 3 + 2 * 3;
  return pairs * (4 + ENTRY * 4) + users + 2 * (users * (8 + 1) + (COARSE + 1) * 4) + arrays * 64;
}

function rescoreArraysOf(pairs: CandidatePairs, users: number): RescoreArrays {
  const { memory, count } = pairs;
  let arrays = rescoreArrays.get(memory);
  // The pool's users and the pairs are fixed for a candidate set: these sizes never change for one memory.
  if (!arrays || arrays.keys.length < count || arrays.matched.length < users) {
    // The kernel is given offsets into the memory: the pairs' arrays must be in it (the ones below are).
    const { userA, userB, sharedPlaces, features, rowStart } = pairs;
    if (![userA, userB, sharedPlaces, features, rowStart].every((array) => memory.owns(array)))
      throw new Error('re-score: the candidate pairs are not in their scoring memory (candidates.ts allocatePairs)');
    arrays = {
      keys: memory.int32(count),
      entries: memory.int32(count * ENTRY),
      matched: memory.uint8(users),
      shares: [0, 1].map(() => ({
        bucketEnd: memory.int32(COARSE + 1),
        best: memory.float64(users),
        level: memory.uint8(users),
      })),
    };
    rescoreArrays.set(memory, arrays);
  }
  return arrays;
}

/** Reusable buffers so re-scoring the whole population allocates nothing large per call. */
export class AssignmentBuffers {
  readonly shares = [new ScoredShare(), new ScoredShare()];
  /** The eligibility mask in shared memory, for a helper thread. */
  eligible = sharedUint8(0);
  fineCounts = new Int32Array(FINE + 1);
  /** One bucket's survivors (same layout as a share's entries), then, for a large bucket, in fine-key order. */
  live = new Int32Array(0);
  sorted = new Int32Array(0);
  /**
   * Users introduced so far, in the scoring memory: the kernel reads it as it collects a share's rest (the helper
   * thread its share's, meanwhile).
   */
  matched = sharedUint8(0);
  /** The shares' survivors past the cut (collectRest), grouped by coarse bucket. */
  rest = new Int32Array(0);
  restEnd = new Int32Array(COARSE + 1);
  /** The introductions' pairs and values, in shared memory: the helper thread computes part of the values. */
  introduced = sharedInt32(0);
  values = sharedFloat64(0);

  /** `live` and `sorted` with room for `entries` entries. */
  liveRoom(entries: number): Int32Array {
    if (this.live.length < entries * ENTRY) {
      this.live = new Int32Array(entries * ENTRY);
      this.sorted = new Int32Array(entries * ENTRY);
    }
    return this.live;
  }

  restRoom(entries: number): Int32Array {
    if (this.rest.length < entries * ENTRY) this.rest = new Int32Array(entries * ENTRY);
    return this.rest;
  }

  /**
   * The shares placed on rows [0, split) and [split, end) of `pairs` (or all of them, with one share), over the
   * candidate set's re-score arrays (rescoreArraysOf), for `users` users.
   */
  placeShares(pairs: CandidatePairs, users: number, bounds: number[]): void {
    const arrays = rescoreArraysOf(pairs, users);
    this.matched = arrays.matched;
    for (let k = 0; k + 1 < bounds.length; k++) {
      const first = pairs.rowStart[bounds[k]!]!;
      const end = pairs.rowStart[bounds[k + 1]!]!;
      this.shares[k]!.place(
        arrays.keys.subarray(first, end),
        arrays.entries.subarray(first * ENTRY, end * ENTRY),
        arrays.shares[k]!,
      );
    }
  }

  /** `introduced` and `values` with room for `introductions`. */
  introductionRoom(introductions: number): void {
    if (this.introduced.length < introductions) {
      this.introduced = sharedInt32(introductions);
      this.values = sharedFloat64(introductions);
    }
  }
}

/**
 * `upperBound: false` skips the summary's upper bound (and boundRatio): a what-if's re-score, whose page shows
 * neither, and whose scoring pass is a third cheaper without keeping every user's best value (ScoreJob.bests).
 */
export interface ScoreOptions {
  upperBound?: boolean;
}

export function normalisedWeights(ruleSet: RuleSet): Float64Array {
  const w = new Float64Array(FEATURE_COUNT);
  let total = 0;
  FEATURE_NAMES.forEach((name, k) => {
    w[k] = ruleSet.weights[name];
    total += w[k]!;
  });
  for (let k = 0; k < FEATURE_COUNT; k++) w[k] = total > 0 ? w[k]! / total : 0;
  return w;
}

/**
 * Scores every cached candidate entry and assigns greedily by descending value: at most one introduction per
 * user, only between users both `eligible` now, above the rule set's minimum value and shared-place count.
 * Pair rules (gender both ways, blocks, history) were enforced when the candidates were generated.
 *
 * Exactly the greedy over a stable sort of all qualifying entries by quantised value, done cheaper: the best
 * entries (an eighth, see GROUPED_SHARE) are grouped by the coarse half of their key (one counting pass per share),
 * then each coarse bucket, best first, drops the entries whose users were already introduced by better buckets and
 * only the survivors are ordered by the fine half. The rest is read once after those buckets: only the entries
 * whose users are both still free are grouped and taken the same way — most are dead by then, so they are never
 * grouped nor sorted. Dropping a dead entry early changes nothing (an introduced user stays introduced). With two
 * shares (split by rows, so the first share's pairs all come before the second's) a bucket's entries are the first
 * share's then the second's: the same stable order as one share; the greedy takes the grouped buckets up to the
 * earlier of the shares' two cuts.
 * The introductions' values (pairValue) come last, once the greedy is done. Reason codes are not derived here (a
 * what-if never shows them): introductionReasons gives them for a run.
 *
 * `helper` scores the second share, later collects its rest, then computes half the introductions' values, on
 * another thread meanwhile; without one, `shares` (1 or 2) are done here in turn (two only to test the split itself).
 */
export async function scoreAndAssignWith(
  candidates: CandidateSet,
  eligible: Uint8Array,
  ruleSet: RuleSet,
  buffers: AssignmentBuffers,
  helper: ShareHelper,
  options: ScoreOptions = {},
): Promise<Assignment> {
  const w = normalisedWeights(ruleSet);
  const jobs = scoreJobs(candidates, eligible, ruleSet, w, buffers, 2, options);
  const [mine, theirs] = buffers.shares;
  await withHelper(helper.score(jobs[1]!, theirs!), () => scoreShare(jobs[0]!, mine!));
  const greedy = takeGrouped(jobs, buffers);
  const cutKey = greedy.cut << FINE_BITS;
  await withHelper(helper.rest(jobs[1]!, theirs!, cutKey, buffers.matched), () =>
    collectRest(jobs[0]!, mine!, cutKey, buffers.matched),
  );
  takeRest(jobs, buffers, greedy);
  const half = greedy.count >> 1;
  await withHelper(helper.values(valuesJob(jobs[0]!, greedy, half, greedy.count)), () =>
    pairValues(valuesJob(jobs[0]!, greedy, 0, half)),
  );
  return summarise(jobs, buffers, w, greedy);
}

/**
 * The helper thread failed (it stopped, or its part threw), not the re-score: the caller may go on without it
 * (MatchingCache does, on one thread). Any other error is the re-score's own, the same on one thread.
 */
export class HelperFailure extends Error {}

/**
 * Runs `mine` here while the helper does its part. Whatever `mine` throws, the helper is done with the buffers
 * before it is rethrown — this thread's error, not the helper's, when both fail.
 */
async function withHelper(theirs: Promise<void>, mine: () => void): Promise<void> {
  try {
    mine();
  } catch (error) {
    await theirs.catch(() => undefined);
    throw error;
  }
  await theirs.catch((error: unknown) => {
    throw new HelperFailure(error instanceof Error ? error.message : String(error), { cause: error });
  });
}

export function scoreAndAssign(
  candidates: CandidateSet,
  eligible: Uint8Array,
  ruleSet: RuleSet,
  buffers: AssignmentBuffers = new AssignmentBuffers(),
  shares: 1 | 2 = 1,
  options: ScoreOptions = {},
): Assignment {
  const w = normalisedWeights(ruleSet);
  const jobs = scoreJobs(candidates, eligible, ruleSet, w, buffers, shares, options);
  jobs.forEach((job, k) => scoreShare(job, buffers.shares[k]!));
  const greedy = takeGrouped(jobs, buffers);
  jobs.forEach((job, k) => collectRest(job, buffers.shares[k]!, greedy.cut << FINE_BITS, buffers.matched));
  takeRest(jobs, buffers, greedy);
  pairValues(valuesJob(jobs[0]!, greedy, 0, greedy.count));
  return summarise(jobs, buffers, w, greedy);
}

/** The shares' jobs, split by rows at half the pairs, with their buffers sized (before any thread writes them). */
function scoreJobs(
  candidates: CandidateSet,
  eligible: Uint8Array,
  ruleSet: RuleSet,
  w: Float64Array,
  buffers: AssignmentBuffers,
  shares: 1 | 2,
  options: ScoreOptions,
): ScoreJob[] {
  // The mask as the shares read it: one entry per pool user (the candidate arrays keep at least one slot, even for
  // an empty pool), users past the caller's mask ineligible — else they would read as eligible and could be taken
  // twice. In shared memory, for the helper thread.
  const n = candidates.out.candCount.length;
  if (buffers.eligible.length < n) buffers.eligible = sharedUint8(n);
  const mask = buffers.eligible.subarray(0, n);
  mask.set(eligible.subarray(0, n));
  mask.fill(0, Math.min(n, eligible.length));
  const { userA, userB, sharedPlaces, features, rowStart } = candidates.pairs;
  const rowCount = rowStart.length - 1;
  let split = rowCount;
  if (shares === 2) {
    // The first row whose pairs start at or past half of all pairs.
    let lo = 0;
    let hi = rowCount;
    const half = rowStart[rowCount]! >> 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rowStart[mid]! < half) lo = mid + 1;
      else hi = mid;
    }
    split = lo;
  }
  const bounds = shares === 2 ? [0, split, rowCount] : [0, rowCount];
  const stepWeights = stepWeightsOf(w);
  const { memory } = candidates.pairs;
  buffers.placeShares(candidates.pairs, n, bounds);
  return bounds.slice(1).map((rowEnd, k) => {
    const rowFirst = bounds[k]!;
    return {
      memory: memory.memory,
      userA,
      userB,
      sharedPlaces,
      features,
      rowStart,
      eligible: mask,
      users: n,
      stepWeights,
      minScore: ruleSet.minScore,
      minShared: ruleSet.minSharedPlaces,
      bests: options.upperBound !== false,
      rowFirst,
      rowEnd,
    };
  });
}

/**
 * The greedy's introductions so far: each one's pair (in shared memory, for the values) and users, as taken;
 * `matched` marks their users; `value` is filled once the greedy is done (pairValues).
 */
class Greedy {
  readonly pair: Int32Array;
  readonly value: Float64Array;
  readonly userA: Int32Array;
  readonly userB: Int32Array;
  readonly matched: Uint8Array;
  count = 0;
  constructor(
    users: number,
    buffers: AssignmentBuffers,
    /** The first coarse bucket some share did not group. */
    readonly cut: number,
  ) {
    const most = Math.max(1, users >> 1);
    buffers.introductionRoom(most);
    this.pair = buffers.introduced;
    this.value = buffers.values;
    this.userA = new Int32Array(most);
    this.userB = new Int32Array(most);
    this.matched = buffers.matched;
  }
  readonly take = (pair: number, u: number, v: number): void => {
    const matched = this.matched;
    if (matched[u] === 1 || matched[v] === 1) return;
    matched[u] = 1;
    matched[v] = 1;
    this.pair[this.count] = pair;
    this.userA[this.count] = Math.min(u, v);
    this.userB[this.count] = Math.max(u, v);
    this.count++;
  };
}

/**
 * 3. The greedy over the buckets every share grouped, best first: a bucket's entries are the first share's, then
 * the second's.
 */
function takeGrouped(jobs: ScoreJob[], buffers: AssignmentBuffers): Greedy {
  const n = jobs[0]!.users;
  const shares = buffers.shares.slice(0, jobs.length);
  const matched = buffers.matched;
  matched.fill(0, 0, n);
  let cut = COARSE;
  for (const share of shares) cut = Math.min(cut, share.figures[1]!);
  const greedy = new Greedy(n, buffers, cut);
  const starts = (share: ScoredShare, c: number): number => (c === 0 ? 0 : share.bucketEnd[c - 1]!);
  for (let c = 0; c < cut; c++) {
    let size = 0;
    for (const share of shares) size += share.bucketEnd[c]! - starts(share, c);
    const live = buffers.liveRoom(size);
    let w8 = 0;
    for (const share of shares) w8 = appendLive(share.bucket, starts(share, c), share.bucketEnd[c]!, matched, live, w8);
    settleBucket(buffers, w8 / ENTRY, greedy.take);
  }
  return greedy;
}

/**
 * 4. The rest (every share's survivors past the cut, collectRest), grouped by coarse bucket — stable: share then
 * pair order — and taken the same way.
 */
function takeRest(jobs: ScoreJob[], buffers: AssignmentBuffers, greedy: Greedy): void {
  const shares = buffers.shares.slice(0, jobs.length);
  const { matched, cut } = greedy;
  const restEnd = buffers.restEnd;
  restEnd.fill(0);
  let survivors = 0;
  for (const share of shares) {
    const found = share.figures[2]! * ENTRY;
    survivors += share.figures[2]!;
    for (let e = 0; e < found; e += ENTRY) restEnd[(share.bucket[e + 3]! >> FINE_BITS) + 1]!++;
  }
  for (let c = 0; c < COARSE; c++) restEnd[c + 1]! += restEnd[c]!;
  const rest = buffers.restRoom(survivors);
  for (const share of shares) {
    const { bucket } = share;
    const found = share.figures[2]! * ENTRY;
    for (let e = 0; e < found; e += ENTRY) {
      const key = bucket[e + 3]!;
      const at = restEnd[key >> FINE_BITS]!++ * ENTRY;
      rest[at] = bucket[e]!;
      rest[at + 1] = bucket[e + 1]!;
      rest[at + 2] = bucket[e + 2]!;
      rest[at + 3] = key & (FINE - 1);
    }
  }
  // restEnd[c] is now the end of bucket c.
  for (let c = cut; c < COARSE; c++) {
    const from = c === cut ? 0 : restEnd[c - 1]!;
    const live = buffers.liveRoom(restEnd[c]! - from);
    const w8 = appendLive(rest, from, restEnd[c]!, matched, live, 0);
    settleBucket(buffers, w8 / ENTRY, greedy.take);
  }
}

/**
 * The values of introductions [from, to) (pairValues), from the features and step weights the scoring job read, so
 * each value is the one its pair was ranked by. The compacted pair's features are a copy of its slot's, so its value
 * equals the slot's.
 */
function valuesJob(scored: ScoreJob, greedy: Greedy, from: number, to: number): ValuesJob {
  const { pair: pairs, value: values } = greedy;
  return { features: scored.features, stepWeights: scored.stepWeights, pairs, values, from, to };
}

/** 5. The assignment: the greedy's introductions with their values, and the summary. */
function summarise(jobs: ScoreJob[], buffers: AssignmentBuffers, w: Float64Array, greedy: Greedy): Assignment {
  const n = jobs[0]!.users;
  const eligible = jobs[0]!.eligible;
  const shares = buffers.shares.slice(0, jobs.length);
  let eligibleUsers = 0;
  for (let u = 0; u < n; u++) eligibleUsers += eligible[u]!;
  let entries = 0;
  for (const share of shares) entries += share.figures[0]!;
  const { count, pair: resultPair, userA: resultA, userB: resultB, value } = greedy;
  let upper: number | null = null;
  if (jobs[0]!.bests) {
    upper = 0;
    for (let u = 0; u < n; u++) {
      let best = shares[0]!.best[u]!;
      for (let k = 1; k < shares.length; k++) best = Math.max(best, shares[k]!.best[u]!);
      if (best > 0) upper += best;
    }
    upper /= 2;
  }
  let total = 0;
  for (let k = 0; k < count; k++) total += value[k]!;
  return {
    userA: resultA.slice(0, count),
    userB: resultB.slice(0, count),
    score: value.slice(0, count),
    pair: resultPair.slice(0, count),
    weights: w,
    summary: {
      eligibleUsers,
      qualifyingCandidates: entries,
      introductions: count,
      totalScore: round2(total),
      upperBound: upper === null ? null : round2(upper),
      boundRatio: upper === null ? null : upper > 0 ? round4(total / upper) : 1,
      matchedShare: eligibleUsers > 0 ? round4((2 * count) / eligibleUsers) : 0,
      meanScore: count > 0 ? round2(total / count) : 0,
    },
  };
}

/** Appends the entries [from, to) of `bucket` whose users are both free to `live` (from int w8); returns its end. */
function appendLive(
  bucket: Int32Array,
  from: number,
  to: number,
  matched: Uint8Array,
  live: Int32Array,
  w8: number,
): number {
  for (let e = from * ENTRY; e < to * ENTRY; e += ENTRY) {
    if (matched[bucket[e + 1]!] === 1 || matched[bucket[e + 2]!] === 1) continue;
    live[w8] = bucket[e]!;
    live[w8 + 1] = bucket[e + 1]!;
    live[w8 + 2] = bucket[e + 2]!;
    live[w8 + 3] = bucket[e + 3]!;
    w8 += ENTRY;
  }
  return w8;
}

/** Takes one coarse bucket's live entries (in buffers.live) in fine-key order, stable. */
function settleBucket(
  buffers: AssignmentBuffers,
  live: number,
  take: (pair: number, u: number, v: number) => void,
): void {
  const { live: liveBuf, sorted, fineCounts } = buffers;
  const w8 = live * ENTRY;
  if (live === 0) return;
  if (live <= SMALL_BUCKET) {
    // Stable insertion sort by fine key, in place.
    for (let i = 1; i < live; i++) {
      const at = i * ENTRY;
      const p = liveBuf[at]!;
      const u = liveBuf[at + 1]!;
      const v = liveBuf[at + 2]!;
      const k = liveBuf[at + 3]!;
      let j = i - 1;
      while (j >= 0 && liveBuf[j * ENTRY + 3]! > k) j--;
      if (j === i - 1) continue;
      const to = (j + 1) * ENTRY;
      liveBuf.copyWithin(to + ENTRY, to, at);
      liveBuf[to] = p;
      liveBuf[to + 1] = u;
      liveBuf[to + 2] = v;
      liveBuf[to + 3] = k;
    }
    for (let e = 0; e < w8; e += ENTRY) take(liveBuf[e]!, liveBuf[e + 1]!, liveBuf[e + 2]!);
  } else {
    // Stable counting sort of the survivors by fine key: one counting pass, one scatter pass.
    fineCounts.fill(0);
    for (let e = 0; e < w8; e += ENTRY) fineCounts[liveBuf[e + 3]! + 1]!++;
    for (let r = 0; r < FINE; r++) fineCounts[r + 1]! += fineCounts[r]!;
    for (let e = 0; e < w8; e += ENTRY) {
      const at = fineCounts[liveBuf[e + 3]!]!++ * ENTRY;
      sorted[at] = liveBuf[e]!;
      sorted[at + 1] = liveBuf[e + 1]!;
      sorted[at + 2] = liveBuf[e + 2]!;
    }
    for (let e = 0; e < w8; e += ENTRY) take(sorted[e]!, sorted[e + 1]!, sorted[e + 2]!);
  }
}

/** Up to three reason codes of introduction k, strongest contribution first. */
export function introductionReasons(candidates: CandidateSet, assignment: Assignment, k: number): string[] {
  return reasonCodes(candidates.pairs.features, assignment.pair[k]!, assignment.weights);
}

const FEATURE_REASON_CODES: readonly string[] = FEATURE_NAMES.map((name) => REASON_CODES[name]);

/** Arrays of reason codes by selection code (see reasonCodes), built on first use and copied out. */
const REASON_LISTS = new Map<number, readonly string[]>();

/** The three features that contributed most to a pair's value (and contributed at all). */
export function reasonCodes(features: FeatureArray, slot: number, w: Float64Array): string[] {
  const f = slot * FEATURE_COUNT;
  let taken = 0; // bit mask of features already chosen
  let code = 0; // chosen feature indexes + 1, base 16, strongest first
  for (let r = 0; r < 3; r++) {
    let bestK = -1;
    let bestC = 0;
    for (let k = 0; k < FEATURE_COUNT; k++) {
      const c = w[k]! * features[f + k]!;
      if (!(taken & (1 << k)) && c > bestC) {
        bestC = c;
        bestK = k;
      }
    }
    if (bestK < 0) break;
    taken |= 1 << bestK;
    code = code * 16 + bestK + 1;
  }
  let list = REASON_LISTS.get(code);
  if (!list) {
    const codes: string[] = [];
    for (let c = code; c > 0; c = Math.floor(c / 16)) codes.unshift(FEATURE_REASON_CODES[(c % 16) - 1]!);
    list = codes;
    REASON_LISTS.set(code, list);
  }
  // A copy: callers own their arrays.
  return list.slice();
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
