import { FEATURE_NAMES } from '../../shared/domain/features';
import { scoreKernel } from './score-memory';
import { sharedFloat64, sharedInt32, sharedUint8 } from './shared-arrays';

/**
 * The part of a re-score that grows with every cached pair — score each pair, group the qualifying ones by value —
 * for one share of the rows, so the caller's thread and the cache's helper thread (workers/engine-team.worker.ts)
 * can each take one (assignment.ts puts the shares together). Imports nothing of the engine's but its scoring kernel
 * (score-memory.ts, score.wat), so the helper thread loads little more than this.
 */

/** Features per candidate pair (kernel.ts lays them out: FEATURE_COUNT there is the same length). */
const FEATURES = FEATURE_NAMES.length;

/**
 * Features are kept in fixed point: a feature x in [0, 1] as round(x × FEATURE_SCALE), two bytes (FeatureArray), half
 * of Float32's: the cached pairs' features were the largest of the cache's arrays (342 MB at 400,000 users) and most
 * of the bytes a re-score reads (it is bound by its work per pair, not by those bytes: 3% faster). Rounding moves a
 * feature by at most half a step (8e-6) and a 0–100 value by at most 8e-4 under any weights — at a rounding edge
 * that can still move a two-decimal value by 0.01. The run, the what-if and every introduction's value read the
 * same steps through the same sum (stepWeights, pairValue), so they agree with each other to the bit. 62,500 = 10^6
 * / 16: a step is 16 quanta of the sort key, so a value made of whole steps can fall on the key grid exactly (the
 * assignment tests put keys on bucket starts).
 */
export const FEATURE_SCALE = 62_500;
export type FeatureArray = Uint16Array;

/**
 * x in [0, 1] (as the kernel's formulas give it) in fixed point, rounded half up; NaN, which no formula should give,
 * reads as 0 once stored.
 */
export function toFeatureStep(x: number): number {
  return quantise(x * FEATURE_SCALE);
}

/**
 * What one step of each feature adds to a 0–100 value: the normalised weights × 100 / FEATURE_SCALE. Every value is
 * the sum of these times the steps, in the order pairValue writes out (the scoring kernel's two vector lanes).
 */
export function stepWeightsOf(normalisedWeights: Float64Array): Float64Array {
  return normalisedWeights.map((x) => (x * 100) / FEATURE_SCALE);
}

/**
 * Quantisation of the 0–100 value for the sort: values 1e-4 apart or closer count as a tie (then entry order, i.e.
 * pair order = user index and rank, decides). 20-bit keys (0 = best): a coarse 10-bit bucket and a fine 10-bit rest.
 */
export const QUANTA = 10_000;
export const MAX_KEY = 100 * QUANTA;
export const FINE_BITS = 10;
export const FINE = 1 << FINE_BITS;
export const COARSE = (MAX_KEY >> FINE_BITS) + 1;
/**
 * A user's best value so far, coarsely (ScoredShare.level): 255 − (key >> LEVEL_SHIFT), 11–255 for values 0–100 in
 * steps of 0.41; 0 marks a user who may not be introduced, 1 one without a qualifying pair yet.
 */
const LEVEL_SHIFT = 12;
const NOT_ELIGIBLE = 0;
const NO_PAIR_YET = 1;

// score.wat writes these numbers out (a module of its own, it cannot import them): change them together.
if (FEATURES !== 8 || QUANTA !== 10_000 || MAX_KEY !== 1_000_000 || FINE_BITS !== 10 || LEVEL_SHIFT !== 12)
  throw new Error('score-share.ts and score.wat disagree on the layout of features or keys');

/** Ints per grouped entry: pair, user a, user b, fine key (one array, so a bucket is one sequential stream). */
export const ENTRY = 4;

/**
 * Math.round(x), exactly, without its data-dependent branches (which mispredict on random values and cost more
 * than the whole weighted sum): for x ≥ 0.5, x + 0.5 is exact or rounds within x's binade, so truncating it is
 * round-half-up. Below 0.5 (where 0.5 − 2^−54 + 0.5 would round up to 1) Math.round decides.
 */
export function quantise(x: number): number {
  return x >= 0.5 ? (x + 0.5) | 0 : Math.round(x);
}

/**
 * One thread's share of a re-score: the pairs of rows [rowFirst, rowEnd) (a row's pairs share user a), scored and
 * grouped by coarse bucket. Everything in it is shared memory or a number, so it crosses to the helper thread as is.
 */
export interface ScoreJob {
  /** The memory the pairs' arrays and the share's are in (CandidatePairs.memory): the kernel's. */
  memory: WebAssembly.Memory;
  userA: Int32Array;
  userB: Int32Array;
  sharedPlaces: Int32Array;
  features: FeatureArray;
  rowStart: Int32Array;
  eligible: Uint8Array;
  /** Users of the pool (the part of `best` that is filled). */
  users: number;
  /** What one step of each feature adds to a 0–100 value: the normalised weights × 100 / FEATURE_SCALE. */
  stepWeights: Float64Array;
  minScore: number;
  minShared: number;
  /**
   * Whether each user's best value is kept (`ScoredShare.best`, for the summary's upper bound): a run's and a shadow
   * run's re-score, not a what-if's — the tuning page shows no upper bound, and keeping the bests is a third of the
   * scoring pass (user b's best is a read at random).
   */
  bests: boolean;
  rowFirst: number;
  rowEnd: number;
}

