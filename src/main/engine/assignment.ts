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
  /** The candidate slot (u * topK + j) whose features explain the pair. */
  slot: Int32Array;
  score: Float64Array;
  /** Up to three reason codes per pair, strongest contribution first. */
  reasons: string[][];
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
  /** Per pair (pair order): its quantised key, or −1 when it does not qualify. One array, so the score pass writes 4 bytes a pair. */
  pairKey = new Int32Array(0);
  /** Qualifying entries grouped by coarse bucket (stable): pair index, both users (so the greedy pass reads them sequentially) and fine key. */
  bucketPair = new Int32Array(0);
  bucketU = new Int32Array(0);
  bucketV = new Int32Array(0);
  bucketFine = new Uint16Array(0);
  /** One large bucket's survivors in fine-key order. */
  sortedPair = new Int32Array(0);
  sortedU = new Int32Array(0);
  sortedV = new Int32Array(0);
  /** One bucket's survivors, for the small-bucket insertion sort. */
  livePair = new Int32Array(0);
  liveU = new Int32Array(0);
  liveV = new Int32Array(0);
  liveFine = new Uint16Array(0);
  best = new Float64Array(0);
  matched = new Uint8Array(0);
  ensure(entries: number, users: number): void {
    if (this.pairKey.length < entries) {
      this.pairKey = new Int32Array(entries);
      this.bucketPair = new Int32Array(entries);
      this.bucketU = new Int32Array(entries);
      this.bucketV = new Int32Array(entries);
      this.bucketFine = new Uint16Array(entries);
      this.sortedPair = new Int32Array(entries);
      this.sortedU = new Int32Array(entries);
      this.sortedV = new Int32Array(entries);
    }
    if (this.livePair.length < SMALL_BUCKET) {
      this.livePair = new Int32Array(SMALL_BUCKET);
      this.liveU = new Int32Array(SMALL_BUCKET);
      this.liveV = new Int32Array(SMALL_BUCKET);
      this.liveFine = new Uint16Array(SMALL_BUCKET);
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
 * Reason codes are derived for the introduced pairs only, after the greedy.
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
  const {
    pairKey,
    bucketPair,
    bucketU,
    bucketV,
    bucketFine,
    sortedPair,
    sortedU,
    sortedV,
    livePair,
    liveU,
    liveV,
    liveFine,
    best,
    matched,
    coarseCounts,
    fineCounts,
  } = buffers;
  const { userA, userB, sharedPlaces, features } = candidates.pairs;
  const minShared = ruleSet.minSharedPlaces;
  const minScore = ruleSet.minScore;
  const [w0, w1, w2, w3, w4, w5, w6, w7] = Array.from(w, (x) => x * 100);
  best.fill(-1, 0, n);
  matched.fill(0, 0, n);
  coarseCounts.fill(0);
  let eligibleUsers = 0;
  for (let u = 0; u < n; u++) eligibleUsers += eligible[u]!;

  // 1. Score: one sequential pass over the compacted pairs, writing only a key per pair and counting coarse buckets.
  let entries = 0;
  for (let i = 0; i < pairCount; i++) {
    const u = userA[i]!;
    const v = userB[i]!;
    if (eligible[u] === 0 || eligible[v] === 0 || sharedPlaces[i]! < minShared) {
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
    best[u] = Math.max(best[u]!, s);
    best[v] = Math.max(best[v]!, s);
    const key = Math.max(0, MAX_KEY - quantise(s * QUANTA));
    pairKey[i] = key;
    coarseCounts[(key >> FINE_BITS) + 1]!++;
    entries++;
  }

  // 2. Group by coarse bucket, stable (pair order kept inside a bucket).
  for (let c = 0; c < COARSE; c++) coarseCounts[c + 1]! += coarseCounts[c]!;
  for (let i = 0; i < pairCount; i++) {
    const key = pairKey[i]!;
    if (key < 0) continue;
    const at = coarseCounts[key >> FINE_BITS]!++;
    bucketPair[at] = i;
    bucketU[at] = userA[i]!;
    bucketV[at] = userB[i]!;
    bucketFine[at] = key & (FINE - 1);
  }
  // coarseCounts[c] is now the end of bucket c (= the start of bucket c + 1).

  // 3. Greedy, bucket by bucket. Introduced pairs are recorded by pair index; values and reasons come after.
  const takenPairs: number[] = [];
  const take = (pair: number, u: number, v: number): void => {
    if (matched[u] === 1 || matched[v] === 1) return;
    matched[u] = 1;
    matched[v] = 1;
    takenPairs.push(pair);
  };
  let lo = 0;
  for (let c = 0; c < COARSE; c++) {
    const hi = coarseCounts[c]!;
    if (hi === lo) continue;
    // Survivors: the first SMALL_BUCKET are copied out for the insertion sort; a larger bucket is counting-sorted
    // below (liveness cannot change before the bucket is taken, so its passes see the same survivors).
    let live = 0;
    for (let e = lo; e < hi; e++) {
      if (matched[bucketU[e]!] === 1 || matched[bucketV[e]!] === 1) continue;
      if (live < SMALL_BUCKET) {
        livePair[live] = bucketPair[e]!;
        liveU[live] = bucketU[e]!;
        liveV[live] = bucketV[e]!;
        liveFine[live] = bucketFine[e]!;
      }
      live++;
    }
    if (live === 0) {
      lo = hi;
      continue;
    }
    if (live <= SMALL_BUCKET) {
      // Stable insertion sort by fine key.
      for (let i = 1; i < live; i++) {
        const k = liveFine[i]!;
        const p = livePair[i]!;
        const u = liveU[i]!;
        const v = liveV[i]!;
        let j = i - 1;
        while (j >= 0 && liveFine[j]! > k) {
          liveFine[j + 1] = liveFine[j]!;
          livePair[j + 1] = livePair[j]!;
          liveU[j + 1] = liveU[j]!;
          liveV[j + 1] = liveV[j]!;
          j--;
        }
        liveFine[j + 1] = k;
        livePair[j + 1] = p;
        liveU[j + 1] = u;
        liveV[j + 1] = v;
      }
      for (let i = 0; i < live; i++) take(livePair[i]!, liveU[i]!, liveV[i]!);
    } else {
      // Stable counting sort of the survivors by fine key: one counting pass, one scatter pass over the bucket.
      fineCounts.fill(0);
      for (let e = lo; e < hi; e++) {
        if (matched[bucketU[e]!] === 1 || matched[bucketV[e]!] === 1) continue;
        fineCounts[bucketFine[e]! + 1]!++;
      }
      for (let r = 0; r < FINE; r++) fineCounts[r + 1]! += fineCounts[r]!;
      for (let e = lo; e < hi; e++) {
        const u = bucketU[e]!;
        const v = bucketV[e]!;
        if (matched[u] === 1 || matched[v] === 1) continue;
        const at = fineCounts[bucketFine[e]!]!++;
        sortedPair[at] = bucketPair[e]!;
        sortedU[at] = u;
        sortedV[at] = v;
      }
      for (let i = 0; i < live; i++) take(sortedPair[i]!, sortedU[i]!, sortedV[i]!);
    }
    lo = hi;
  }

  let upper = 0;
  for (let u = 0; u < n; u++) if (best[u]! > 0) upper += best[u]!;
  upper /= 2;
  const count = takenPairs.length;
  const resultA = new Int32Array(count);
  const resultB = new Int32Array(count);
  const resultSlot = new Int32Array(count);
  const resultScore = new Float64Array(count);
  const reasons: string[][] = new Array<string[]>(count);
  let total = 0;
  for (let k = 0; k < count; k++) {
    const pair = takenPairs[k]!;
    const u = userA[pair]!;
    const v = userB[pair]!;
    // The compacted pair's features are a copy of its slot's, so value and reasons equal the slot's.
    const s = scoreOfSlot(features, pair, w);
    resultA[k] = Math.min(u, v);
    resultB[k] = Math.max(u, v);
    resultSlot[k] = candidates.pairs.slot[pair]!;
    resultScore[k] = s;
    reasons[k] = reasonCodes(features, pair, w);
    total += s;
  }
  return {
    userA: resultA,
    userB: resultB,
    slot: resultSlot,
    score: resultScore,
    reasons,
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
