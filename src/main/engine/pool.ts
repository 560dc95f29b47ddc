import type { Db } from '../db/database';
import type { RuleSet } from '../../shared/domain/ruleset';
import type { ProgressSink } from '../../shared/progress';
import { judgeUsers } from './eligibility';
import type { IdIndex } from '../util/id-index';
import { sharedFloat64, sharedInt32, sharedUint8 } from './shared-arrays';
import { placeWeightFor } from './weights';
import type { EngineTeam, ScanResult } from './team';
import { runWindow, type RunWindow } from './window';
import {
  chunkRemapper,
  planCuts,
  planScan,
  type ScanChunk,
  type ScanKeys,
  WindowScanner,
  withMmap,
} from './window-scan';

export { sharedFloat64, sharedInt32, sharedUint8 } from './shared-arrays';

/**
 * The mirror loaded for one run date as dense typed arrays: users get indexes 0..n-1 in id order (SQLite's binary
 * order, so "ties by id" is "ties by index"), places get indexes too. A place is an offline merchant, or an online
 * brand as a whole: buying from a brand's online store says nothing about which of its storefronts you used.
 * Arrays the candidate workers read live in SharedArrayBuffers so both threads see them without copying.
 */
export interface MatchPool {
  window: RunWindow;
  userIds: string[];
  /** 1 when the user may be introduced today (consent, status, real name, age, not excluded by moderation). */
  inPool: Uint8Array;
  /** gender × seeking code: gender F=0/M=1, seeking F=0/M=1/any=2 → gender * 3 + seeking. */
  group: Uint8Array;
  age: Int16Array;
  idVerified: Uint8Array;
  /** Index into `districts`, −1 when unknown. */
  district: Int32Array;
  districts: string[];
  /** Mean ln(amount_fen) of the user's window payments (NaN when none): spending level. */
  spendLevel: Float64Array;
  merchantIds: string[];
  placeCount: number;
  /** Representative merchant of each place (the merchant itself offline, the brand's first store online). */
  placeMerchant: Int32Array;
  placeOnline: Uint8Array;
  /** Brand index of the place (−1 none) and category index. */
  placeBrand: Int32Array;
  placeCategory: Int32Array;
  /** user → distinct places in the window (CSR, place indexes ascending). */
  userPlaceStart: Int32Array;
  userPlace: Int32Array;
  /** Per (user, place) entry: last local day index of a visit (0 = window's first day). */
  userPlaceLastDay: Int32Array;
  /** Per (user, place) entry: its visits as day * 8 + hour band, ascending (CSR over entries). */
  visitStart: Int32Array;
  visitCode: Int32Array;
  /** place → pool visitors (CSR, user indexes ascending). */
  placeVisitorStart: Int32Array;
  placeVisitor: Int32Array;
  /** Rarity weight of each place (integer-valued, see candidates.ts). */
  placeWeight: Float64Array;
  /** user → users they must never be introduced to (blocks either way, earlier introductions), ascending. */
  forbidStart: Int32Array;
  forbid: Int32Array;
  /** Window transactions read (for figures). */
  transactionCount: number;
}

export interface LoadOptions {
  date: string;
  ruleSet: RuleSet;
  /** Users moderation removed from the pool (restricted, suspended, banned). */
  excluded: ReadonlySet<string>;
  /** Optional: restrict the pool to these users (benchmark samples). */
  only?: ReadonlySet<string>;
  /** Rowids per window chunk (default window-scan.ts's; tests use a few rows to exercise the split). */
  scanChunkRows?: number;
}

export { compatibleGroups } from './eligibility';

const sql = {
  merchants: `SELECT m.id, m.brand, m.category, m.channel, coalesce(k.key, -1)
    FROM merchants m LEFT JOIN merchant_keys k ON k.id = m.id ORDER BY m.id`,
  blocks: `SELECT blocker_id, blocked_id FROM blocks`,
  upstreamIntroductions: `SELECT user_a, user_b FROM introductions`,
  // Every other date's runs, earlier or later (a date can be run again after a later one), superseded ones too (they
  // may have been exported before the re-run); the runs of this date are what the new run replaces.
  // Read from the members (migration 018), each pair once: a third of the bytes of the introductions' rows.
  consoleIntroductions: `
    SELECT m.user_id, m.other_id FROM run_introduction_members m JOIN match_runs r ON r.id = m.run_id
    WHERE r.status IN ('completed', 'superseded') AND r.date <> ? AND m.user_id < m.other_id`,
} as const;

/**
 * Who may be introduced on the date (the per-user part; pair rules come later), as the pool's arrays: the one
 * eligibility judgement (./eligibility.ts), narrowed to `only` for benchmark samples.
 */