/**
 * Grouping stops after the best buckets that hold at least 1/GROUPED_SHARE of a share's qualifying entries. The
 * greedy introduces most of its users from the best entries, so by the time it gets past them most of the other
 * entries are dead (a user of theirs already introduced): the assignment collects the survivors of the rest
 * itself, which costs a read of their keys instead of writing and re-reading every entry. At 400,000 users the
 * best eighth of 10.7 M entries leaves 0.3–0.7 M survivors. Any fraction gives the same introductions; this one
 * only decides how the work splits.
 */
export const GROUPED_SHARE = 8;

/**
 * What scoring one share leaves, in the pairs' scoring memory (the helper thread writes it in place, so only the
 * thread that posts a job places it: `place` before, never during): each pair's key, the best qualifying entries
 * grouped by coarse bucket (stable: pair order inside a bucket), where each of those buckets ends, and each user's
 * best value in the share.
 */
export class ScoredShare {
  /**
   * After scoring: bucketEnd[c] = where bucket c ends in `bucket` (in entries), for the grouped buckets c < cut
   * (figures[1]); bucket c starts where c − 1 ends. The kernel counts the buckets into it first.
   */
  bucketEnd = sharedInt32(0);
  /**
   * Per pair of the share (pair order from its first): its quantised key, or −1 when it does not qualify. The share's
   * part of the candidate set's keys (assignment.ts rescoreArraysOf), so one share or two use the same arrays.
   */
  pairKey = sharedInt32(0);
  /**
   * The grouped entries (buckets before the cut), ENTRY ints each: pair, its two users, fine key; later the rest's
   * survivors (collectRest). The share's part of the candidate set's entries: room for an entry per pair of it.
   */
  bucket = sharedInt32(0);
  best = sharedFloat64(0);
  /**
   * Per user, a level at most their best value's (see LEVEL_SHIFT): a pair whose level is lower cannot raise the
   * best, so the pass reads this one byte at random instead of the best's eight (a byte per user stays in a core's
   * L2 cache where eight do not); it doubles as the eligibility test.
   */
  level = sharedUint8(0);
  /**
   * [0] qualifying entries, [1] the cut: the first coarse bucket not grouped (its entries and later ones are not),
   * [2] the rest's survivors (collectRest).
   */
  figures = sharedInt32(3);

  /** Places the share on its keys and entries (its parts of the candidate set's) and its own arrays. */
  place(pairKey: Int32Array, bucket: Int32Array, own: ShareArrays): void {
    this.pairKey = pairKey;
    this.bucket = bucket;
    this.bucketEnd = own.bucketEnd;
    this.best = own.best;
    this.level = own.level;
  }
}

/** A share's own arrays in the scoring memory (ScoredShare's bucketEnd, best and level). */
export interface ShareArrays {
  bucketEnd: Int32Array;
  best: Float64Array;
  level: Uint8Array;
}

/**
 * Scores the pairs of a share and groups the qualifying ones by coarse bucket: the part of a re-score that is
 * proportional to all cached pairs, so it is what the helper thread takes half of.
 */
export function scoreShare(job: ScoreJob, share: ScoredShare): void {
  const firstPair = job.rowStart[job.rowFirst]!;
  const endPair = job.rowStart[job.rowEnd]!;
  const { pairKey, best, level } = share;
  const eligible = job.eligible;
  if (
    pairKey.length < endPair - firstPair ||
    share.bucket.length < (endPair - firstPair) * ENTRY ||
    best.length < job.users ||
    level.length < job.users
  )
    throw new Error('re-score: the share was not sized for its job');
  share.bucketEnd.fill(0);
  for (let u = 0; u < job.users; u++) {
    best[u] = -1;
    level[u] = eligible[u] === 0 ? NOT_ELIGIBLE : NO_PAIR_YET;
  }
  const entries = scoreRows(job, share);
  groupBest(job, share, entries);
}

/**
 * 1. Scores row by row (a row's pairs share user a, whose eligibility and best value stay in registers) and counts
 * the coarse buckets; returns how many pairs qualify. When the job keeps bests, user b's best is read (at random: at
 * 400,000 users those reads were most of the pass) only when the pair's level reaches b's: a few times per user, as a
 * running maximum rises. The work is score.wat's (WebAssembly, for its SIMD: a pair's eight steps are one 128-bit
 * vector); in JavaScript it took about twice the time (13-18 ns a pair at 400,000 users), and how well V8 compiled
 * the loop depended on the process.
 */
