import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database';
import { DEFAULT_RULE_SET } from '../../shared/domain/ruleset';
import { silentProgress } from '../../shared/progress';
import {
  allocateOutput,
  allocateRowsOutput,
  compactPairs,
  findCandidates,
  kernelData,
  startCandidateTeam,
} from './candidates';
import {
  ACC_MAX,
  type CandidatePairs,
  coPresentVisits,
  type Completion,
  createScratch,
  FEATURE_COUNT,
  type KernelData,
  type KernelOutput,
  type KernelScratch,
  markPrimarySlots,
  runFeatures,
  runKernel,
} from './kernel';
import { compatibleGroups, loadPool, loadPoolWith, type MatchPool } from './pool';
import { startEngineTeam } from './team';
import { FEATURE_SCALE, toFeatureStep } from './score-share';
import { planCuts } from './window-scan';
import { buildTestMirror } from '../testing/engine-mirror';
import { mulberry32 } from '../util/seeded-random';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tempDb(): Db {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-'));
  dirs.push(dir);
  return openDatabase(path.join(dir, 'mirror.db'));
}

/** Lists, then the features of every slot (the engine computes only primary slots; tests compare slot by slot). */
function listsAndFeatures(data: KernelData, out: KernelOutput, ws: KernelScratch): CandidatePairs {
  runKernel(data, out, 0, ws);
  const pairs = compactPairs(out, data.topK, false);
  runFeatures(data, pairs, out.rows, ws);
  return pairs;
}

/** The obvious way: every pair, set intersection, sort by (overlap desc, index asc). */
function bruteForceTopK(pool: MatchPool, k: number): Map<number, { v: number; s: number }[]> {
  const n = pool.userIds.length;
  const places: Set<number>[] = [];
  for (let u = 0; u < n; u++)
    places.push(new Set(pool.userPlace.subarray(pool.userPlaceStart[u]!, pool.userPlaceStart[u + 1]!)));
  const forbidden = (u: number, v: number): boolean =>
    pool.forbid.subarray(pool.forbidStart[u]!, pool.forbidStart[u + 1]!).includes(v);
  const result = new Map<number, { v: number; s: number }[]>();
  for (let u = 0; u < n; u++) {
    if (!pool.inPool[u]) continue;
    const list: { v: number; s: number }[] = [];
    for (let v = 0; v < n; v++) {
      if (v === u || !pool.inPool[v] || !compatibleGroups(pool.group[u]!, pool.group[v]!) || forbidden(u, v)) continue;
      let s = 0;
      for (const p of places[u]!) if (places[v]!.has(p)) s += pool.placeWeight[p]!;
      if (s > 0) list.push({ v, s });
    }
    list.sort((a, b) => b.s - a.s || a.v - b.v);
    result.set(u, list.slice(0, k));
  }
  return result;
}