export function loadEligibility(
  db: Db,
  date: string,
  ruleSet: RuleSet,
  excluded: ReadonlySet<string>,
  only?: ReadonlySet<string>,
): Pick<MatchPool, 'userIds' | 'inPool' | 'group' | 'age' | 'idVerified' | 'district' | 'districts'> & {
  index: IdIndex;
  userKeys: Int32Array;
} {
  const judged = judgeUsers(db, date, ruleSet, excluded);
  const n = judged.userIds.length;
  const inPool = sharedUint8(n);
  for (let i = 0; i < n; i++)
    inPool[i] = judged.verdict[i] === 0 && (only === undefined || only.has(judged.userIds[i]!)) ? 1 : 0;
  const { userIds, index, userKeys, group, age, idVerified, district, districts } = judged;
  return { userIds, index, userKeys, inPool, group, age, idVerified, district, districts };
}

/**
 * Groups values by key (compressed sparse rows), each group ascending. `counted`, when given, already holds each key's
 * count at [key + 1] (a caller that passes over the keys anyway counts them there and saves csr a random-access pass).
 */
function csr(
  keys: Int32Array,
  values: Int32Array,
  count: number,
  keyCount: number,
  counted?: Int32Array,
): { start: Int32Array; values: Int32Array } {
  const start = counted ?? sharedInt32(keyCount + 1);
  if (!counted) for (let i = 0; i < count; i++) start[keys[i]! + 1]!++;
  for (let k = 0; k < keyCount; k++) start[k + 1]! += start[k]!;
  const fill = start.slice(0, keyCount);
  const out = sharedInt32(count);
  for (let i = 0; i < count; i++) out[fill[keys[i]!]!++] = values[i]!;
  for (let k = 0; k < keyCount; k++) sortRun(out, start[k]!, start[k + 1]!);
  return { start, values: out };
}

/**
 * Sorts a[from..to) ascending in place. A user's group is a few dozen transactions: insertion sort there, instead of a
 * subarray view and a sort call per group (a million of each at the province).
 */