function scoreRows(job: ScoreJob, share: ScoredShare): number {
  const [w0, w1, w2, w3, w4, w5, w6, w7] = job.stepWeights;
  return scoreKernel(job.memory).scoreRows(
    job.rowStart.byteOffset,
    job.userA.byteOffset,
    job.userB.byteOffset,
    job.sharedPlaces.byteOffset,
    job.features.byteOffset,
    share.level.byteOffset,
    share.best.byteOffset,
    share.pairKey.byteOffset,
    share.bucketEnd.byteOffset,
    w0!,
    w1!,
    w2!,
    w3!,
    w4!,
    w5!,
    w6!,
    w7!,
    job.rowFirst,
    job.rowEnd,
    job.minScore,
    job.minShared,
    job.bests ? 1 : 0,
  );
}

/**
 * 2. Groups the best buckets by coarse bucket, stable (pair order kept inside a bucket): those up to the first that
 * brings the grouped entries to GROUPED_SHARE's share. A share without entries has every bucket grouped (all empty):
 * the greedy stops at the earlier cut of the shares, so a cut of 0 here would send every entry of the other share to
 * the rest. The scatter is the kernel's (score.wat groupBest).
 */
function groupBest(job: ScoreJob, share: ScoredShare, entries: number): void {
  const firstPair = job.rowStart[job.rowFirst]!;
  const endPair = job.rowStart[job.rowEnd]!;
  const { figures } = share;
  const counts = share.bucketEnd;
  for (let c = 0; c < COARSE; c++) counts[c + 1]! += counts[c]!;
  const grouped = Math.ceil(entries / GROUPED_SHARE);
  let cut = entries === 0 ? COARSE : 0;
  while (cut < COARSE && counts[cut]! < grouped) cut++;
  scoreKernel(job.memory).groupBest(
    share.pairKey.byteOffset,
    job.userA.byteOffset,
    job.userB.byteOffset,
    counts.byteOffset,
    share.bucket.byteOffset,
    firstPair,
    endPair,
    cut << FINE_BITS,
  );
  // counts[c] is now the end of bucket c (= the start of bucket c + 1), for c < cut.
  figures[0] = entries;
  figures[1] = cut;
}

/**
 * After the greedy has taken every share's grouped buckets (the keys before `cutKey`): the share's entries at or
 * past `cutKey` whose users are both still free (`matched` 0), in pair order, written over `bucket` (its grouped
 * entries are taken by then) as ENTRY ints each — pair, its two users, its whole key; figures[2] = how many. A row
 * whose user a is already introduced is skipped whole. The kernel's (score.wat collectRest); `matched` is in the
 * scoring memory (AssignmentBuffers.matched), which the helper thread reads as it collects its share meanwhile.
 */
export function collectRest(job: ScoreJob, share: ScoredShare, cutKey: number, matched: Uint8Array): void {
  share.figures[2] = scoreKernel(job.memory).collectRest(
    job.rowStart.byteOffset,
    job.userA.byteOffset,
    job.userB.byteOffset,
    share.pairKey.byteOffset,
    matched.byteOffset,
    share.bucket.byteOffset,
    job.rowFirst,
    job.rowEnd,
    cutKey,
  );
}

/**
 * The value users see for a pair: 100 × Σ weight × feature over the normalised weights, as Σ step weight × step
 * (stepWeightsOf), summed as the scoring kernel sums it (score.wat: the even features' and the odd features' sums
 * are its vector's two lanes) — so an introduction's value is the value it was ranked and thresholded by, to the bit.
 * Every introduction's value is computed here.
 */
export function pairValue(features: FeatureArray, pair: number, stepWeights: Float64Array): number {
  const f = pair * FEATURES;
  const w = stepWeights;
  const even = w[0]! * features[f]! + w[2]! * features[f + 2]! + (w[4]! * features[f + 4]! + w[6]! * features[f + 6]!);
  const odd =
    w[1]! * features[f + 1]! + w[3]! * features[f + 3]! + (w[5]! * features[f + 5]! + w[7]! * features[f + 7]!);
  return even + odd;
}

/**
 * The values of introductions [from, to): `pairs` and `values` in shared memory, so the helper thread can take a
 * part. Each is one random read of a pair's features (~200 ns on this machine's memory; 350,000 introductions at
 * 1,000,000 users), which is why the two threads split them: carrying the value along with the grouped entries, or
 * reading it as each pair is taken, measured slower (the grouped entries' features are read sparsely too).
 */
export interface ValuesJob {
  features: FeatureArray;
  stepWeights: Float64Array;
  pairs: Int32Array;
  values: Float64Array;
  from: number;
  to: number;
}

export function pairValues(job: ValuesJob): void {
  const { features, stepWeights, pairs, values } = job;
  for (let k = job.from; k < job.to; k++) values[k] = pairValue(features, pairs[k]!, stepWeights);
}

/** What the re-score helper thread does (engine/team.ts: a team of one thread, the cache's re-score helper). */
export interface ShareHelper {
  /** One share of a re-score (scoreShare). */
  score(job: ScoreJob, share: ScoredShare): Promise<void>;
  /** That share's survivors past the greedy's cut (collectRest). */
  rest(job: ScoreJob, share: ScoredShare, cutKey: number, matched: Uint8Array): Promise<void>;
  /** Part of the introductions' values (pairValues). */
  values(job: ValuesJob): Promise<void>;
}
