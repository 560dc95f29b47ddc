import { FEATURE_NAMES } from '../../shared/domain/features';
import type { MatchPool } from './pool';
import type { ScoreMemory } from './score-memory';
import { FEATURE_SCALE, type FeatureArray, toFeatureStep } from './score-share';
import { WEIGHT_SCALE } from './weights';

/**
 * The candidate + feature kernel: plain typed arrays in, typed arrays out, no I/O, so the same code runs inline
 * (tests, small mirrors) and in the `engine-team` worker threads that split the users between them.
 *
 * Overlap (Adamic–Adar over places): overlap(u, v) = Σ over places p both paid at in the window of
 *   w(p) = round(1e6 / ln(1 + visitors(p)))
 * where visitors(p) counts pool users who paid at p. Integer weights make every sum exact whatever the order, so
 * the inverted index, the brute-force reference and the SQL baseline agree to the last bit and ties (broken by
 * the smaller user index = smaller id) are real ties.
 *
 * Exact pruning (threshold algorithm): u's places are opened rarest first, adding w(p) to an accumulator per
 * visitor. Before opening a crowded place we compute θ = the K-th best partial overlap; if θ exceeds R = the sum
 * of the weights still unopened, no user not yet touched can reach θ, so the crowded places are never opened for
 * new users: touched users with partial + R < θ are dropped and the rest are completed exactly, either by walking
 * each survivor's own place list against a stamp on the unopened places or by scanning the unopened places'
 * compatible visitors and adding only to survivors, whichever reads less (on the bench mirror the scan reads ~5×
 * fewer entries, and sequentially).
 *
 * The last place is never opened when it is crowded (on realistic data it is a popular online brand, and opening
 * u's last place is more than half of all the work, growing as cities grow). Everyone it would newly touch shares
 * only that place with u, so they all score exactly its weight and, ties going to the smaller index, only the
 * first K of them by index can make the list: those are read from the head of its visitor lists. The users
 * already touched get its weight when its bitmap says they visit it. Results are identical to opening everything.
 */
/** The pool's typed arrays the kernel reads, as they are (MatchPool documents each). */
type PoolArrays = Pick<
  MatchPool,
  | 'inPool'
  | 'group'
  | 'age'
  | 'district'
  | 'spendLevel'
  | 'placeOnline'
  | 'placeBrand'
  | 'placeCategory'
  | 'userPlaceStart'
  | 'userPlace'
  | 'userPlaceLastDay'
  | 'visitStart'
  | 'visitCode'
  | 'placeVisitorStart'
  | 'placeVisitor'
  | 'placeWeight'
  | 'forbidStart'
  | 'forbid'
>;

export interface KernelData extends PoolArrays {
  userCount: number;
  topK: number;
  windowDays: number;
  brandCount: number;
  categoryCount: number;
  /**
   * The same visitors regrouped by user group (9 groups, see COMPAT) within each place: group g of place p is
   * groupVisitor[groupStart[p * 9 + g] … groupStart[p * 9 + g + 1]). A user only scans the groups that seek it
   * and that it seeks, instead of skipping the incompatible visitors one by one.
   */
  groupStart: Int32Array;
  groupVisitor: Int32Array;
  /**
   * Crowded places' visitors as bitmaps over user indexes (see crowdedBitmaps): place p's bitmap, when it has one,
   * is crowdBits[crowdSlot[p] * crowdWords …] (crowdSlot −1: none). Whether a user visits the place is then one bit
   * read, which is what lets the kernel leave the last, crowdest place of a user unopened.
   */
  crowdSlot: Int32Array;
  crowdWords: number;
  crowdBits: Int32Array;
  /**
   * What the features read of a candidate, packed so one candidate costs a few cache lines instead of one miss per
   * array (see featureLayout): per user USER_STRIDE values [first entry, end entry, spend level, district × 1000 +
   * age + 500]; per (user, place) entry ENTRY_STRIDE values [place, last day, first visit], one sentinel entry at the end.
   */
  featureUser: Float64Array;
  featureEntry: Int32Array;
}

export const USER_STRIDE = 4;
const AGE_OFFSET = 500;
export const ENTRY_STRIDE = 3;

