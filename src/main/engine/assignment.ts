import { FEATURE_NAMES, REASON_CODES, type RuleSet } from '../../shared/domain/ruleset';
import type { CandidateSet } from './candidates';
import { FEATURE_COUNT } from './kernel';

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

/**
 * Quantisation of the 0–100 value for the sort: values 1e-4 apart or closer count as a tie (then entry order, i.e.
 * pair order = user index and rank, decides). 20-bit keys (0 = best): a coarse 10-bit bucket and a fine 10-bit rest.
 */
const QUANTA = 10_000;
const MAX_KEY = 100 * QUANTA;
const FINE_BITS = 10;
const FINE = 1 << FINE_BITS;
const COARSE = (MAX_KEY >> FINE_BITS) + 1;
/** Below this many live entries a coarse bucket is insertion-sorted instead of counted (1024 counters cost more). */
const SMALL_BUCKET = 48;
/** Ints per grouped entry: pair, user a, user b, fine key (one array, so a bucket is one sequential stream). */
const ENTRY = 4;

/**
 * Math.round(x), exactly, without its data-dependent branches (which mispredict on random values and cost more
 * than the whole weighted sum): for x ≥ 0.5, x + 0.5 is exact or rounds within x's binade, so truncating it is
 * round-half-up. Below 0.5 (where 0.5 − 2^−54 + 0.5 would round up to 1) Math.round decides.
 */
export function quantise(x: number): number {
  return x >= 0.5 ? (x + 0.5) | 0 : Math.round(x);
}

