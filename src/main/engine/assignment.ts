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

/** Reusable buffers so re-scoring the whole population allocates nothing large per call. */
export class AssignmentBuffers {
  coarseCounts = new Int32Array(COARSE + 1);
  fineCounts = new Int32Array(FINE + 1);
  /** Qualifying entries in pair order: pair index and key. */
  entryPair = new Int32Array(0);
  entryKey = new Int32Array(0);
  /** The same entries grouped by coarse bucket (stable). */
  bucketPair = new Int32Array(0);
  bucketKey = new Int32Array(0);
  /** Both users of each entry travel with it, so the greedy pass reads them sequentially. */
  entryU = new Int32Array(0);
  entryV = new Int32Array(0);
  bucketU = new Int32Array(0);
  bucketV = new Int32Array(0);
  best = new Float64Array(0);
  matched = new Uint8Array(0);
  ensure(entries: number, users: number): void {
    if (this.entryPair.length < entries) {
      this.entryPair = new Int32Array(entries);
      this.entryKey = new Int32Array(entries);
      this.bucketPair = new Int32Array(entries);
      this.bucketKey = new Int32Array(entries);
      this.entryU = new Int32Array(entries);
      this.entryV = new Int32Array(entries);
      this.bucketU = new Int32Array(entries);
      this.bucketV = new Int32Array(entries);
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
 */
export function scoreAndAssign(
  candidates: CandidateSet,
  eligible: Uint8Array,
  ruleSet: RuleSet,
  buffers: AssignmentBuffers = new AssignmentBuffers(),
): Assignment {
  const { out } = candidates;
  const n = out.candCount.length;
  const w = normalisedWeights(ruleSet);
  buffers.ensure(candidates.pairs.count, n);
  const { entryPair, entryKey, entryU, entryV, bucketPair, bucketKey, bucketU, bucketV, best, matched, coarseCounts, fineCounts } = buffers;
  const { userA, userB, sharedPlaces, features } = candidates.pairs;
  const minShared = ruleSet.minSharedPlaces;
  const minScore = ruleSet.minScore;
  const [w0, w1, w2, w3, w4, w5, w6, w7] = Array.from(w, (x) => x * 100);
  best.fill(-1, 0, n);
  matched.fill(0, 0, n);
  coarseCounts.fill(0);
  let eligibleUsers = 0;
  for (let u = 0; u < n; u++) eligibleUsers += eligible[u]!;

  // 1. Score: one sequential pass over the compacted pairs, counting coarse buckets on the way.
  let entries = 0;
  const pairCount = candidates.pairs.count;
  for (let i = 0; i < pairCount; i++) {
    const u = userA[i]!;
    const v = userB[i]!;
    if (eligible[u] === 0 || eligible[v] === 0 || sharedPlaces[i]! < minShared) continue;
    const f = i * FEATURE_COUNT;
    const s =
      w0! * features[f]! + w1! * features[f + 1]! + w2! * features[f + 2]! + w3! * features[f + 3]! +
      w4! * features[f + 4]! + w5! * features[f + 5]! + w6! * features[f + 6]! + w7! * features[f + 7]!;
    if (s < minScore) continue;
    if (s > best[u]!) best[u] = s;
    if (s > best[v]!) best[v] = s;
    const key = Math.max(0, MAX_KEY - Math.round(s * QUANTA));
    entryPair[entries] = i;
    entryKey[entries] = key;
    entryU[entries] = u;
    entryV[entries] = v;
    coarseCounts[(key >> FINE_BITS) + 1]!++;
    entries++;
  }

  // 2. Group by coarse bucket, stable (pair order kept inside a bucket).
  for (let c = 0; c < COARSE; c++) coarseCounts[c + 1]! += coarseCounts[c]!;
  for (let e = 0; e < entries; e++) {
    const key = entryKey[e]!;
    const at = coarseCounts[key >> FINE_BITS]!++;
    bucketPair[at] = entryPair[e]!;
    bucketKey[at] = key;
    bucketU[at] = entryU[e]!;
    bucketV[at] = entryV[e]!;
  }
  // coarseCounts[c] is now the end of bucket c (= the start of bucket c + 1).

  // 3. Greedy, bucket by bucket; the entry arrays are free now and hold each bucket's survivors.
  const pairsA: number[] = [];
  const pairsB: number[] = [];
  const pairSlot: number[] = [];
  const pairScore: number[] = [];
  let total = 0;
  const take = (pair: number, u: number, v: number): void => {
    if (matched[u] === 1 || matched[v] === 1) return;
    const slot = candidates.pairs.slot[pair]!;
    matched[u] = 1;
    matched[v] = 1;
    const s = scoreOfSlot(out.features, slot, w);
    pairsA.push(Math.min(u, v));
    pairsB.push(Math.max(u, v));
    pairSlot.push(slot);
    pairScore.push(s);
    total += s;
  };
  let lo = 0;
  for (let c = 0; c < COARSE; c++) {
    const hi = coarseCounts[c]!;
    let live = 0;
    for (let e = lo; e < hi; e++) {
      const u = bucketU[e]!;
      const v = bucketV[e]!;
      if (matched[u] === 1 || matched[v] === 1) continue;
      entryPair[live] = bucketPair[e]!;
      entryKey[live] = bucketKey[e]! & (FINE - 1);
      entryU[live] = u;
      entryV[live] = v;
      live++;
    }
    lo = hi;
    if (live === 0) continue;
    if (live <= SMALL_BUCKET) {
      // Stable insertion sort by fine key.
      for (let i = 1; i < live; i++) {
        const k = entryKey[i]!;
        const p = entryPair[i]!;
        const u = entryU[i]!;
        const v = entryV[i]!;
        let j = i - 1;
        while (j >= 0 && entryKey[j]! > k) {
          entryKey[j + 1] = entryKey[j]!;
          entryPair[j + 1] = entryPair[j]!;
          entryU[j + 1] = entryU[j]!;
          entryV[j + 1] = entryV[j]!;
          j--;
        }
        entryKey[j + 1] = k;
        entryPair[j + 1] = p;
        entryU[j + 1] = u;
        entryV[j + 1] = v;
      }
      for (let i = 0; i < live; i++) take(entryPair[i]!, entryU[i]!, entryV[i]!);
    } else {
      // Stable counting sort by fine key into bucketPair's already consumed prefix (positions < lo are free).
      fineCounts.fill(0);
      for (let i = 0; i < live; i++) fineCounts[entryKey[i]! + 1]!++;
      for (let r = 0; r < FINE; r++) fineCounts[r + 1]! += fineCounts[r]!;
      for (let i = 0; i < live; i++) {
        const at = fineCounts[entryKey[i]!]!++;
        bucketPair[at] = entryPair[i]!;
        bucketU[at] = entryU[i]!;
        bucketV[at] = entryV[i]!;
      }
      for (let i = 0; i < live; i++) take(bucketPair[i]!, bucketU[i]!, bucketV[i]!);
    }
  }

  let upper = 0;
  for (let u = 0; u < n; u++) if (best[u]! > 0) upper += best[u]!;
  upper /= 2;
  const count = pairsA.length;
  const reasons = pairSlot.map((slot) => reasonCodes(out.features, slot, w));
  return {
    userA: Int32Array.from(pairsA),
    userB: Int32Array.from(pairsB),
    slot: Int32Array.from(pairSlot),
    score: Float64Array.from(pairScore),
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

/** The three features that contributed most to a pair's value (and contributed at all). */
export function reasonCodes(features: Float32Array, slot: number, w: Float64Array): string[] {
  const codes: string[] = [];
  const f = slot * FEATURE_COUNT;
  let taken = 0; // bit mask of features already chosen
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
    codes.push(FEATURE_REASON_CODES[bestK]!);
  }
  return codes;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