/** The packed per-user and per-entry arrays of KernelData (featureUser, featureEntry) from the pool's own. */
export function featureLayout(
  pool: Pick<
    MatchPool,
    'userPlaceStart' | 'userPlace' | 'userPlaceLastDay' | 'visitStart' | 'spendLevel' | 'district' | 'age'
  >,
): { featureUser: Float64Array; featureEntry: Int32Array } {
  const n = pool.userPlaceStart.length - 1;
  const entries = pool.userPlace.length;
  const featureUser = new Float64Array(new SharedArrayBuffer(Math.max(8, n * USER_STRIDE * 8)));
  for (let u = 0; u < n; u++) {
    const at = u * USER_STRIDE;
    featureUser[at] = pool.userPlaceStart[u]!;
    featureUser[at + 1] = pool.userPlaceStart[u + 1]!;
    featureUser[at + 2] = pool.spendLevel[u]!;
    // District −1 (unknown) … any, age −500 … 499 (a run date before a birth year gives a negative age): floor(x /
    // 1000) and the remainder give both back exactly.
    featureUser[at + 3] = pool.district[u]! * 1000 + pool.age[u]! + AGE_OFFSET;
  }
  const featureEntry = new Int32Array(new SharedArrayBuffer((entries + 1) * ENTRY_STRIDE * 4));
  for (let e = 0; e < entries; e++) {
    featureEntry[e * ENTRY_STRIDE] = pool.userPlace[e]!;
    featureEntry[e * ENTRY_STRIDE + 1] = pool.userPlaceLastDay[e]!;
    featureEntry[e * ENTRY_STRIDE + 2] = pool.visitStart[e]!;
  }
  featureEntry[entries * ENTRY_STRIDE + 2] = pool.visitStart[entries]!;
  return { featureUser, featureEntry };
}

export const FEATURE_COUNT = FEATURE_NAMES.length;

/**
 * Candidate slots by output row: row r's candidates are at r * topK … r * topK + candCount[r] − 1, best first.
 * Row r is user r, or user rows[r] when `rows` is set.
 */
export interface KernelOutput {
  /**
   * The users to process, one per output row (a benchmark sample): the output is then sized for them instead of
   * for every user index, so page-faulting fresh output buffers costs what the sample writes, not 10× more.
   */
  rows?: Int32Array;
  candCount: Int32Array;
  cand: Int32Array;
  /**
   * Each slot's overlap: an integer below MAX_OVERLAP = 2^31 (larger ones are refused), so Int32 holds it exactly in
   * half the bytes of a Float64. A fresh output is page-faulted by the kernel as it writes, and faults are dear on
   * these VMs (1.2 s to first touch 400 MB): at the province that is 200 MB less.
   */
  overlap: Int32Array;
  /** 1 for the slot that stands for its pair: 0 when the same pair also sits in the partner's list at a smaller user index. */
  primary: Uint8Array;
  /** [0] next user chunk to claim, [1] users done, [2] cancel flag. */
  control: Int32Array;
  /** Accumulator updates per thread slot (figures). */
  updates: Float64Array;
}

/**
 * The candidate pairs whose features are computed (candidates.ts compactPairs): each pair once in the engine (its
 * primary slot), every slot of a sample's rows in benchmarks. Grouped by output row: row r's pairs are
 * rowStart[r] … rowStart[r + 1] − 1, so the threads claim rows as they claim them for the lists.
 */
export interface CandidatePairs {
  count: number;
  userA: Int32Array;
  userB: Int32Array;
  rowStart: Int32Array;
  sharedPlaces: Int32Array;
  /** FEATURE_COUNT values per pair, each in [0, 1] in fixed point (FEATURE_SCALE), in FEATURE_NAMES order. */
  features: FeatureArray;
  /** [0] next row chunk to claim, [1] rows done, [2] cancel flag. */
  control: Int32Array;
  /**
   * The memory the arrays above (but control) are in, which the re-score's kernel and its shares' arrays use too
   * (candidates.ts allocatePairs).
   */
  memory: ScoreMemory;
}

/** A crowded place is only opened after checking whether the threshold already rules out everyone new. */
const OPEN_LIMIT = 64;
export const CHUNK = 256;
/** Packing bounds for numeric sort keys (place or user index below the span; overlaps below MAX_OVERLAP). */
const PLACE_SPAN = 2 ** 24;
const USER_SPAN = 2 ** 21;
const MAX_OVERLAP = 2 ** 31;
/**
 * Accumulator start for u itself and its forbidden partners (the Int32 minimum): the weights added to it sum to at
 * most ACC_MAX (see below), so it stays negative.
 */
const FORBIDDEN = -(2 ** 31);
/** The largest sum of a user's own place weights whose overlaps are counted on Int32 accumulators. */
export const ACC_MAX = 2 ** 31 - 1;

/** Whether user groups a and b seek each other's gender (see pool.ts compatibleGroups), as a 9×9 table. */
const COMPAT = (() => {
  const t = new Uint8Array(81);
  for (let a = 0; a < 9; a++)
    for (let b = 0; b < 9; b++) {
      const ga = (a / 3) | 0;
      const sa = a % 3;
      const gb = (b / 3) | 0;
      const sb = b % 3;
      t[a * 9 + b] = (sa === 2 || sa === gb) && (sb === 2 || sb === ga) ? 1 : 0;
    }
  return t;
})();

/** k-th largest (1-based) of a[0..n): Hoare selection, reorders a. */
function kthLargest(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target]!;
  }
  return a[target]!;
}

