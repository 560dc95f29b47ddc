import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database';
import { DEFAULT_RULE_SET } from '../../shared/domain/ruleset';
import { silentProgress } from '../../shared/progress';
import { findCandidates } from './candidates';
import { compatibleGroups, loadPool, type MatchPool } from './pool';
import { buildTestMirror } from './test-mirror';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tempDb(): Db {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-'));
  dirs.push(dir);
  return openDatabase(path.join(dir, 'mirror.db'));
}

/** The obvious way: every pair, set intersection, sort by (overlap desc, index asc). */
function bruteForceTopK(pool: MatchPool, k: number): Map<number, { v: number; s: number }[]> {
  const n = pool.userIds.length;
  const places: Set<number>[] = [];
  for (let u = 0; u < n; u++) places.push(new Set(pool.userPlace.subarray(pool.userPlaceStart[u]!, pool.userPlaceStart[u + 1]!)));
  const forbidden = (u: number, v: number): boolean => pool.forbid.subarray(pool.forbidStart[u]!, pool.forbidStart[u + 1]!).includes(v);
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
  for (const seed of [1, 2, 3]) {
    for (const threads of [1, 2]) {
      it(`equals brute force (seed ${seed}, ${threads} thread${threads > 1 ? 's' : ''})`, async () => {
        const db = tempDb();
        buildTestMirror(db, { users: 400, seed });
        const k = 5;
        const pool = loadPool(db, { date: '2026-11-24', ruleSet: { ...DEFAULT_RULE_SET, windowDays: 30, topK: k }, excluded: new Set() }, silentProgress);
        // The mirror must exercise pruning: some places are crowded beyond the kernel's open limit.
        let crowded = 0;
        for (let p = 0; p < pool.placeCount; p++) if (pool.placeVisitorStart[p + 1]! - pool.placeVisitorStart[p]! > 64) crowded++;
        expect(crowded).toBeGreaterThan(0);
        const got = await findCandidates(pool, { topK: k, threads }, silentProgress);
        const want = bruteForceTopK(pool, k);
        let compared = 0;
        for (let u = 0; u < pool.userIds.length; u++) {
          const mine = Array.from({ length: got.out.candCount[u]! }, (_, j) => ({ v: got.out.cand[u * k + j]!, s: got.out.overlap[u * k + j]! }));
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

  it('fills features in [0, 1] and counts shared places', async () => {
    const db = tempDb();
    buildTestMirror(db, { users: 200, seed: 9 });
    const pool = loadPool(db, { date: '2026-11-24', ruleSet: DEFAULT_RULE_SET, excluded: new Set() }, silentProgress);
    const got = await findCandidates(pool, { topK: 10, threads: 1 }, silentProgress);
    let slots = 0;
    for (let u = 0; u < pool.userIds.length; u++) {
      for (let j = 0; j < got.out.candCount[u]!; j++) {
        const slot = u * 10 + j;
        expect(got.out.sharedPlaces[slot]).toBeGreaterThan(0);
        for (let f = 0; f < 8; f++) {
          const x = got.out.features[slot * 8 + f]!;
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThanOrEqual(1);
        }
        slots++;
      }
    }
    expect(slots).toBeGreaterThan(0);
  });
});
