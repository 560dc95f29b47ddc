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
 * Quantisation of the 0–100 value for the radix sort: values 1e-4 apart or closer count as a tie (then entry
 * order, i.e. user index and rank, decides). 20-bit keys, sorted in two cache-friendly 10-bit passes.
 */
const QUANTA = 10_000;
const MAX_KEY = 100 * QUANTA;
const RADIX_BITS = 10;
const RADIX = 1 << RADIX_BITS;

/** Reusable buffers so re-scoring the whole population allocates nothing large per call. */
export class AssignmentBuffers {
  counts = new Int32Array(RADIX + 1);
  entrySlot = new Int32Array(0);
  entryKey = new Int32Array(0);
  tmpSlot = new Int32Array(0);
  tmpKey = new Int32Array(0);
  /** Both users of each entry travel with it through the sort so the greedy pass reads sequentially. */
  entryU = new Int32Array(0);
  entryV = new Int32Array(0);
  tmpU = new Int32Array(0);
  tmpV = new Int32Array(0);
  best = new Float64Array(0);
  matched = new Uint8Array(0);
  ensure(entries: number, users: number): void {
    if (this.entrySlot.length < entries) {
      this.entrySlot = new Int32Array(entries);
      this.entryKey = new Int32Array(entries);
      this.tmpSlot = new Int32Array(entries);
      this.tmpKey = new Int32Array(entries);
      this.entryU = new Int32Array(entries);
      this.entryV = new Int32Array(entries);
      this.tmpU = new Int32Array(entries);
      this.tmpV = new Int32Array(entries);
    }
    if (this.best.length < users) {
      this.best = new Float64Array(users);
      this.matched = new Uint8Array(users);
    }
  }
}

/** Stable LSD radix sort of (key, slot) pairs by key ascending, in two passes; result lands back in the entry arrays. */
function radixSort(b: AssignmentBuffers, n: number): void {
  let srcKey = b.entryKey;
  let srcSlot = b.entrySlot;
  let dstKey = b.tmpKey;
  let dstSlot = b.tmpSlot;
  let srcU = b.entryU;
  let dstU = b.tmpU;
  let srcV = b.entryV;
  let dstV = b.tmpV;
  const counts = b.counts;
  for (let shift = 0; shift < 2 * RADIX_BITS; shift += RADIX_BITS) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[((srcKey[i]! >> shift) & (RADIX - 1)) + 1]!++;
    for (let r = 0; r < RADIX; r++) counts[r + 1]! += counts[r]!;
    for (let i = 0; i < n; i++) {
      const k = srcKey[i]!;
      const at = counts[(k >> shift) & (RADIX - 1)]!++;
      dstKey[at] = k;
      dstSlot[at] = srcSlot[i]!;
      dstU[at] = srcU[i]!;
      dstV[at] = srcV[i]!;
    }
    [srcKey, dstKey] = [dstKey, srcKey];
    [srcSlot, dstSlot] = [dstSlot, srcSlot];
    [srcU, dstU] = [dstU, srcU];
    [srcV, dstV] = [dstV, srcV];
  }
  // Two passes: the sorted data is back in entryKey / entrySlot.
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
  const { entrySlot, entryKey, entryU, entryV, best, matched } = buffers;
  const { userA, userB, sharedPlaces, features } = candidates.pairs;
  const minShared = ruleSet.minSharedPlaces;
  const minScore = ruleSet.minScore;
  const [w0, w1, w2, w3, w4, w5, w6, w7] = Array.from(w, (x) => x * 100);
  best.fill(-1, 0, n);
  matched.fill(0, 0, n);
  let eligibleUsers = 0;
  for (let u = 0; u < n; u++) eligibleUsers += eligible[u]!;
  let entries = 0;
  // entrySlot holds the pair index here (not the kernel slot): the loop below maps it back.
  for (let i = 0; i < candidates.pairs.count; i++) {
    const u = userA[i]!;
    const v = userB[i]!;
    if (!eligible[u] || !eligible[v] || sharedPlaces[i]! < minShared) continue;
    const f = i * FEATURE_COUNT;
    const s =
      w0! * features[f]! + w1! * features[f + 1]! + w2! * features[f + 2]! + w3! * features[f + 3]! +
      w4! * features[f + 4]! + w5! * features[f + 5]! + w6! * features[f + 6]! + w7! * features[f + 7]!;
    if (s < minScore) continue;
    if (s > best[u]!) best[u] = s;
    if (s > best[v]!) best[v] = s;
    entrySlot[entries] = i;
    entryU[entries] = u;
    entryV[entries] = v;
    entryKey[entries] = Math.max(0, MAX_KEY - Math.round(s * QUANTA));
    entries++;
  }
  radixSort(buffers, entries);
  // radixSort swaps its arrays twice, so the sorted entries are back in the same buffers read here.

  const pairsA: number[] = [];
  const pairsB: number[] = [];
  const pairSlot: number[] = [];
  const pairScore: number[] = [];
  let total = 0;
  for (let i = 0; i < entries; i++) {
    const u = entryU[i]!;
    const v = entryV[i]!;
    if (matched[u] || matched[v]) continue;
    const pair = entrySlot[i]!;
    const slot = candidates.pairs.slot[pair]!;
    matched[u] = 1;
    matched[v] = 1;
    const s = scoreOfSlot(out.features, slot, w);
    pairsA.push(Math.min(u, v));
    pairsB.push(Math.max(u, v));
    pairSlot.push(slot);
    pairScore.push(s);
    total += s;
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

/** The three features that contributed most to a pair's value (and contributed at all). */
export function reasonCodes(features: Float32Array, slot: number, w: Float64Array): string[] {
  const codes: string[] = [];
  let taken = 0; // bit mask of features already chosen
  for (let r = 0; r < 3; r++) {
    let bestK = -1;
    let bestC = 0;
    for (let k = 0; k < FEATURE_COUNT; k++) {
      const c = w[k]! * features[slot * FEATURE_COUNT + k]!;
      if (!(taken & (1 << k)) && c > bestC) {
        bestC = c;
        bestK = k;
      }
    }
    if (bestK < 0) break;
    taken |= 1 << bestK;
    codes.push(REASON_CODES[FEATURE_NAMES[bestK]!]);
  }
  return codes;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