/** Per-thread working memory of the kernel (see createScratch). */
export interface KernelScratch {
  /**
   * Overlap accumulators. Int32, not Float64: at 400,000 users and more the accumulators are read at random for
   * every update and half the bytes kept more of them in cache (the candidate step took 12.2–14.2 s instead of
   * 18.6–20.6 s at 400k). Every overlap of u is at most the sum of u's own place weights, so they fit whenever that sum
   * is ≤ ACC_MAX; a user whose sum is larger is counted on `wideAcc`.
   */
  acc: Int32Array;
  /** Float64 accumulators for the rare user whose place weights sum past ACC_MAX (allocated on first need). */
  wideAcc?: Float64Array;
  touched: Int32Array;
  scratch: Float64Array;
  /** Stamp per place: set for the current user's places left unopened when the threshold stopped early. */
  restMark: Int32Array;
  brandMark: Int32Array;
  brandSeen: Int32Array;
  catMark: Int32Array;
  catSeen: Int32Array;
  /** Per place: stamp of the user whose features are being computed, and that user's entry at the place. */
  placeMark: Int32Array;
  placeEntry: Int32Array;
  /** Where touchCandidates leaves the sum of what it read. */
  touchedSum: Float64Array;
  /** Increasing stamp source (restMark, brand and category marks): never reused, so the marks need no reset between users or runs. */
  stamp: { value: number };
  /**
   * Estimated cost of completing one survivor by walking its place list, in scanned visitors: its mean place
   * count times a penalty for the random reads (the scan it competes with is sequential).
   */
  walkCost: number;
}

const STAMP_RESET = 2 ** 30;

/** Random reads cost about this many sequential ones (measured on the 100k bench mirror; only steers a choice). */
const RANDOM_READ_PENALTY = 3;

/** How survivors are completed after an early stop: by cost estimate, or one way always (tests cover both). */
export type Completion = 'auto' | 'scan' | 'walk';

/** Per-thread working memory, allocated once: O(users) accumulators that are reset by their touched lists. */
export function createScratch(d: KernelData, completion: Completion = 'auto'): KernelScratch {
  const n = d.userCount;
  return {
    acc: new Int32Array(n),
    touched: new Int32Array(n),
    scratch: new Float64Array(n),
    restMark: new Int32Array(d.placeWeight.length).fill(-1),
    brandMark: new Int32Array(d.brandCount).fill(-1),
    brandSeen: new Int32Array(d.brandCount).fill(-1),
    catMark: new Int32Array(d.categoryCount).fill(-1),
    catSeen: new Int32Array(d.categoryCount).fill(-1),
    placeMark: new Int32Array(d.placeWeight.length).fill(-1),
    placeEntry: new Int32Array(d.placeWeight.length),
    touchedSum: new Float64Array(1),
    stamp: { value: 0 },
    walkCost:
      completion === 'scan' ? Infinity : completion === 'walk' ? -1 : RANDOM_READ_PENALTY * meanPlacesPerPoolUser(d),
  };
}

function meanPlacesPerPoolUser(d: KernelData): number {
  let users = 0;
  let entries = 0;
  for (let u = 0; u < d.userCount; u++) {
    if (!d.inPool[u]) continue;
    users++;
    entries += d.userPlaceStart[u + 1]! - d.userPlaceStart[u]!;
  }
  return users > 0 ? entries / users : 0;
}

/**
 * The top-K lists: claims and processes up to `maxChunks` chunks of output rows; returns false once every row has
 * been claimed. Features come after, for the pairs that need them (runFeatures).
 */
