import { FEATURE_NAMES, REASON_CODES, type RuleSet } from '../../shared/domain/ruleset';
import type { CandidateSet } from './candidates';
import { FEATURE_COUNT } from './kernel';
import { sharedUint8 } from './shared-arrays';
import {
  COARSE,
  ENTRY,
  FINE,
  FINE_BITS,
  ScoredShare,
  type ScoreJob,
  scoreShare,
  type ShareRunner,
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
  /** Σ over users of their best qualifying candidate's value, halved: no assignment can beat it. */
  upperBound: number;
  /** totalScore / upperBound (1 when there is nothing to assign). */
  boundRatio: number;
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

/** Reusable buffers so re-scoring the whole population allocates nothing large per call. */
export class AssignmentBuffers {
  readonly shares = [new ScoredShare(), new ScoredShare()];
  /** The eligibility mask in shared memory, for a helper thread. */
  eligible = sharedUint8(0);
  fineCounts = new Int32Array(FINE + 1);
  /** One bucket's survivors (same layout as a share's entries), then, for a large bucket, in fine-key order. */
  live = new Int32Array(0);
  sorted = new Int32Array(0);
  matched = new Uint8Array(0);
  /** The entries past the shares' cut still alive when the greedy gets there: pair and key, then grouped. */
  found = new Int32Array(0);
  rest = new Int32Array(0);
  restEnd = new Int32Array(COARSE + 1);

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
}

/** The value users see: 100 × Σ weight × feature / Σ weights. */
export function scoreOfSlot(features: Float32Array, slot: number, normalisedWeights: Float64Array): number {
  let s = 0;
  const f = slot * FEATURE_COUNT;
  for (let k = 0; k < FEATURE_COUNT; k++) s += normalisedWeights[k]! * features[f + k]!;
  return 100 * s;
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
 * Reason codes are not derived here (a what-if never shows them): introductionReasons gives them for a run.
 *
 * `helper` scores the second share on another thread meanwhile; without one, `shares` (1 or 2) are scored here in
 * turn (two only to test the split itself).
 */
export async function scoreAndAssignWith(
  candidates: CandidateSet,
  eligible: Uint8Array,
  ruleSet: RuleSet,
  buffers: AssignmentBuffers,
  helper: ShareRunner,
): Promise<Assignment> {
  const w = normalisedWeights(ruleSet);
  const jobs = scoreJobs(candidates, eligible, ruleSet, w, buffers, 2);
  const theirs = helper(jobs[1]!, buffers.shares[1]!);
  // Whatever this share throws, the helper must be done with the buffers before anyone reuses them.
  try {
    scoreShare(jobs[0]!, buffers.shares[0]!);
  } finally {
    await theirs;
  }
  return assignScored(candidates, jobs, buffers, w);
}

export function scoreAndAssign(
  candidates: CandidateSet,
  eligible: Uint8Array,
  ruleSet: RuleSet,
  buffers: AssignmentBuffers = new AssignmentBuffers(),
  shares: 1 | 2 = 1,
): Assignment {
  const w = normalisedWeights(ruleSet);
  const jobs = scoreJobs(candidates, eligible, ruleSet, w, buffers, shares);
  jobs.forEach((job, k) => scoreShare(job, buffers.shares[k]!));
  return assignScored(candidates, jobs, buffers, w);
}

/** The shares' jobs, split by rows at half the pairs, with their buffers sized (before any thread writes them). */
function scoreJobs(
  candidates: CandidateSet,
  eligible: Uint8Array,
  ruleSet: RuleSet,
  w: Float64Array,
  buffers: AssignmentBuffers,
  shares: 1 | 2,
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
  const weights100 = w.map((x) => x * 100);
  return bounds.slice(1).map((rowEnd, k) => {
    const rowFirst = bounds[k]!;
    buffers.shares[k]!.ensure(rowStart[rowEnd]! - rowStart[rowFirst]!, n);
    return {
      userA,
      userB,
      sharedPlaces,
      features,
      rowStart,
      eligible: mask,
      users: n,
      weights100,
      minScore: ruleSet.minScore,
      minShared: ruleSet.minSharedPlaces,
      rowFirst,
      rowEnd,
    };
  });
}

/** The greedy over the scored shares, then the introductions' values and the summary. */
function assignScored(
  candidates: CandidateSet,
  jobs: ScoreJob[],
  buffers: AssignmentBuffers,
  w: Float64Array,
): Assignment {
  const n = jobs[0]!.users;
  const eligible = jobs[0]!.eligible;
  const shares = buffers.shares.slice(0, jobs.length);
  if (buffers.matched.length < n) buffers.matched = new Uint8Array(n);
  const matched = buffers.matched;
  matched.fill(0, 0, n);
  let eligibleUsers = 0;
  for (let u = 0; u < n; u++) eligibleUsers += eligible[u]!;
  let entries = 0;
  for (const share of shares) entries += share.figures[0]!;

  // Each introduction's pair and users, as taken.
  const resultPair = new Int32Array(Math.max(1, n >> 1));
  const resultA = new Int32Array(resultPair.length);
  const resultB = new Int32Array(resultPair.length);
  let count = 0;
  const take = (pair: number, u: number, v: number): void => {
    if (matched[u] === 1 || matched[v] === 1) return;
    matched[u] = 1;
    matched[v] = 1;
    resultPair[count] = pair;
    resultA[count] = Math.min(u, v);
    resultB[count] = Math.max(u, v);
    count++;
  };

  // 3. Greedy over the buckets every share grouped, best first: a bucket's entries are the first share's, then the
  // second's.
  let cut = COARSE;
  for (const share of shares) cut = Math.min(cut, share.figures[1]!);
  const starts = (share: ScoredShare, c: number): number => (c === 0 ? 0 : share.bucketEnd[c - 1]!);
  for (let c = 0; c < cut; c++) {
    let size = 0;
    for (const share of shares) size += share.bucketEnd[c]! - starts(share, c);
    const live = buffers.liveRoom(size);
    let w8 = 0;
    for (const share of shares) w8 = appendLive(share.bucket, starts(share, c), share.bucketEnd[c]!, matched, live, w8);
    settleBucket(buffers, w8 / ENTRY, take);
  }

  // 4. The rest: the entries past the cut whose users are both still free, in share then pair order, grouped by
  // coarse bucket (stable) and taken the same way.
  const rest = collectRest(candidates, jobs, shares, cut << FINE_BITS, matched, buffers);
  const restEnd = buffers.restEnd;
  for (let c = cut; c < COARSE; c++) {
    const from = c === cut ? 0 : restEnd[c - 1]!;
    const live = buffers.liveRoom(restEnd[c]! - from);
    const w8 = appendLive(rest, from, restEnd[c]!, matched, live, 0);
    settleBucket(buffers, w8 / ENTRY, take);
  }

  let upper = 0;
  for (let u = 0; u < n; u++) {
    let best = shares[0]!.best[u]!;
    for (let k = 1; k < shares.length; k++) best = Math.max(best, shares[k]!.best[u]!);
    if (best > 0) upper += best;
  }
  upper /= 2;
  const features = candidates.pairs.features;
  const resultScore = new Float64Array(count);
  let total = 0;
  for (let k = 0; k < count; k++) {
    // The compacted pair's features are a copy of its slot's, so its value equals the slot's.
    const score = scoreOfSlot(features, resultPair[k]!, w);
    resultScore[k] = score;
    total += score;
  }
  return {
    userA: resultA.slice(0, count),
    userB: resultB.slice(0, count),
    score: resultScore,
    pair: resultPair.slice(0, count),
    weights: w,
    summary: {
      eligibleUsers,
      qualifyingCandidates: entries,
      introductions: count,
      totalScore: round2(total),
      upperBound: round2(upper),
      boundRatio: upper > 0 ? round4(total / upper) : 1,
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

/**
 * The qualifying entries at or past `cutKey` whose users are both free now, grouped by coarse bucket in
 * buffers.rest (stable: share then pair order inside a bucket; buffers.restEnd[c] = where bucket c ends). A row
 * whose user a is already introduced is skipped whole.
 */
function collectRest(
  candidates: CandidateSet,
  jobs: ScoreJob[],
  shares: ScoredShare[],
  cutKey: number,
  matched: Uint8Array,
  buffers: AssignmentBuffers,
): Int32Array {
  const { userA, userB, rowStart } = candidates.pairs;
  const counts = buffers.restEnd;
  counts.fill(0);
  let found = buffers.found;
  let f3 = 0;
  jobs.forEach((job, k) => {
    const pairKey = shares[k]!.pairKey;
    const firstPair = rowStart[job.rowFirst]!;
    for (let r = job.rowFirst; r < job.rowEnd; r++) {
      const first = rowStart[r]!;
      const end = rowStart[r + 1]!;
      if (first === end || matched[userA[first]!] === 1) continue;
      for (let i = first; i < end; i++) {
        const key = pairKey[i - firstPair]!;
        if (key < cutKey || matched[userB[i]!] === 1) continue;
        if (f3 + 2 > found.length) {
          const grown = new Int32Array(Math.max(1024, found.length * 2));
          grown.set(found);
          found = grown;
        }
        found[f3] = i;
        found[f3 + 1] = key;
        f3 += 2;
        counts[(key >> FINE_BITS) + 1]!++;
      }
    }
  });
  buffers.found = found;
  for (let c = 0; c < COARSE; c++) counts[c + 1]! += counts[c]!;
  const rest = buffers.restRoom(f3 >> 1);
  for (let e = 0; e < f3; e += 2) {
    const i = found[e]!;
    const key = found[e + 1]!;
    const at = counts[key >> FINE_BITS]!++ * ENTRY;
    rest[at] = i;
    rest[at + 1] = userA[i]!;
    rest[at + 2] = userB[i]!;
    rest[at + 3] = key & (FINE - 1);
  }
  // counts[c] is now the end of bucket c.
  return rest;
}

/** Up to three reason codes of introduction k, strongest contribution first. */
export function introductionReasons(candidates: CandidateSet, assignment: Assignment, k: number): string[] {
  return reasonCodes(candidates.pairs.features, assignment.pair[k]!, assignment.weights);
}

const FEATURE_REASON_CODES: readonly string[] = FEATURE_NAMES.map((name) => REASON_CODES[name]);

/** Arrays of reason codes by selection code (see reasonCodes), built on first use and copied out. */
const REASON_LISTS = new Map<number, readonly string[]>();

/** The three features that contributed most to a pair's value (and contributed at all). */
export function reasonCodes(features: Float32Array, slot: number, w: Float64Array): string[] {
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
