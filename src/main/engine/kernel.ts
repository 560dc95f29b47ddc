import { FEATURE_NAMES } from '../../shared/domain/ruleset';
import { type MatchPool, WEIGHT_SCALE } from './pool';

/**
 * The candidate + feature kernel: plain typed arrays in, typed arrays out, no I/O, so the same code runs inline
 * (tests, small mirrors) and in the `engine-candidates` worker threads that split the users between them.
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
 * fewer entries, and sequentially). Results are identical to opening everything.
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
  overlap: Float64Array;
  sharedPlaces: Int32Array;
  /** FEATURE_COUNT values per slot, each in [0, 1], in FEATURE_NAMES order. */
  features: Float32Array;
  /** 1 for the slot that stands for its pair: 0 when the same pair also sits in the partner's list at a smaller user index. */
  primary: Uint8Array;
  /** [0] next user chunk to claim, [1] users done, [2] cancel flag. */
  control: Int32Array;
  /** Accumulator updates per thread slot (figures). */
  updates: Float64Array;
}

/** A crowded place is only opened after checking whether the threshold already rules out everyone new. */
const OPEN_LIMIT = 64;
export const CHUNK = 256;
/** Packing bounds for numeric sort keys (place or user index below the span; overlaps below MAX_OVERLAP). */
const PLACE_SPAN = 2 ** 24;
const USER_SPAN = 2 ** 21;
const MAX_OVERLAP = 2 ** 31;
/** Accumulator start for u itself and its forbidden partners: no sum of place weights brings it back above 0. */
const FORBIDDEN = -(2 ** 52);

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
  acc: Float64Array;
  touched: Int32Array;
  scratch: Float64Array;
  /** Stamp per place: set for the current user's places left unopened when the threshold stopped early. */
  restMark: Int32Array;
  brandMark: Int32Array;
  brandSeen: Int32Array;
  catMark: Int32Array;
  catSeen: Int32Array;
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
    acc: new Float64Array(n),
    touched: new Int32Array(n),
    scratch: new Float64Array(n),
    restMark: new Int32Array(d.placeWeight.length).fill(-1),
    brandMark: new Int32Array(d.brandCount).fill(-1),
    brandSeen: new Int32Array(d.brandCount).fill(-1),
    catMark: new Int32Array(d.categoryCount).fill(-1),
    catSeen: new Int32Array(d.categoryCount).fill(-1),
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
 * Claims and processes up to `maxChunks` chunks; returns false once every user has been claimed. `withFeatures`
 * false stops at the top-K lists (benchmarks compare that part alone with the SQL self-join).
 */