export function runKernel(
  d: KernelData,
  out: KernelOutput,
  slot: number,
  ws: KernelScratch,
  maxChunks = Infinity,
): boolean {
  const n = d.userCount;
  const K = d.topK;
  if (n >= USER_SPAN) throw new Error(`candidate kernel: ${n} users exceed its ${USER_SPAN} limit`);
  const { acc, touched, scratch, restMark } = ws;
  const pairStamp = ws.stamp;
  resetStampsIfDue(ws);
  // Locals for every array the per-user loops read, so the hot loops touch no object fields.
  const {
    inPool,
    group,
    userPlaceStart,
    userPlace,
    placeVisitorStart,
    groupStart,
    groupVisitor,
    placeWeight,
    forbidStart,
    forbid,
    crowdSlot,
    crowdWords,
    crowdBits,
  } = d;
  const { candCount, cand: outCand, overlap: outOverlap, control, rows } = out;
  const rowCount = rows ? rows.length : n;

  let order = new Int32Array(64);
  let orderKey = new Float64Array(64);
  let suffix = new Float64Array(65);
  let selIdx = new Int32Array(64);
  let selScore = new Float64Array(64);
  let updates = 0;
  let more = true;

  for (let chunk = 0; chunk < maxChunks; chunk++) {
    if (Atomics.load(control, 2) === 1) break;
    const first = Atomics.add(control, 0, CHUNK);
    if (first >= rowCount) {
      more = false;
      break;
    }
    const last = Math.min(rowCount, first + CHUNK);
    for (let row = first; row < last; row++) {
      const u = rows ? rows[row]! : row;
      if (!(u >= 0 && u < n))
        throw new Error(`candidate kernel: output row ${row} names user ${u}, outside 0…${n - 1}`);
      candCount[row] = 0;
      if (!inPool[u]) continue;
      const ps = userPlaceStart[u]!;
      const pe = userPlaceStart[u + 1]!;
      let m = 0;
      if (order.length < pe - ps) {
        order = new Int32Array((pe - ps) * 2);
        orderKey = new Float64Array((pe - ps) * 2);
        suffix = new Float64Array((pe - ps) * 2 + 1);
      }
      // Rarest (fewest visitors = heaviest) first, ties by place index: one numeric sort of packed keys.
      for (let e = ps; e < pe; e++) {
        const p = userPlace[e]!;
        if (placeWeight[p]! > 0) orderKey[m++] = (placeVisitorStart[p + 1]! - placeVisitorStart[p]!) * PLACE_SPAN + p;
      }
      if (m === 0) continue;
      if (m > 1) sortPrefix(orderKey, m);
      // Exact decode without a floating-point remainder (slow): the span is a power of two.
      for (let i = 0; i < m; i++) {
        const key = orderKey[i]!;
        order[i] = key - Math.floor(key / PLACE_SPAN) * PLACE_SPAN;
      }
      suffix[m] = 0;
      for (let i = m - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + placeWeight[order[i]!]!;

      let c = 0;
      if (suffix[0]! > ACC_MAX) {
        // u's own places weigh more than an Int32 accumulator holds (some 1,500 distinct places or more in the window:
        // an anomaly, never a typical payer), so no partial overlap of u is sure to fit in one: u is counted on the
        // wide accumulator instead, every place opened, nothing pruned — exact, and rare enough that its cost does not
        // matter. Overlaps that reach MAX_OVERLAP are refused below, as for everyone.
        const wide = (ws.wideAcc ??= new Float64Array(n));
        let t = 0;
        wide[u] = -Infinity;
        touched[t++] = u;
        for (let f = forbidStart[u]!; f < forbidStart[u + 1]!; f++) {
          const v = forbid[f]!;
          if (wide[v] === 0) {
            wide[v] = -Infinity;
            touched[t++] = v;
          }
        }
        const gu = group[u]! * 9;
        for (let i = 0; i < m; i++) {
          const p = order[i]!;
          const w = placeWeight[p]!;
          for (let g = 0; g < 9; g++) {
            if (COMPAT[gu + g] === 0) continue;
            const je = groupStart[p * 9 + g + 1]!;
            for (let j = groupStart[p * 9 + g]!; j < je; j++) {
              const v = groupVisitor[j]!;
              if (wide[v] === 0) touched[t++] = v;
              wide[v]! += w;
            }
          }
          updates += placeVisitorStart[p + 1]! - placeVisitorStart[p]!;
        }
        if (selIdx.length < t) {
          selIdx = new Int32Array(t * 2);
          selScore = new Float64Array(t * 2);
        }
        for (let j = 0; j < t; j++) {
          const v = touched[j]!;
          const s = wide[v]!;
          wide[v] = 0;
          if (s < 0) continue;
          selIdx[c] = v;
          selScore[c] = s;
          c++;
        }
      } else {
        // u itself and its forbidden partners start deeply negative (and touched, so they are reset): the hot loop
        // needs no forbid check, they can never become candidates, and acc > 0 still means "a live candidate".
        let t = 0;
        acc[u] = FORBIDDEN;
        touched[t++] = u;
        for (let f = forbidStart[u]!; f < forbidStart[u + 1]!; f++) {
          const v = forbid[f]!;
          if (acc[v] === 0) {
            acc[v] = FORBIDDEN;
            touched[t++] = v;
          }
        }
        const gu = group[u]! * 9;
        let stop = m;
        // θ as last computed, at place `thetaAt` (−∞ at 0: none yet).
        let theta = -Infinity;
        let thetaAt = 0;
        // The last place is left unopened when crowded and mapped (see the doc above); stop < m still means "stopped
        // early by the threshold", so the two never mix.
        const lastPlace = order[m - 1]!;
        const lazyLast = crowdSlot[lastPlace]! >= 0;
        for (let i = 0; i < m; i++) {
          const p = order[i]!;
          const vs = placeVisitorStart[p]!;
          const ve = placeVisitorStart[p + 1]!;
          if (i === m - 1 && lazyLast) break;
          // The check costs O(touched); only make it when opening the place would cost about as much. Partials only
          // grow, so the last θ is still a lower bound of today's (stop if it already beats the rest), and today's is at
          // most the last (or 0, when u and forbidden partners made it negative) plus the weight opened since: a
          // recomputation that cannot stop us is skipped. Futile recomputations were a third of the kernel's time.
          if (ve - vs > OPEN_LIMIT && t >= K && 2 * (ve - vs) >= t) {
            const rest = suffix[i]!;
            if (theta > rest) {
              stop = i;
              break;
            }
            if (Math.max(theta, 0) + suffix[thetaAt]! - rest > rest) {
              // At least K partials were ≥ the last θ and have only grown, so today's K-th largest is among them.
              let q = 0;
              for (let j = 0; j < t; j++) {
                const a = acc[touched[j]!]!;
                if (a >= theta) scratch[q++] = a;
              }
              theta = kthLargest(scratch, q, K);
              thetaAt = i;
              if (theta > rest) {
                stop = i;
                break;
              }
            }
          }
          const w = placeWeight[p]!;
          const gs = p * 9;
          for (let g = 0; g < 9; g++) {
            if (COMPAT[gu + g] === 0) continue;
            const je = groupStart[gs + g + 1]!;
            for (let j = groupStart[gs + g]!; j < je; j++) {
              const v = groupVisitor[j]!;
              const a = acc[v]!;
              if (a === 0) touched[t++] = v;
              acc[v] = a + w;
            }
          }
          updates += ve - vs;
        }
        // Candidates still in the race (partial + unopened weight can reach θ), completed over the unopened places
        // when we stopped early. Two exact ways, whichever reads less: walk each survivor's own place list against
        // a stamp on the unopened places (random reads, ~places per user each), or scan the unopened places' visitors
        // of compatible groups and add only to survivors (sequential; new users are ignored, as the bound allows).
        if (selIdx.length < t + 9 * K) {
          selIdx = new Int32Array((t + 9 * K) * 2);
          selScore = new Float64Array((t + 9 * K) * 2);
        }
        if (stop === m && lazyLast) {
          const w = placeWeight[lastPlace]!;
          // Touched users who also visit the last place get its weight (u and forbidden partners stay negative).
          const bits = crowdSlot[lastPlace]! * crowdWords;
          for (let j = 0; j < t; j++) {
            const v = touched[j]!;
            if ((crowdBits[bits + (v >> 5)]! >>> (v & 31)) & 1) acc[v]! += w;
          }
          updates += t;
          // Users it would newly touch score exactly w: the first K untouched of each compatible group by index hold
          // the first K overall (acc is still non-zero for every touched user, u and forbidden partners here).
          const gs = lastPlace * 9;
          for (let g = 0; g < 9; g++) {
            if (COMPAT[gu + g] === 0) continue;
            const je = groupStart[gs + g + 1]!;
            let taken = 0;
            for (let j = groupStart[gs + g]!; j < je && taken < K; j++) {
              const v = groupVisitor[j]!;
              updates++;
              if (acc[v] !== 0) continue;
              selIdx[c] = v;
              selScore[c] = w;
              c++;
              taken++;
            }
          }
        }
        if (stop < m) {
          const rest = suffix[stop]!;
          let survivors = 0;
          for (let j = 0; j < t; j++) {
            const v = touched[j]!;
            if (acc[v]! + rest < theta) acc[v] = 0;
            else touched[survivors++] = v;
          }
          let scanCost = 0;
          for (let i = stop; i < m; i++) {
            const gs = order[i]! * 9;
            for (let g = 0; g < 9; g++)
              if (COMPAT[gu + g] !== 0) scanCost += groupStart[gs + g + 1]! - groupStart[gs + g]!;
          }
          if (scanCost <= survivors * ws.walkCost) {
            // Survivors hold acc > 0 and everyone else 0 (weights are positive), so acc > 0 is the survivor test.
            for (let i = stop; i < m; i++) {
              const p = order[i]!;
              const w = placeWeight[p]!;
              const gs = p * 9;
              for (let g = 0; g < 9; g++) {
                if (COMPAT[gu + g] === 0) continue;
                const je = groupStart[gs + g + 1]!;
                for (let j = groupStart[gs + g]!; j < je; j++) {
                  const v = groupVisitor[j]!;
                  const a = acc[v]!;
                  if (a > 0) acc[v] = a + w;
                }
              }
            }
            for (let j = 0; j < survivors; j++) {
              const v = touched[j]!;
              const s = acc[v]!;
              acc[v] = 0;
              // K users already hold partial ≥ θ, so the K-th final overlap is ≥ θ: lower finals cannot make the list.
              if (s < theta) continue;
              selIdx[c] = v;
              selScore[c] = s;
              c++;
            }
          } else {
            const mark = ++pairStamp.value;
            for (let i = stop; i < m; i++) restMark[order[i]!] = mark;
            for (let j = 0; j < survivors; j++) {
              const v = touched[j]!;
              let s = acc[v]!;
              acc[v] = 0;
              const ve = userPlaceStart[v + 1]!;
              for (let e = userPlaceStart[v]!; e < ve; e++) {
                const p = userPlace[e]!;
                if (restMark[p] === mark) s += placeWeight[p]!;
              }
              if (s < theta) continue;
              selIdx[c] = v;
              selScore[c] = s;
              c++;
            }
          }
        } else {
          // A θ computed on the way is still a lower bound of the K-th final overlap (partials only grow): users below
          // it cannot make the list, so they never reach the selection (u and forbidden partners hold s < 0).
          const floor = Math.max(theta, 0);
          for (let j = 0; j < t; j++) {
            const v = touched[j]!;
            const s = acc[v]!;
            acc[v] = 0;
            if (s < floor) continue;
            selIdx[c] = v;
            selScore[c] = s;
            c++;
          }
        }
      }
      // Top K by (overlap desc, index asc) as packed numeric keys (smaller key = better): one selection of the
      // K-th smallest key cuts the list (ties at the K-th overlap are ordered by index by the key itself), then
      // the at most K keys left are sorted.
      let keep = 0;
      for (let j = 0; j < c; j++) {
        const s = selScore[j]!;
        if (s >= MAX_OVERLAP)
          throw new Error(`candidate kernel: overlap ${s} of users ${u}/${selIdx[j]} exceeds its key range`);
        // Overlaps are integers far below 2^32 and user indexes below USER_SPAN, so the key is exact. Negated so
        // the selection (k-th largest) finds the K-th smallest key.
        scratch[keep++] = -((MAX_OVERLAP - s) * USER_SPAN + selIdx[j]!);
      }
      if (keep > K) {
        const cut = kthLargest(scratch, keep, K);
        let m2 = 0;
        for (let j = 0; j < keep; j++) {
          const key = scratch[j]!;
          if (key >= cut) scratch[m2++] = key;
        }
        keep = m2;
      }
      for (let j = 0; j < keep; j++) scratch[j] = -scratch[j]!;
      if (keep > 1) sortPrefix(scratch, keep);
      const base = row * K;
      for (let j = 0; j < keep; j++) {
        const key = scratch[j]!;
        const q = Math.floor(key / USER_SPAN);
        outCand[base + j] = key - q * USER_SPAN;
        outOverlap[base + j] = MAX_OVERLAP - q;
      }
      candCount[row] = keep;
    }
    Atomics.add(control, 1, last - first);
  }
  out.updates[slot]! += updates;
  return more && Atomics.load(control, 0) < rowCount;
}

/** Stamps live in Int32Arrays: a scratch reused run after run (a team's thread) starts over well before they wrap. */
function resetStampsIfDue(ws: KernelScratch): void {
  if (ws.stamp.value <= STAMP_RESET) return;
  ws.restMark.fill(-1);
  ws.brandMark.fill(-1);
  ws.brandSeen.fill(-1);
  ws.catMark.fill(-1);
  ws.catSeen.fill(-1);
  ws.placeMark.fill(-1);
  ws.stamp.value = 0;
}

/**
 * The features of `pairs`, row by row: claims and processes up to `maxChunks` chunks of rows from pairs.control;
 * returns false once every row has been claimed. `rows` maps an output row to its user (a sample), as in runKernel.
 */
export function runFeatures(
  d: KernelData,
  pairs: CandidatePairs,
  rows: Int32Array | undefined,
  ws: KernelScratch,
  maxChunks = Infinity,
): boolean {
  resetStampsIfDue(ws);
  const rowCount = pairs.rowStart.length - 1;
  const control = pairs.control;
  let more = true;
  for (let chunk = 0; chunk < maxChunks; chunk++) {
    if (Atomics.load(control, 2) === 1) break;
    const first = Atomics.add(control, 0, CHUNK);
    if (first >= rowCount) {
      more = false;
      break;
    }
    const last = Math.min(rowCount, first + CHUNK);
    for (let row = first; row < last; row++)
      if (pairs.rowStart[row + 1]! > pairs.rowStart[row]!) pairFeatures(d, pairs, rows ? rows[row]! : row, row, ws);
    Atomics.add(control, 1, last - first);
  }
  return more && Atomics.load(control, 0) < rowCount;
}

/**
 * Sorts a[0..n) ascending in place: insertion sort for the short runs the kernel sorts (a user's places, its K
 * keys), where a typed-array sort call and its subarray view cost more than the sorting.
 */
function sortPrefix(a: Float64Array, n: number): void {
  if (n > 64) {
    a.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
}

/** Int32 values in a 64-byte cache line. */
const INTS_PER_LINE = 16;

/**
 * Reads, ahead of a row's pairs, the memory each candidate's features will read: its record, its entries and its
 * visits, a word per cache line. A candidate's data is a few lines at a random place of arrays far larger than the
 * caches, so computing pair after pair waited for one miss at a time (the features' pass was bound by them); read
 * here in loops where no read waits for another, the misses overlap, and the pairs then find their data cached —
 * the pass took 0.63 of its time at 400,000 users (one thread, same features to the bit). The sum goes to the
 * scratch so the reads are not dropped as unused.
 */
function touchCandidates(d: KernelData, pairs: CandidatePairs, row: number, ws: KernelScratch): void {
  const { featureEntry: E, featureUser: A, visitCode } = d;
  const first = pairs.rowStart[row]!;
  const last = pairs.rowStart[row + 1]!;
  let sum = 0;
  for (let i = first; i < last; i++) sum += A[pairs.userB[i]! * USER_STRIDE]!;
  for (let i = first; i < last; i++) {
    const va = pairs.userB[i]! * USER_STRIDE;
    const end = A[va + 1]! * ENTRY_STRIDE;
    // From the line the first entry is in (both arrays start on a line), so every line is read once.
    for (let at = (A[va]! * ENTRY_STRIDE) & ~(INTS_PER_LINE - 1); at < end; at += INTS_PER_LINE) sum += E[at]!;
  }
  for (let i = first; i < last; i++) {
    const va = pairs.userB[i]! * USER_STRIDE;
    // v's visits end where the entry after its last one's begin (the sentinel entry's, after the last user's).
    const end = E[A[va + 1]! * ENTRY_STRIDE + 2]!;
    for (let x = E[A[va]! * ENTRY_STRIDE + 2]! & ~(INTS_PER_LINE - 1); x < end; x += INTS_PER_LINE)
      sum += visitCode[x]!;
  }
  ws.touchedSum[0] = sum;
}

/**
 * Fills the feature vector of each of u's pairs (output row `row`), each in [0, 1] as fixed-point steps
 * (toFeatureStep), in FEATURE_NAMES order:
 * sharedPlaces = 1 − exp(−overlap / 1e6) (overlap as above; 1e6 ≈ one place with ~2 visitors);
 * sharedBrandsCategories = mean of the Jaccard indexes of both users' brand sets and category sets;
 * coPresence = 1 − exp(−meetings / 2), meetings = u's visits to shared offline places with a visit of v in the
 *   same hour band at most one day apart; recency = (latest day both had visited a shared place + 1) / window days;
 * spendingSimilarity = exp(−|mean ln amount_u − mean ln amount_v|); sameDistrict = 1 when home districts match;
 * ageProximity = max(0, 1 − |age gap| / 15); reciprocity = harmonic mean of overlap / Σ own place weights of each.
 */
function pairFeatures(d: KernelData, pairs: CandidatePairs, u: number, row: number, ws: KernelScratch): void {
  const { brandMark, brandSeen, catMark, catSeen, placeMark, placeEntry, stamp } = ws;
  const { featureEntry: E, featureUser: A, placeWeight, placeBrand, placeCategory, placeOnline } = d;
  const { features, sharedPlaces } = pairs;
  const ua = u * USER_STRIDE;
  const us = A[ua]!;
  const ue = A[ua + 1]!;
  // u's places, brands and categories are marked with a fresh stamp, not with u: a scratch reused for another run
  // would otherwise still hold u's marks from the last one and count none of them.
  const own = ++stamp.value;
  let selfU = 0;
  let brandsU = 0;
  let catsU = 0;
  for (let e = us; e < ue; e++) {
    const p = E[e * ENTRY_STRIDE]!;
    placeMark[p] = own;
    placeEntry[p] = e;
    selfU += placeWeight[p]!;
    const b = placeBrand[p]!;
    if (b >= 0 && brandMark[b] !== own) {
      brandMark[b] = own;
      brandsU++;
    }
    const cat = placeCategory[p]!;
    if (catMark[cat] !== own) {
      catMark[cat] = own;
      catsU++;
    }
  }
  const spendU = A[ua + 2]!;
  const districtAgeU = A[ua + 3]!;
  const districtU = Math.floor(districtAgeU / 1000);
  const ageU = districtAgeU - districtU * 1000 - AGE_OFFSET;
  const last = pairs.rowStart[row + 1]!;
  touchCandidates(d, pairs, row, ws);
  for (let i = pairs.rowStart[row]!; i < last; i++) {
    const v = pairs.userB[i]!;
    const st = ++stamp.value;
    let selfV = 0;
    let brandsV = 0;
    let catsV = 0;
    let brandsBoth = 0;
    let catsBoth = 0;
    let shared = 0;
    let overlap = 0;
    let meetings = 0;
    let latest = -1;
    const va = v * USER_STRIDE;
    const ve = A[va + 1]!;
    for (let e = A[va]!; e < ve; e++) {
      const at = e * ENTRY_STRIDE;
      const p = E[at]!;
      const w = placeWeight[p]!;
      selfV += w;
      const b = placeBrand[p]!;
      if (b >= 0 && brandSeen[b] !== st) {
        brandSeen[b] = st;
        brandsV++;
        if (brandMark[b] === own) brandsBoth++;
      }
      const cat = placeCategory[p]!;
      if (catSeen[cat] !== st) {
        catSeen[cat] = st;
        catsV++;
        if (catMark[cat] === own) catsBoth++;
      }
      if (placeMark[p] === own && w > 0) {
        const a = placeEntry[p]! * ENTRY_STRIDE;
        shared++;
        overlap += w;
        latest = Math.max(latest, Math.min(E[a + 1]!, E[at + 1]!));
        if (!placeOnline[p])
          meetings += coPresentCodes(
            d.visitCode,
            E[a + 2]!,
            E[a + 2 + ENTRY_STRIDE]!,
            E[at + 2]!,
            E[at + 2 + ENTRY_STRIDE]!,
          );
      }
    }
    const f = i * FEATURE_COUNT;
    const jb = brandsU + brandsV - brandsBoth;
    const jc = catsU + catsV - catsBoth;
    const oneWayU = selfU > 0 ? overlap / selfU : 0;
    const oneWayV = selfV > 0 ? overlap / selfV : 0;
    const spendGap = Math.abs(spendU - A[va + 2]!);
    const districtAgeV = A[va + 3]!;
    const districtV = Math.floor(districtAgeV / 1000);
    sharedPlaces[i] = shared;
    features[f] = toFeatureStep(1 - Math.exp(-overlap / WEIGHT_SCALE));
    features[f + 1] = toFeatureStep(0.5 * (jb > 0 ? brandsBoth / jb : 0) + 0.5 * (jc > 0 ? catsBoth / jc : 0));
    features[f + 2] = toFeatureStep(1 - Math.exp(-meetings / 2));
    features[f + 3] = toFeatureStep(latest < 0 ? 0 : (latest + 1) / d.windowDays);
    features[f + 4] = toFeatureStep(Number.isFinite(spendGap) ? Math.exp(-spendGap) : 0);
    features[f + 5] = districtU >= 0 && districtU === districtV ? FEATURE_SCALE : 0;
    features[f + 6] = toFeatureStep(
      Math.max(0, 1 - Math.abs(ageU - (districtAgeV - districtV * 1000 - AGE_OFFSET)) / 15),
    );
    features[f + 7] = toFeatureStep(oneWayU + oneWayV > 0 ? (2 * oneWayU * oneWayV) / (oneWayU + oneWayV) : 0);
  }
}

/**
 * Visits of entry a with a visit of entry b at the same place, same hour band, at most one day apart. Both visit
 * lists are ascending codes (day * 8 + band), so one merge finds, for each visit of a, the visits of b from the day
 * before to the day after: linear in the two lists (a daily coffee has ~20 visits a window, and the obvious double
 * loop over two such lists, for every candidate pair, was most of the features' time).
 */
export function coPresentVisits(d: Pick<KernelData, 'visitStart' | 'visitCode'>, a: number, b: number): number {
  return coPresentCodes(d.visitCode, d.visitStart[a]!, d.visitStart[a + 1]!, d.visitStart[b]!, d.visitStart[b + 1]!);
}

/** coPresentVisits over two runs of visit codes, code[as…ae) and code[bs…be). */
function coPresentCodes(code: Int32Array, as: number, ae: number, bs: number, be: number): number {
  let count = 0;
  let lo = bs;
  for (let i = as; i < ae; i++) {
    const x = code[i]!;
    const band = x & 7;
    const day = x >> 3;
    // b's visits before the day before can match no later visit of a either (a's days only grow).
    while (lo < be && code[lo]! >> 3 < day - 1) lo++;
    for (let j = lo; j < be; j++) {
      const y = code[j]!;
      if (y >> 3 > day + 1) break;
      if ((y & 7) === band) {
        count++;
        break;
      }
    }
  }
  return count;
}

/**
 * Marks each pair's representative slot (see KernelOutput.primary), after every user's list is final: the slot of
 * (u, v) with v < u is not primary when v's own list holds u. Looking that up in v's list for every slot read a random
 * row per slot (0.36 s of the 100k run on one thread); instead the lists are inverted once — for each user w, the
 * smaller users whose lists hold w, in two sequential passes — and each row then checks its smaller candidates
 * against a stamp of its own inverted list.
 */
export function markPrimarySlots(out: KernelOutput, topK: number): void {
  if (out.rows)
    throw new Error('markPrimarySlots: needs an output with one row per user, got one with a row list (a sample)');
  const { candCount, cand, primary } = out;
  const n = candCount.length;
  const listedStart = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) {
    const base = v * topK;
    for (let j = 0; j < candCount[v]!; j++) {
      const w = cand[base + j]!;
      if (w > v) listedStart[w + 1]!++;
    }
  }
  for (let w = 0; w < n; w++) listedStart[w + 1]! += listedStart[w]!;
  const listedBy = new Int32Array(listedStart[n]!);
  const fill = listedStart.slice(0, n);
  for (let v = 0; v < n; v++) {
    const base = v * topK;
    for (let j = 0; j < candCount[v]!; j++) {
      const w = cand[base + j]!;
      if (w > v) listedBy[fill[w]!++] = v;
    }
  }
  const listsMe = new Int32Array(n).fill(-1);
  for (let u = 0; u < n; u++) {
    for (let i = listedStart[u]!; i < listedStart[u + 1]!; i++) listsMe[listedBy[i]!] = u;
    const base = u * topK;
    for (let j = 0; j < candCount[u]!; j++) {
      const v = cand[base + j]!;
      primary[base + j] = v < u && listsMe[v] === u ? 0 : 1;
    }
  }
}