function sortRun(a: Int32Array, from: number, to: number): void {
  if (to - from > 48) {
    a.subarray(from, to).sort();
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= from && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
}

class IntList {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

export { placeWeightFor, WEIGHT_SCALE } from './weights';

/**
 * The pool for a run, on the calling thread. loadPoolWith does the same with an engine team reading the window in
 * parallel; both share every step (poolPlaces, the window scan, buildPool).
 */
export function loadPool(db: Db, options: LoadOptions, progress: ProgressSink): MatchPool {
  const start = beginPool(db, options, progress);
  const scanned = withMmap(db, (): ScanResult => {
    const scanner = new WindowScanner(db, start.window);
    const plan = planScan(db, start.window, options.scanChunkRows);
    const chunks: ScanChunk[] = [];
    for (let k = 0; k < plan.count; k++) {
      chunks.push(scanner.chunk(plan, k));
      if ((k & 7) === 7) {
        progress.throwIfCancelled();
        progress.report('load transactions', k + 1, plan.count);
      }
    }
    return { chunks, keysOf: chunks.map(() => scanner.keys) };
  });
  return buildPool(start, scanned, readForbidden(db, options.date, start.userIndex), progress);
}

/**
 * loadPool with the window read by `team`'s threads (their own read-only connections to the same file). The
 * threads read the keys and plan the scan themselves, so the whole read of the window overlaps this thread's
 * eligibility, places and forbidden pairs (the scan planning alone was half a second at 100,000 users, and it no
 * longer waits for eligibility).
 */
export async function loadPoolWith(
  db: Db,
  options: LoadOptions,
  progress: ProgressSink,
  team: EngineTeam,
): Promise<MatchPool> {
  const window = runWindow(options.date, options.ruleSet.windowDays);
  const scanning = team.scan(db.name, window, planCuts(db, team.threads), options.scanChunkRows, progress);
  let start: PoolStart;
  let forbidden: ForbiddenPairs;
  try {
    start = beginPool(db, options, progress);
    forbidden = readForbidden(db, options.date, start.userIndex);
  } finally {
    // The scan is awaited even when the reads above failed: its threads must be idle before anything else runs.
    await scanning.catch(() => undefined);
  }
  return buildPool(start, await scanning, forbidden, progress);
}

interface PoolStart {
  window: RunWindow;
  users: Omit<ReturnType<typeof loadEligibility>, 'index'>;
  userIndex: IdIndex;
  places: ReturnType<typeof poolPlaces>;
}

function beginPool(db: Db, options: LoadOptions, progress: ProgressSink): PoolStart {
  const { ruleSet } = options;
  const window = runWindow(options.date, ruleSet.windowDays);
  progress.report('load users', 0, null);
  const { index: userIndex, ...users } = loadEligibility(db, options.date, ruleSet, options.excluded, options.only);
  const places = poolPlaces(db);
  progress.report('load transactions', 0, null);
  return { window, users, userIndex, places };
}

/** Places: offline merchants one by one, online stores merged per brand. */
function poolPlaces(db: Db): {
  merchantIds: string[];
  merchantKeys: Int32Array;
  merchantPlace: Int32Array;
  placeMerchant: Int32Array;
  placeOnline: Uint8Array;
  placeBrand: Int32Array;
  placeCategory: Int32Array;
} {
  const merchantRows = db.prepare(sql.merchants).raw().all() as [string, string | null, string, string, number][];
  const merchantIds = new Array<string>(merchantRows.length);
  const merchantKeys = new Int32Array(merchantRows.length);
  const merchantPlace = new Int32Array(merchantRows.length);
  const placeMerchantList: number[] = [];
  const placeOnlineList: number[] = [];
  const placeBrandList: number[] = [];
  const placeCategoryList: number[] = [];
  const brandIndex = new Map<string, number>();
  const categoryIndex = new Map<string, number>();
  const onlineBrandPlace = new Map<string, number>();
  merchantRows.forEach(([id, brand, category, channel, key], m) => {
    merchantIds[m] = id;
    merchantKeys[m] = key;
    let b = -1;
    if (brand !== null) {
      b = brandIndex.get(brand) ?? brandIndex.size;
      brandIndex.set(brand, b);
    }
    const c = categoryIndex.get(category) ?? categoryIndex.size;
    categoryIndex.set(category, c);
    const online = channel === 'online';
    const existing = online && brand !== null ? onlineBrandPlace.get(brand) : undefined;
    if (existing !== undefined) {
      merchantPlace[m] = existing;
      return;
    }
    const p = placeMerchantList.length;
    if (online && brand !== null) onlineBrandPlace.set(brand, p);
    merchantPlace[m] = p;
    placeMerchantList.push(m);
    placeOnlineList.push(online ? 1 : 0);
    placeBrandList.push(b);
    placeCategoryList.push(c);
  });
  return {
    merchantIds,
    merchantKeys,
    merchantPlace,
    placeMerchant: Int32Array.from(placeMerchantList),
    placeOnline: Uint8Array.from(placeOnlineList),
    placeBrand: Int32Array.from(placeBrandList),
    placeCategory: Int32Array.from(placeCategoryList),
  };
}

type ForbiddenPairs = { start: Int32Array; values: Int32Array };

/** Pairs never to introduce: blocks either way, upstream history, the console's own earlier runs. */
function readForbidden(db: Db, date: string, userIndex: IdIndex): ForbiddenPairs {
  const fKeys = new IntList();
  const fVals = new IntList();
  const addForbidden = (a: string, b: string): void => {
    const x = userIndex.find(a, 0, a.length);
    const y = userIndex.find(b, 0, b.length);
    if (x === -1 || y === -1 || x === y) return;
    fKeys.push(x);
    fVals.push(y);
    fKeys.push(y);
    fVals.push(x);
  };
  for (const [a, b] of db.prepare(sql.blocks).raw().iterate() as Iterable<[string, string]>) addForbidden(a, b);
  for (const [a, b] of db.prepare(sql.upstreamIntroductions).raw().iterate() as Iterable<[string, string]>)
    addForbidden(a, b);
  for (const [a, b] of db.prepare(sql.consoleIntroductions).raw().iterate(date) as Iterable<[string, string]>)
    addForbidden(a, b);
  return csr(fKeys.data, fVals.data, fKeys.length, userIndex.size);
}

/** Everything after the reads: per-user place lists with their visits, the inverted index, the weights. */
function buildPool(
  start: PoolStart,
  scanned: ScanResult,
  forbidden: ForbiddenPairs,
  progress: ProgressSink,
): MatchPool {
  const { window, users, places } = start;
  const n = users.userIds.length;
  const poolKeys = { userKeys: users.userKeys, merchantKeys: places.merchantKeys };
  const remappers = new Map<ScanKeys, (chunk: ScanChunk) => ScanChunk>();
  const chunks = scanned.chunks.map((c, k) => {
    const keys = scanned.keysOf[k]!;
    let remap = remappers.get(keys);
    if (!remap) remappers.set(keys, (remap = chunkRemapper(keys, poolKeys)));
    return remap(c);
  });
  const merchantPlace = places.merchantPlace;
  // The chunks in rowid order, as one sequential scan would have read them (the spending sums depend on the order).
  let count = 0;
  for (const c of chunks) count += c.user.length;
  // Each transaction's user, and its key for grouping by user then place then visit: place * 1024 + visit code
  // (day * 8 + band < 1024 for windows ≤ 90 days) sorts by place, then visit.
  const txUser = new Int32Array(count);
  const txKey = new Int32Array(count);
  const spendSum = new Float64Array(n);
  // Each user's transaction count, at [u + 1]: the spending level's divisor and csr's first pass in one.
  const userTxCount = new Int32Array(n + 1);
  let at = 0;
  for (const c of chunks) {
    txUser.set(c.user, at);
    for (let i = 0; i < c.user.length; i++) {
      const u = c.user[i]!;
      txKey[at + i] = merchantPlace[c.merchant[i]!]! * 1024 + c.visit[i]!;
      spendSum[u]! += c.lnAmount[i]!;
      userTxCount[u + 1]!++;
    }
    at += c.user.length;
  }
  const spendLevel = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    const k = userTxCount[u + 1]!;
    spendLevel[u] = k ? spendSum[u]! / k : Number.NaN;
  }

  // Group by user, then by place within the user: the keys are grouped by user as they are (csr sorts each user's).
  // Reading a user's transactions' places and visits through their indexes instead was two reads at random per
  // transaction, most of this step (0.7 s at 400,000 users; 0.2 s now).
  progress.report('index places', 0, null);
  const byUser = csr(txUser, txKey, count, n, userTxCount);
  // Entries and visits are at most one per transaction: written straight into shared arrays of that size, used as
  // views of their filled part (pages never written cost no memory), so nothing is grown, sliced or copied again
  // for the worker threads — at the province those copies were a second of the load.
  const userPlaceStart = sharedInt32(n + 1);
  const userPlaceAll = sharedInt32(count);
  const lastDayAll = sharedInt32(count);
  const visitStartAll = sharedInt32(count + 1);
  const visitCodeAll = sharedInt32(count);
  const keys = byUser.values;
  let entries = 0;
  let visits = 0;
  for (let u = 0; u < n; u++) {
    userPlaceStart[u] = entries;
    let prevPlace = -1;
    let prevVisit = -1;
    const end = byUser.start[u + 1]!;
    for (let i = byUser.start[u]!; i < end; i++) {
      const k = keys[i]!;
      const p = k >> 10;
      const v = k & 1023;
      if (p !== prevPlace) {
        userPlaceAll[entries] = p;
        visitStartAll[entries] = visits;
        entries++;
        prevPlace = p;
        prevVisit = -1;
      }
      if (v !== prevVisit) visitCodeAll[visits++] = v;
      prevVisit = v;
      lastDayAll[entries - 1] = v >> 3;
    }
  }
  userPlaceStart[n] = entries;
  visitStartAll[entries] = visits;
  const userPlace = userPlaceAll.subarray(0, entries);

  // Inverted index over pool users only, and the rarity weights it implies. Filled in user order, so each place's
  // visitors come out ascending without a sort.
  const placeCount = places.placeMerchant.length;
  const placeVisitorStart = sharedInt32(placeCount + 1);
  for (let u = 0; u < n; u++)
    if (users.inPool[u])
      for (let e = userPlaceStart[u]!; e < userPlaceStart[u + 1]!; e++) placeVisitorStart[userPlace[e]! + 1]!++;
  for (let p = 0; p < placeCount; p++) placeVisitorStart[p + 1]! += placeVisitorStart[p]!;
  const placeVisitor = sharedInt32(placeVisitorStart[placeCount]!);
  const fill = placeVisitorStart.slice(0, placeCount);
  for (let u = 0; u < n; u++)
    if (users.inPool[u])
      for (let e = userPlaceStart[u]!; e < userPlaceStart[u + 1]!; e++) placeVisitor[fill[userPlace[e]!]!++] = u;
  const placeWeight = sharedFloat64(placeCount);
  for (let p = 0; p < placeCount; p++)
    placeWeight[p] = placeWeightFor(placeVisitorStart[p + 1]! - placeVisitorStart[p]!);

  return {
    window,
    ...users,
    spendLevel,
    merchantIds: places.merchantIds,
    placeCount,
    placeMerchant: places.placeMerchant,
    placeOnline: places.placeOnline,
    placeBrand: places.placeBrand,
    placeCategory: places.placeCategory,
    userPlaceStart,
    userPlace,
    userPlaceLastDay: lastDayAll.subarray(0, entries),
    visitStart: visitStartAll.subarray(0, entries + 1),
    visitCode: visitCodeAll.subarray(0, visits),
    placeVisitorStart,
    placeVisitor,
    placeWeight,
    forbidStart: forbidden.start,
    forbid: forbidden.values,
    transactionCount: count,
  };
}