export function runKernel(
  d: KernelData,
  out: KernelOutput,
  slot: number,
  ws: KernelScratch,
  maxChunks = Infinity,
  withFeatures = true,
): boolean {
  const n = d.userCount;
  const K = d.topK;
  if (n >= USER_SPAN) throw new Error(`candidate kernel: ${n} users exceed its ${USER_SPAN} limit`);
  const { acc, touched, scratch, restMark, brandMark, brandSeen, catMark, catSeen } = ws;
  const pairStamp = ws.stamp;
  // Stamps live in Int32Arrays: a scratch reused run after run (a candidate team's thread) starts over well before
  // they could wrap (one run uses at most users × (K + 1) < 2^28 of them).
  if (pairStamp.value > STAMP_RESET) {
    restMark.fill(-1);
    brandMark.fill(-1);
    brandSeen.fill(-1);
    catMark.fill(-1);
    catSeen.fill(-1);
    pairStamp.value = 0;
  }
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
      let theta = -1;
      for (let i = 0; i < m; i++) {
        const p = order[i]!;
        const vs = placeVisitorStart[p]!;
        const ve = placeVisitorStart[p + 1]!;
        // The check costs O(touched); only make it when opening the place would cost about as much.
        if (ve - vs > OPEN_LIMIT && t >= K && 2 * (ve - vs) >= t) {
          for (let j = 0; j < t; j++) scratch[j] = acc[touched[j]!]!;
          theta = kthLargest(scratch, t, K);
          if (theta > suffix[i]!) {
            stop = i;
            break;
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
      let c = 0;
      if (selIdx.length < t) {
        selIdx = new Int32Array(t * 2);
        selScore = new Float64Array(t * 2);
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
        for (let j = 0; j < t; j++) {
          const v = touched[j]!;
          const s = acc[v]!;
          acc[v] = 0;
          if (s < 0) continue;
          selIdx[c] = v;
          selScore[c] = s;
          c++;
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
      if (keep > 0 && withFeatures) pairFeatures(d, out, u, row, brandMark, brandSeen, catMark, catSeen, pairStamp);
    }
    Atomics.add(control, 1, last - first);
  }
  out.updates[slot]! += updates;
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

/**
 * Fills the feature vector of every candidate slot of u (output row `row`), each in [0, 1] (FEATURE_NAMES order):
 * sharedPlaces = 1 − exp(−overlap / 1e6) (overlap as above; 1e6 ≈ one place with ~2 visitors);
 * sharedBrandsCategories = mean of the Jaccard indexes of both users' brand sets and category sets;
 * coPresence = 1 − exp(−meetings / 2), meetings = u's visits to shared offline places with a visit of v in the
 *   same hour band at most one day apart; recency = (latest day both had visited a shared place + 1) / window days;
 * spendingSimilarity = exp(−|mean ln amount_u − mean ln amount_v|); sameDistrict = 1 when home districts match;
 * ageProximity = max(0, 1 − |age gap| / 15); reciprocity = harmonic mean of overlap / Σ own place weights of each.
 */
function pairFeatures(
  d: KernelData,
  out: KernelOutput,
  u: number,
  row: number,
  brandMark: Int32Array,
  brandSeen: Int32Array,
  catMark: Int32Array,
  catSeen: Int32Array,
  stamp: { value: number },
): void {
  const K = d.topK;
  const us = d.userPlaceStart[u]!;
  const ue = d.userPlaceStart[u + 1]!;
  // u's brands and categories are marked with a fresh stamp, not with u: a scratch reused for another run would
  // otherwise still hold u's marks from the last one and count none of them.
  const own = ++stamp.value;
  let selfU = 0;
  let brandsU = 0;
  let catsU = 0;
  for (let e = us; e < ue; e++) {
    const p = d.userPlace[e]!;
    selfU += d.placeWeight[p]!;
    const b = d.placeBrand[p]!;
    if (b >= 0 && brandMark[b] !== own) {
      brandMark[b] = own;
      brandsU++;
    }
    const cat = d.placeCategory[p]!;
    if (catMark[cat] !== own) {
      catMark[cat] = own;
      catsU++;
    }
  }
  for (let j = 0; j < out.candCount[row]!; j++) {
    const slotIdx = row * K + j;
    const v = out.cand[slotIdx]!;
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
    let a = us;
    const vs = d.userPlaceStart[v]!;
    const ve = d.userPlaceStart[v + 1]!;
    for (let e = vs; e < ve; e++) {
      const p = d.userPlace[e]!;
      selfV += d.placeWeight[p]!;
      const b = d.placeBrand[p]!;
      if (b >= 0 && brandSeen[b] !== st) {
        brandSeen[b] = st;
        brandsV++;
        if (brandMark[b] === own) brandsBoth++;
      }
      const cat = d.placeCategory[p]!;
      if (catSeen[cat] !== st) {
        catSeen[cat] = st;
        catsV++;
        if (catMark[cat] === own) catsBoth++;
      }
      while (a < ue && d.userPlace[a]! < p) a++;
      if (a < ue && d.userPlace[a] === p && d.placeWeight[p]! > 0) {
        shared++;
        overlap += d.placeWeight[p]!;
        latest = Math.max(latest, Math.min(d.userPlaceLastDay[a]!, d.userPlaceLastDay[e]!));
        if (!d.placeOnline[p]) meetings += coPresentVisits(d, a, e);
      }
    }
    const f = slotIdx * FEATURE_COUNT;
    const jb = brandsU + brandsV - brandsBoth;
    const jc = catsU + catsV - catsBoth;
    const oneWayU = selfU > 0 ? overlap / selfU : 0;
    const oneWayV = selfV > 0 ? overlap / selfV : 0;
    const spendGap = Math.abs(d.spendLevel[u]! - d.spendLevel[v]!);
    out.sharedPlaces[slotIdx] = shared;
    out.features[f] = 1 - Math.exp(-overlap / WEIGHT_SCALE);
    out.features[f + 1] = 0.5 * (jb > 0 ? brandsBoth / jb : 0) + 0.5 * (jc > 0 ? catsBoth / jc : 0);
    out.features[f + 2] = 1 - Math.exp(-meetings / 2);
    out.features[f + 3] = latest < 0 ? 0 : (latest + 1) / d.windowDays;
    out.features[f + 4] = Number.isFinite(spendGap) ? Math.exp(-spendGap) : 0;
    out.features[f + 5] = d.district[u]! >= 0 && d.district[u] === d.district[v] ? 1 : 0;
    out.features[f + 6] = Math.max(0, 1 - Math.abs(d.age[u]! - d.age[v]!) / 15);
    out.features[f + 7] = oneWayU + oneWayV > 0 ? (2 * oneWayU * oneWayV) / (oneWayU + oneWayV) : 0;
  }
}

/** Visits of entry a with a visit of entry b at the same place, same hour band, at most one day apart. */
export function coPresentVisits(d: Pick<KernelData, 'visitStart' | 'visitCode'>, a: number, b: number): number {
  let count = 0;
  const bs = d.visitStart[b]!;
  const be = d.visitStart[b + 1]!;
  for (let i = d.visitStart[a]!; i < d.visitStart[a + 1]!; i++) {
    const x = d.visitCode[i]!;
    const band = x & 7;
    const day = x >> 3;
    for (let j = bs; j < be; j++) {
      const y = d.visitCode[j]!;
      if ((y & 7) === band && Math.abs((y >> 3) - day) <= 1) {
        count++;
        break;
      }
    }
  }
  return count;
}

/** Marks each pair's representative slot (see KernelOutput.primary), after every user's list is final. */
export function markPrimarySlots(out: KernelOutput, topK: number): void {
  if (out.rows)
    throw new Error('markPrimarySlots: needs an output with one row per user, got one with a row list (a sample)');
  const n = out.candCount.length;
  for (let u = 0; u < n; u++) {
    for (let j = 0; j < out.candCount[u]!; j++) {
      const slot = u * topK + j;
      const v = out.cand[slot]!;
      let duplicate = false;
      if (v < u) {
        const base = v * topK;
        for (let k = 0; k < out.candCount[v]!; k++) {
          if (out.cand[base + k] === u) {
            duplicate = true;
            break;
          }
        }
      }
      out.primary[slot] = duplicate ? 0 : 1;
    }
  }
}