/** Reusable buffers so re-scoring the whole population allocates nothing large per call. */
export class AssignmentBuffers {
  coarseCounts = new Int32Array(COARSE + 1);
  fineCounts = new Int32Array(FINE + 1);
  /** Per pair (pair order): its quantised key, or −1 when it does not qualify. */
  pairKey = new Int32Array(0);
  /** Qualifying entries grouped by coarse bucket (stable), ENTRY ints each: pair, its two users, fine key. */
  bucket = new Int32Array(0);
  /** One large bucket's survivors in fine-key order, same layout (grown to the largest such bucket met). */
  sorted = new Int32Array(0);
  best = new Float64Array(0);
  matched = new Uint8Array(0);
  ensure(entries: number, users: number): void {
    if (this.pairKey.length < entries) {
      this.pairKey = new Int32Array(entries);
      this.bucket = new Int32Array(entries * ENTRY);
    }
    if (this.best.length < users) {
      this.best = new Float64Array(users);
      this.matched = new Uint8Array(users);
    }
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
 * Exactly the greedy over a stable sort of all qualifying entries by quantised value, done cheaper: entries are
 * grouped once by the coarse half of their key (one counting pass), then each coarse bucket, best first, drops the
 * entries whose users were already introduced by better buckets and only the survivors are ordered by the fine
 * half. Most entries of the lower buckets are dead by the time their bucket comes, so they are never sorted.
 * Reason codes are not derived here (a what-if never shows them): introductionReasons gives them for a run.
 */
export function scoreAndAssign(
  candidates: CandidateSet,
  eligible: Uint8Array,
  ruleSet: RuleSet,
  buffers: AssignmentBuffers = new AssignmentBuffers(),
): Assignment {
  const { out } = candidates;
  // The pool's users (the candidate arrays keep at least one slot, so an empty pool would read past the mask).
  const n = Math.min(out.candCount.length, eligible.length);
  const w = normalisedWeights(ruleSet);
  const pairCount = candidates.pairs.count;
  buffers.ensure(pairCount, n);
  const { pairKey, bucket, best, matched, coarseCounts, fineCounts } = buffers;
  const { userA, userB, sharedPlaces, features, rowStart } = candidates.pairs;
  const minShared = ruleSet.minSharedPlaces;
  const minScore = ruleSet.minScore;
  const [w0, w1, w2, w3, w4, w5, w6, w7] = Array.from(w, (x) => x * 100);
  best.fill(-1, 0, n);
  matched.fill(0, 0, n);
  coarseCounts.fill(0);
  let eligibleUsers = 0;
  for (let u = 0; u < n; u++) eligibleUsers += eligible[u]!;

  // 1. Score, row by row (a row's pairs share user a, whose eligibility and best value stay in registers).
  let entries = 0;
  const rowCount = rowStart.length - 1;
  for (let r = 0; r < rowCount; r++) {
    const first = rowStart[r]!;
    const end = rowStart[r + 1]!;
    if (first === end) continue;
    const u = userA[first]!;
    if (eligible[u] === 0) {
      pairKey.fill(-1, first, end);
      continue;
    }
    let bestU = best[u]!;
    for (let i = first; i < end; i++) {
      const v = userB[i]!;
      if (eligible[v] === 0 || sharedPlaces[i]! < minShared) {
        pairKey[i] = -1;
        continue;
      }
      const f = i * FEATURE_COUNT;
      const s =
        w0! * features[f]! +
        w1! * features[f + 1]! +
        w2! * features[f + 2]! +
        w3! * features[f + 3]! +
        w4! * features[f + 4]! +
        w5! * features[f + 5]! +
        w6! * features[f + 6]! +
        w7! * features[f + 7]!;
      if (s < minScore) {
        pairKey[i] = -1;
        continue;
      }
      // Math.max, not a comparison and a branch: s is random, the branch would mispredict half the time.
      bestU = Math.max(bestU, s);
      best[v] = Math.max(best[v]!, s);
      const key = Math.max(0, MAX_KEY - quantise(s * QUANTA));
      pairKey[i] = key;
      coarseCounts[(key >> FINE_BITS) + 1]!++;
      entries++;
    }
    best[u] = bestU;
  }

  // 2. Group by coarse bucket, stable (pair order kept inside a bucket).
  for (let c = 0; c < COARSE; c++) coarseCounts[c + 1]! += coarseCounts[c]!;
  for (let i = 0; i < pairCount; i++) {
    const key = pairKey[i]!;
    if (key < 0) continue;
    const at = coarseCounts[key >> FINE_BITS]!++ * ENTRY;
    bucket[at] = i;
    bucket[at + 1] = userA[i]!;
    bucket[at + 2] = userB[i]!;
    bucket[at + 3] = key & (FINE - 1);
  }
  // coarseCounts[c] is now the end of bucket c (= the start of bucket c + 1).

  // 3. Greedy, bucket by bucket. Introduced pairs are recorded by pair index; values and reasons come after.
  // Each introduction's pair and users, kept as taken so the results below read no pair arrays at random but the features.
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
  let lo = 0;
  for (let c = 0; c < COARSE; c++) {
    const hi = coarseCounts[c]!;
    if (hi === lo) continue;
    // Survivors are compacted in place to the front of the bucket (liveness cannot change before the bucket is
    // taken), so the sort below reads only them.
    const start = lo * ENTRY;
    let w = start;
    for (let e = start; e < hi * ENTRY; e += ENTRY) {
      if (matched[bucket[e + 1]!] === 1 || matched[bucket[e + 2]!] === 1) continue;
      if (w !== e) bucket.copyWithin(w, e, e + ENTRY);
      w += ENTRY;
    }
    const live = (w - start) / ENTRY;
    if (live <= SMALL_BUCKET) {
      // Stable insertion sort by fine key, in place.
      for (let i = 1; i < live; i++) {
        const at = start + i * ENTRY;
        const p = bucket[at]!;
        const u = bucket[at + 1]!;
        const v = bucket[at + 2]!;
        const k = bucket[at + 3]!;
        let j = i - 1;
        while (j >= 0 && bucket[start + j * ENTRY + 3]! > k) j--;
        if (j === i - 1) continue;
        const to = start + (j + 1) * ENTRY;
        bucket.copyWithin(to + ENTRY, to, at);
        bucket[to] = p;
        bucket[to + 1] = u;
        bucket[to + 2] = v;
        bucket[to + 3] = k;
      }
      for (let e = start; e < w; e += ENTRY) take(bucket[e]!, bucket[e + 1]!, bucket[e + 2]!);
    } else {
      // Stable counting sort of the survivors by fine key: one counting pass, one scatter pass.
      if (buffers.sorted.length < live * ENTRY) buffers.sorted = new Int32Array(live * ENTRY);
      const sorted = buffers.sorted;
      fineCounts.fill(0);
      for (let e = start; e < w; e += ENTRY) fineCounts[bucket[e + 3]! + 1]!++;
      for (let r = 0; r < FINE; r++) fineCounts[r + 1]! += fineCounts[r]!;
      for (let e = start; e < w; e += ENTRY) {
        const at = fineCounts[bucket[e + 3]!]!++ * ENTRY;
        sorted[at] = bucket[e]!;
        sorted[at + 1] = bucket[e + 1]!;
        sorted[at + 2] = bucket[e + 2]!;
      }
      for (let i = 0; i < live; i++) take(sorted[i * ENTRY]!, sorted[i * ENTRY + 1]!, sorted[i * ENTRY + 2]!);
    }
    lo = hi;
  }

  let upper = 0;
  for (let u = 0; u < n; u++) if (best[u]! > 0) upper += best[u]!;
  upper /= 2;
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