describe('exact top-K candidates', () => {
  it('counts a user whose place weights sum past an Int32 accumulator on the wide one, still exact', async () => {
    const db = tempDb();
    buildTestMirror(db, { users: 300, seed: 11 });
    const k = 5;
    const ruleSet = { ...DEFAULT_RULE_SET, windowDays: 30, topK: k };
    const probe = loadPool(db, { date: '2026-11-24', ruleSet, excluded: new Set() }, silentProgress);
    // An account paying at 2,400 shops of its own in the window, each shared with one of 50 pool users of groups it
    // is not compatible with (so each shop weighs round(1e6 / ln 3) and they never enter its list): its own weights
    // sum past ACC_MAX. It seeks its own group, so it is in its own places' visitor lists: on an Int32 accumulator
    // its own sum would climb from the forbidden start past zero and make it its own best candidate.
    const heavy = probe.userIds.findIndex(
      (_, u) => probe.inPool[u] === 1 && compatibleGroups(probe.group[u]!, probe.group[u]!),
    );
    const others = probe.userIds.map((id, v) => ({ id, v })).filter(({ v }) => v !== heavy && probe.inPool[v] === 1);
    const strangers = others.filter(({ v }) => !compatibleGroups(probe.group[heavy]!, probe.group[v]!)).slice(0, 50);
    const blocker = others.find(({ v }) => compatibleGroups(probe.group[heavy]!, probe.group[v]!))!;
    expect(strangers.length).toBe(50);
    const heavyId = probe.userIds[heavy]!;
    const paidAt = db.prepare('SELECT max(paid_at) FROM transactions').pluck().get() as number;
    const insertMerchant = db.prepare(
      `INSERT INTO merchants (id, name, brand, category, channel, city, district, lat, lon, price_level)
       VALUES (?, 'shop', NULL, 'coffee', 'offline', 'c', 'd1', NULL, NULL, 1)`,
    );
    const pay = db.prepare(
      `INSERT INTO transactions (id, user_key, merchant_key, amount_fen, paid_at, paid_tz)
       VALUES (?, (SELECT key FROM user_keys WHERE id = ?), (SELECT key FROM merchant_keys WHERE id = ?), 1200, ?, 480)`,
    );
    db.transaction(() => {
      for (let i = 0; i < 2_400; i++) {
        insertMerchant.run(`heavy-shop-${i}`);
        pay.run(`heavy-${i}`, heavyId, `heavy-shop-${i}`, paidAt - i);
        // The first 20 shops are shared with a compatible user who blocked the account (it must stay out of the list).
        pay.run(`other-${i}`, (i < 20 ? blocker : strangers[i % 50]!).id, `heavy-shop-${i}`, paidAt - i);
      }
      db.prepare('INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, 0)').run(blocker.id, heavyId);
    })();
    const pool = loadPool(db, { date: '2026-11-24', ruleSet, excluded: new Set() }, silentProgress);
    const heavyNow = pool.userIds.indexOf(heavyId);
    let ownWeight = 0;
    for (let e = pool.userPlaceStart[heavyNow]!; e < pool.userPlaceStart[heavyNow + 1]!; e++)
      ownWeight += pool.placeWeight[pool.userPlace[e]!]!;
    expect(ownWeight).toBeGreaterThan(ACC_MAX);
    const want = bruteForceTopK(pool, k);
    expect(want.get(heavyNow)!.length).toBe(k);
    for (const threads of [1, 2]) {
      const got = await findCandidates(pool, { topK: k, threads }, silentProgress);
      for (let u = 0; u < pool.userIds.length; u++) {
        const mine = Array.from({ length: got.out.candCount[u]! }, (_, j) => ({
          v: got.out.cand[u * k + j]!,
          s: got.out.overlap[u * k + j]!,
        }));
        expect(mine, `user ${pool.userIds[u]}, ${threads} thread(s)`).toEqual(want.get(u) ?? []);
      }
    }
  });

  for (const seed of [1, 2, 3]) {
    for (const threads of [1, 2]) {
      it(`equals brute force (seed ${seed}, ${threads} thread${threads > 1 ? 's' : ''})`, async () => {
        const db = tempDb();
        buildTestMirror(db, { users: 400, seed });
        const k = 5;
        const pool = loadPool(
          db,
          { date: '2026-11-24', ruleSet: { ...DEFAULT_RULE_SET, windowDays: 30, topK: k }, excluded: new Set() },
          silentProgress,
        );
        // The mirror must exercise pruning: some places are crowded beyond the kernel's open limit.
        let crowded = 0;
        for (let p = 0; p < pool.placeCount; p++)
          if (pool.placeVisitorStart[p + 1]! - pool.placeVisitorStart[p]! > 64) crowded++;
        expect(crowded).toBeGreaterThan(0);
        const got = await findCandidates(pool, { topK: k, threads }, silentProgress);
        const want = bruteForceTopK(pool, k);
        let compared = 0;
        for (let u = 0; u < pool.userIds.length; u++) {
          const mine = Array.from({ length: got.out.candCount[u]! }, (_, j) => ({
            v: got.out.cand[u * k + j]!,
            s: got.out.overlap[u * k + j]!,
          }));
          expect(mine, `user ${pool.userIds[u]}`).toEqual(want.get(u) ?? []);
          compared += mine.length;
        }
        expect(compared).toBeGreaterThan(100);
        // …and the threshold really pruned: fewer accumulator updates than opening every place of every user.
        let fullScan = 0;
        for (let u = 0; u < pool.userIds.length; u++) {
          if (!pool.inPool[u]) continue;
          for (let e = pool.userPlaceStart[u]!; e < pool.userPlaceStart[u + 1]!; e++) {
            const p = pool.userPlace[e]!;
            if (pool.placeWeight[p]! > 0) fullScan += pool.placeVisitorStart[p + 1]! - pool.placeVisitorStart[p]!;
          }
        }
        expect(got.updates).toBeLessThan(fullScan);
      });
    }
  }

  it('fills features in [0, 1] (fixed point) and counts shared places', async () => {
    const db = tempDb();
    buildTestMirror(db, { users: 200, seed: 9 });
    const pool = loadPool(db, { date: '2026-11-24', ruleSet: DEFAULT_RULE_SET, excluded: new Set() }, silentProgress);
    const got = await findCandidates(pool, { topK: 10, threads: 1 }, silentProgress);
    expect(got.pairs.count).toBeGreaterThan(0);
    for (let i = 0; i < got.pairs.count; i++) {
      expect(got.pairs.sharedPlaces[i]).toBeGreaterThan(0);
      for (let f = 0; f < 8; f++) {
        // In fixed point: 0 … FEATURE_SCALE is 0 … 1.
        const x = got.pairs.features[i * 8 + f]!;
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(FEATURE_SCALE);
      }
    }
    // Each pair once, at its primary slot, with the features that slot gets when every slot is computed.
    const data = kernelData(pool, 10);
    const all = listsAndFeatures(data, allocateOutput(pool.userIds.length, 10, 1), createScratch(data));
    // A row lists a candidate once, so (row's user, candidate) names one slot of every list.
    const bySlot = new Map(Array.from(all.userA, (a, i) => [`${a}>${all.userB[i]!}`, i]));
    const seen = new Set<string>();
    for (let i = 0; i < got.pairs.count; i++) {
      const [a, b] = [got.pairs.userA[i]!, got.pairs.userB[i]!];
      const key = `${Math.min(a, b)}-${Math.max(a, b)}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
      const j = bySlot.get(`${a}>${b}`)!;
      expect(j, `${a}>${b}`).toBeDefined();
      expect(Array.from(got.pairs.features.subarray(i * 8, i * 8 + 8))).toEqual(
        Array.from(all.features.subarray(j * 8, j * 8 + 8)),
      );
      expect(got.pairs.sharedPlaces[i]).toBe(all.sharedPlaces[j]);
    }
    // …and every pair of every list is there.
    const everyPair = new Set(
      Array.from(all.userA, (a, i) => `${Math.min(a, all.userB[i]!)}-${Math.max(a, all.userB[i]!)}`),
    );
    expect(seen).toEqual(everyPair);
    expect(got.pairs.count).toBeLessThan(all.count);
  });

  /**
   * A pair's features as FEATURE_NAMES defines them, from the pool's plain arrays with sets: what each user brings
   * alone is counted here for every pair. Sums are taken in entry order, as the kernel takes them, so the features
   * agree to the step (62,500 steps, rounded half up, written out here rather than taken from the kernel's helper).
   */
  function definedFeatures(pool: MatchPool, u: number, v: number): { features: number[]; shared: number } {
    const entriesOf = (x: number): number[] =>
      Array.from(
        { length: pool.userPlaceStart[x + 1]! - pool.userPlaceStart[x]! },
        (_, i) => pool.userPlaceStart[x]! + i,
      );
    const visitsOf = (e: number): number[] =>
      Array.from(pool.visitCode.subarray(pool.visitStart[e]!, pool.visitStart[e + 1]!));
    const placeOf = (e: number): number => pool.userPlace[e]!;
    const self = (x: number): number => entriesOf(x).reduce((sum, e) => sum + pool.placeWeight[placeOf(e)]!, 0);
    const brands = (x: number): Set<number> =>
      new Set(
        entriesOf(x)
          .map((e) => pool.placeBrand[placeOf(e)]!)
          .filter((b) => b >= 0),
      );
    const categories = (x: number): Set<number> => new Set(entriesOf(x).map((e) => pool.placeCategory[placeOf(e)]!));
    const jaccardParts = (a: Set<number>, b: Set<number>): [number, number] => {
      const both = [...b].filter((x) => a.has(x)).length;
      return [both, a.size + b.size - both];
    };
    const uEntryAt = new Map(entriesOf(u).map((e) => [placeOf(e), e]));
    let shared = 0;
    let overlap = 0;
    let meetings = 0;
    let latest = -1;
    for (const e of entriesOf(v)) {
      const p = placeOf(e);
      const w = pool.placeWeight[p]!;
      const mine = uEntryAt.get(p);
      if (mine === undefined || w <= 0) continue;
      shared++;
      overlap += w;
      latest = Math.max(latest, Math.min(pool.userPlaceLastDay[mine]!, pool.userPlaceLastDay[e]!));
      // u's visits there with a visit of v in the same hour band, at most a day apart.
      if (!pool.placeOnline[p])
        meetings += visitsOf(mine).filter((x) =>
          visitsOf(e).some((y) => (y & 7) === (x & 7) && Math.abs((y >> 3) - (x >> 3)) <= 1),
        ).length;
    }
    const [brandsBoth, jb] = jaccardParts(brands(u), brands(v));
    const [catsBoth, jc] = jaccardParts(categories(u), categories(v));
    const oneWayU = self(u) > 0 ? overlap / self(u) : 0;
    const oneWayV = self(v) > 0 ? overlap / self(v) : 0;
    const spendGap = Math.abs(pool.spendLevel[u]! - pool.spendLevel[v]!);
    const features = [
      1 - Math.exp(-overlap / 1_000_000),
      0.5 * (jb > 0 ? brandsBoth / jb : 0) + 0.5 * (jc > 0 ? catsBoth / jc : 0),
      1 - Math.exp(-meetings / 2),
      latest < 0 ? 0 : (latest + 1) / pool.window.days,
      Number.isFinite(spendGap) ? Math.exp(-spendGap) : 0,
      pool.district[u]! >= 0 && pool.district[u] === pool.district[v] ? 1 : 0,
      Math.max(0, 1 - Math.abs(pool.age[u]! - pool.age[v]!) / 15),
      oneWayU + oneWayV > 0 ? (2 * oneWayU * oneWayV) / (oneWayU + oneWayV) : 0,
    ].map((x) => Math.round(x * 62_500));
    return { features, shared };
  }

  it('rounds a feature to the nearest of 62,500 steps, half up; NaN to 0 once stored', () => {
    const stored = Uint16Array.from([0, 1, 1.5 / 62_500, 2.49 / 62_500, 0.5, Number.NaN], toFeatureStep);
    expect(Array.from(stored)).toEqual([0, 62_500, 2, 2, 31_250, 0]);
    expect(FEATURE_SCALE).toBe(62_500);
  });

  it('computes every feature as its definition says, for every pair', async () => {
    const db = tempDb();
    buildTestMirror(db, { users: 300, seed: 21 });
    const pool = loadPool(db, { date: '2026-11-24', ruleSet: DEFAULT_RULE_SET, excluded: new Set() }, silentProgress);
    const got = await findCandidates(pool, { topK: 10, threads: 1 }, silentProgress);
    expect(got.pairs.count).toBeGreaterThan(500);
    const seen = new Set<number>();
    for (let i = 0; i < got.pairs.count; i++) {
      const [u, v] = [got.pairs.userA[i]!, got.pairs.userB[i]!];
      const want = definedFeatures(pool, u, v);
      expect(Array.from(got.pairs.features.subarray(i * 8, i * 8 + 8)), `${u}-${v}`).toEqual(want.features);
      expect(got.pairs.sharedPlaces[i], `${u}-${v}`).toBe(want.shared);
      want.features.forEach((x, k) => x > 0 && x < FEATURE_SCALE && seen.add(k));
    }
    // Every feature took values strictly between its ends somewhere (else a feature stuck at 0 or 1 would pass).
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 6, 7]);
  });

  /** The lists of every user as [candidate, overlap] pairs, for comparing two kernel outputs. */
  function lists(out: KernelOutput, n: number, k: number): [number, number][][] {
    return Array.from({ length: n }, (_, u) =>
      Array.from({ length: out.candCount[u]! }, (_, j): [number, number] => [
        out.cand[u * k + j]!,
        out.overlap[u * k + j]!,
      ]),
    );
  }

  for (const completion of ['scan', 'walk'] as Completion[]) {
    it(`completes survivors exactly by ${completion} after an early stop`, () => {
      const db = tempDb();
      buildTestMirror(db, { users: 400, seed: 4 });
      const k = 5;
      const pool = loadPool(
        db,
        { date: '2026-11-24', ruleSet: { ...DEFAULT_RULE_SET, windowDays: 30, topK: k }, excluded: new Set() },
        silentProgress,
      );
      const data = kernelData(pool, k);
      const out = allocateOutput(pool.userIds.length, k, 1);
      runKernel(data, out, 0, createScratch(data, completion));
      const want = bruteForceTopK(pool, k);
      for (let u = 0; u < pool.userIds.length; u++) {
        const mine = Array.from({ length: out.candCount[u]! }, (_, j) => ({
          v: out.cand[u * k + j]!,
          s: out.overlap[u * k + j]!,
        }));
        expect(mine, `user ${pool.userIds[u]} (${completion})`).toEqual(want.get(u) ?? []);
      }
    });
  }

  it('a scratch reused run after run (and past its stamp reset) gives the same lists and features', () => {
    const db = tempDb();
    buildTestMirror(db, { users: 300, seed: 6 });
    const k = 5;
    const pool = loadPool(
      db,
      { date: '2026-11-24', ruleSet: { ...DEFAULT_RULE_SET, windowDays: 30, topK: k }, excluded: new Set() },
      silentProgress,
    );
    const data = kernelData(pool, k);
    const n = pool.userIds.length;
    const first = allocateOutput(n, k, 1);
    const firstPairs = listsAndFeatures(data, first, createScratch(data));
    // The walk completion reads the place stamps, so stale stamps after a reset would show.
    const ws = createScratch(data, 'walk');
    listsAndFeatures(data, allocateOutput(n, k, 1), ws);
    const featureSum = firstPairs.features.reduce((a, b) => a + b, 0);
    expect(featureSum).toBeGreaterThan(0);
    for (const stamp of [ws.stamp.value, 2 ** 30 + 1]) {
      ws.stamp.value = stamp;
      const again = allocateOutput(n, k, 1);
      const againPairs = listsAndFeatures(data, again, ws);
      expect(lists(again, n, k), `stamp ${stamp}`).toEqual(lists(first, n, k));
      expect(Array.from(againPairs.features), `stamp ${stamp}`).toEqual(Array.from(firstPairs.features));
    }
  });

  it('a candidate team gives the inline lists on every run, reusing its threads', async () => {
    const db = tempDb();
    buildTestMirror(db, { users: 300, seed: 5 });
    const k = 5;
    const pool = loadPool(
      db,
      { date: '2026-11-24', ruleSet: { ...DEFAULT_RULE_SET, windowDays: 30, topK: k }, excluded: new Set() },
      silentProgress,
    );
    const data = kernelData(pool, k);
    const n = pool.userIds.length;
    const inline = allocateOutput(n, k, 1);
    const inlinePairs = listsAndFeatures(data, inline, createScratch(data));
    const team = startCandidateTeam(data, 2);
    try {
      for (let run = 0; run < 2; run++) {
        const out = allocateOutput(n, k, 2);
        const times = await team.run(out);
        expect(times.wallMs).toBeGreaterThan(0);
        expect(times.threadMs).toHaveLength(2);
        expect(Atomics.load(out.control, 1), `users done, run ${run}`).toBe(n);
        expect(lists(out, n, k)).toEqual(lists(inline, n, k));
        const pairs = compactPairs(out, k, false);
        await team.features(pairs, undefined);
        expect(Atomics.load(pairs.control, 1), `rows done, run ${run}`).toBe(n);
        expect(Array.from(pairs.features)).toEqual(Array.from(inlinePairs.features));
      }
      expect(() => startCandidateTeam(data, 0)).toThrow(/threads must be a positive integer, got 0/);
    } finally {
      await team.close();
    }
  });

  it("an output sized for a row list (sample) holds exactly the full output's slots of those users", async () => {
    const db = tempDb();
    buildTestMirror(db, { users: 300, seed: 7 });
    const k = 5;
    const pool = loadPool(
      db,
      { date: '2026-11-24', ruleSet: { ...DEFAULT_RULE_SET, windowDays: 30, topK: k }, excluded: new Set() },
      silentProgress,
    );
    const data = kernelData(pool, k);
    const n = pool.userIds.length;
    const full = allocateOutput(n, k, 1);
    const fullPairs = listsAndFeatures(data, full, createScratch(data));
    // Every third user, out of index order, including users outside the pool (they get empty rows).
    const rows: number[] = [];
    for (let u = n - 1; u >= 0; u -= 3) rows.push(u);
    // A row's pairs (every slot, in rank order) with their shared places and features.
    const rowPairs = (p: CandidatePairs, r: number): number[][] =>
      Array.from({ length: p.rowStart[r + 1]! - p.rowStart[r]! }, (_, j) => {
        const i = p.rowStart[r]! + j;
        return [
          p.userA[i]!,
          p.userB[i]!,
          p.sharedPlaces[i]!,
          ...p.features.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT),
        ];
      });
    const expectRows = (out: KernelOutput, pairs: CandidatePairs, label: string): void => {
      expect(out.candCount.length, label).toBe(rows.length);
      let filled = 0;
      rows.forEach((u, r) => {
        const want = Array.from({ length: full.candCount[u]! }, (_, j) => [
          full.cand[u * k + j],
          full.overlap[u * k + j],
        ]);
        const got = Array.from({ length: out.candCount[r]! }, (_, j) => [out.cand[r * k + j], out.overlap[r * k + j]]);
        expect(got, `${label}: user ${pool.userIds[u]} in row ${r}`).toEqual(want);
        expect(rowPairs(pairs, r), `${label}: features of row ${r}`).toEqual(rowPairs(fullPairs, u));
        filled += got.length;
      });
      expect(filled, label).toBeGreaterThan(50);
    };
    const inline = allocateRowsOutput(rows, k, 1);
    const ws = createScratch(data);
    expect(runKernel(data, inline, 0, ws)).toBe(false);
    const inlinePairs = compactPairs(inline, k, false);
    expect(runFeatures(data, inlinePairs, inline.rows, ws)).toBe(false);
    expectRows(inline, inlinePairs, 'inline');
    expect(() => markPrimarySlots(inline, k)).toThrow(/row list/);
    const team = startCandidateTeam(data, 2);
    try {
      const out = allocateRowsOutput(rows, k, 2);
      await team.run(out);
      expect(Atomics.load(out.control, 1)).toBe(rows.length);
      const pairs = compactPairs(out, k, false);
      await team.features(pairs, out.rows);
      expectRows(out, pairs, 'team');
    } finally {
      await team.close();
    }
    const bad = allocateRowsOutput([0, n], k, 1);
    expect(() => runKernel(data, bad, 0, createScratch(data))).toThrow(
      `output row 1 names user ${n}, outside 0…${n - 1}`,
    );
  });

  it('counts co-present visits as the obvious double loop does', () => {
    const rand = mulberry32(12);
    for (let trial = 0; trial < 300; trial++) {
      const list = (): number[] =>
        [
          ...new Set(
            Array.from({ length: Math.floor(rand() * 25) }, () => Math.floor(rand() * 30) * 8 + Math.floor(rand() * 6)),
          ),
        ].sort((x, y) => x - y);
      const a = list();
      const b = list();
      const d = {
        visitStart: Int32Array.from([0, a.length, a.length + b.length]),
        visitCode: Int32Array.from([...a, ...b]),
      };
      const want = a.filter((x) => b.some((y) => (y & 7) === (x & 7) && Math.abs((y >> 3) - (x >> 3)) <= 1)).length;
      expect(coPresentVisits(d, 0, 1), `${a} / ${b}`).toBe(want);
    }
  });

  it('reads the window the same with a team of threads, in chunks, as in one pass', async () => {
    const db = tempDb();
    buildTestMirror(db, { users: 300, seed: 8 });
    const options = {
      date: '2026-11-24',
      ruleSet: { ...DEFAULT_RULE_SET, windowDays: 30 },
      excluded: new Set<string>(),
    };
    const one = loadPool(db, options, silentProgress);
    const team = startEngineTeam(2);
    try {
      const split = await loadPoolWith(db, { ...options, scanChunkRows: 97 }, silentProgress, team);
      expect(one.transactionCount).toBeGreaterThan(1000);
      for (const key of Object.keys(one) as (keyof MatchPool)[]) {
        const [a, b] = [one[key], split[key]];
        const plain = (x: unknown): unknown => (ArrayBuffer.isView(x) ? Array.from(x as Int32Array) : x);
        expect(plain(b), key).toEqual(plain(a));
      }
    } finally {
      await team.close();
    }
  });

  it('rejects a team scan whose threads cannot read the mirror, and the team reads the next one', async () => {
    const db = tempDb();
    buildTestMirror(db, { users: 120, seed: 9 });
    const window = { start: Date.UTC(2026, 9, 1) / 1000, end: Date.UTC(2026, 11, 1) / 1000 };
    const team = startEngineTeam(2);
    try {
      await expect(
        team.scan(`${db.name}.missing`, window, planCuts(db, team.threads), 97, silentProgress),
      ).rejects.toThrow(/engine thread failed/);
      const { chunks, keysOf } = await team.scan(db.name, window, planCuts(db, team.threads), 97, silentProgress);
      await expect(team.scan(db.name, window, [], 97, silentProgress)).rejects.toThrow(/0 user cuts for 2 threads/);
      expect(chunks.length).toBeGreaterThan(1);
      expect(keysOf[0]!.userKeys.length).toBe(120);
    } finally {
      await team.close();
    }
  });
});
