import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_SET, FEATURE_NAMES, type RuleSet } from '../../shared/domain/ruleset';
import { AssignmentBuffers, introductionReasons, normalisedWeights, reasonCodes, scoreAndAssign } from './assignment';
import { allocatePairs, type CandidateSet } from './candidates';
import { FEATURE_SCALE, quantise, toFeatureStep } from './score-share';
import { FEATURE_COUNT, type KernelOutput } from './kernel';
import { mulberry32 } from '../util/seeded-random';

/**
 * The bucketed greedy must pick exactly what the plain definition picks: every qualifying pair scored, a stable
 * sort by quantised value (1e-4 steps, best first, then pair order), then greedy one-per-user.
 */
function referenceAssign(
  c: CandidateSet,
  eligible: Uint8Array,
  rules: RuleSet,
): { pairs: string[]; entries: number; upperBound: number; best: Map<number, number> } {
  const w = normalisedWeights(rules);
  const step = Array.from(w, (x) => (x * 100) / FEATURE_SCALE);
  const entries: { pair: number; key: number; value: number }[] = [];
  const best = new Map<number, number>();
  const p = c.pairs;
  for (let i = 0; i < p.count; i++) {
    if (!eligible[p.userA[i]!] || !eligible[p.userB[i]!] || p.sharedPlaces[i]! < rules.minSharedPlaces) continue;
    // Summed as the engine sums (score.wat's two vector lanes: the even features, the odd ones), so the quantised
    // keys agree to the bit.
    const term = (k: number): number => step[k]! * p.features[i * FEATURE_COUNT + k]!;
    const s = term(0) + term(2) + (term(4) + term(6)) + (term(1) + term(3) + (term(5) + term(7)));
    if (s < rules.minScore) continue;
    for (const x of [p.userA[i]!, p.userB[i]!]) best.set(x, Math.max(best.get(x) ?? 0, s));
    entries.push({ pair: i, key: Math.max(0, 1_000_000 - Math.round(s * 10_000)), value: s });
  }
  entries.sort((a, b) => a.key - b.key || a.pair - b.pair);
  const matched = new Set<number>();
  const pairs: string[] = [];
  for (const { pair, value } of entries) {
    const u = p.userA[pair]!;
    const v = p.userB[pair]!;
    if (matched.has(u) || matched.has(v)) continue;
    matched.add(u);
    matched.add(v);
    pairs.push(
      // The value shown is the value the pair was ranked and thresholded by, to the bit.
      `${Math.min(u, v)}-${Math.max(u, v)}@${pair}:${value}:${reasonCodes(p.features, pair, w).join('+')}`,
    );
  }
  // Summed in user order, as the engine sums: another order may round differently in the last place.
  let upper = 0;
  for (const [, s] of [...best.entries()].sort((x, y) => x[0] - y[0])) upper += s;
  return { pairs, entries: entries.length, upperBound: Math.round((upper / 2) * 100) / 100, best };
}

/**
 * Random candidates; `levels` > 0 quantises features so that many pairs tie or share a coarse bucket; `levels` −1
 * gives every feature of a pair one value that puts the pair's key on the first fine key of one of 40 coarse
 * buckets (under any weights: they are normalised), so the shares' cut falls on a bucket whose entries all tie.
 */
function syntheticCandidates(seed: number, users: number, perUser: number, levels: number): CandidateSet {
  const rand = mulberry32(seed);
  const topK = perUser;
  const slots = users * topK;
  const out = {
    candCount: new Int32Array(users),
    cand: new Int32Array(slots),
  } as unknown as KernelOutput;
  const slotFeatures = new Uint16Array(slots * FEATURE_COUNT);
  const a: number[] = [];
  const b: number[] = [];
  const slot: number[] = [];
  const shared: number[] = [];
  // Pairs are grouped by row (user a), as compactPairs lays them out.
  const rowStart = new Int32Array(users + 1);
  for (let u = 0; u < users; u++) {
    rowStart[u] = a.length;
    const k = Math.floor(rand() * (perUser + 1));
    out.candCount[u] = k;
    for (let j = 0; j < k; j++) {
      let v = Math.floor(rand() * users);
      if (v === u) v = (v + 1) % users;
      const s = u * topK + j;
      out.cand[s] = v;
      // 1 − 1024 m / 10^6 exactly, in steps (a step is 16 key quanta).
      const onBucketStart = FEATURE_SCALE - 64 * (1 + Math.floor(rand() * 40));
      for (let f = 0; f < FEATURE_COUNT; f++) {
        const x = rand();
        slotFeatures[s * FEATURE_COUNT + f] =
          levels < 0 ? onBucketStart : toFeatureStep(levels > 0 ? Math.floor(x * levels) / levels : x);
      }
      a.push(u);
      b.push(v);
      slot.push(s);
      shared.push(1 + Math.floor(rand() * 4));
    }
  }
  rowStart[users] = a.length;
  const features = new Uint16Array(a.length * FEATURE_COUNT);
  slot.forEach((s, i) =>
    features.set(slotFeatures.subarray(s * FEATURE_COUNT, (s + 1) * FEATURE_COUNT), i * FEATURE_COUNT),
  );
  const pairs = allocatePairs(a.length, users);
  pairs.userA.set(a);
  pairs.userB.set(b);
  pairs.rowStart.set(rowStart);
  pairs.sharedPlaces.set(shared);
  pairs.features.set(features);
  return {
    topK,
    out,
    pairs,
    updates: 0,
    phasesMs: { candidates: 0, features: 0 },
  };
}

function randomRules(rand: () => number, i: number): RuleSet {
  const weights = {} as RuleSet['weights'];
  for (const name of FEATURE_NAMES)
    weights[name] = i === 0 ? DEFAULT_RULE_SET.weights[name] : Math.round(rand() * 1000) / 10;
  if (Object.values(weights).every((x) => x === 0)) weights.sharedPlaces = 1;
  return { ...DEFAULT_RULE_SET, weights, minScore: i % 3 === 1 ? 35 : 0, minSharedPlaces: i % 4 === 2 ? 2 : 1 };
}

describe('scoreAndAssign', () => {
  for (const [seed, levels] of [
    [1, 0],
    [2, 3],
    [3, 2],
    [4, -1],
  ] as const) {
    const features =
      levels < 0 ? 'keys on coarse bucket starts' : levels > 0 ? `${levels + 1} feature levels` : 'continuous features';
    it(`equals the plain sort-then-greedy definition (seed ${seed}, ${features})`, () => {
      const c = syntheticCandidates(seed, 3000, 12, levels);
      const rand = mulberry32(seed * 97);
      const buffers = new AssignmentBuffers();
      for (let i = 0; i < 6; i++) {
        const rules = randomRules(rand, i);
        const eligible = new Uint8Array(3000).map(() => (rand() < 0.9 ? 1 : 0));
        const want = referenceAssign(c, eligible, rules);
        // One share, and the split into two shares the helper thread takes half of (scored here in turn).
        for (const shares of [1, 2] as const) {
          const got = scoreAndAssign(c, eligible, rules, buffers, shares);
          const where = `rules ${i}, ${shares} share(s)`;
          // Each user's best value as the kernel summed it, against the reference's sum, to the bit (the summary's
          // upper bound is rounded): a kernel summing in another order than pairValue fails here.
          const bests = Array.from({ length: 3000 }, (_, u) =>
            Math.max(...buffers.shares.slice(0, shares).map((share) => share.best[u]!)),
          );
          expect(bests, where).toEqual(Array.from({ length: 3000 }, (_, u) => want.best.get(u) ?? -1));
          const mine = Array.from(
            got.userA,
            (u, k) => `${u}-${got.userB[k]}@${got.pair[k]}:${got.score[k]}:${introductionReasons(c, got, k).join('+')}`,
          );
          expect(got.summary.qualifyingCandidates, where).toBe(want.entries);
          expect(got.summary.upperBound, where).toBe(want.upperBound);
          expect(mine, where).toEqual(want.pairs);
          if (rules.minScore === 0) expect(mine.length, where).toBeGreaterThan(0);
          const seen = new Set<number>();
          for (let k = 0; k < got.userA.length; k++) {
            for (const x of [got.userA[k]!, got.userB[k]!]) {
              expect(seen.has(x), `user ${x} introduced twice`).toBe(false);
              expect(eligible[x], `user ${x} not eligible`).toBe(1);
              seen.add(x);
            }
          }
          // A what-if's re-score (no upper bound): the same introductions, values and figures, the bound left out.
          const lean = scoreAndAssign(c, eligible, rules, buffers, shares, { upperBound: false });
          expect(lean.summary, where).toEqual({ ...got.summary, upperBound: null, boundRatio: null });
          expect(Array.from(lean.pair), where).toEqual(Array.from(got.pair));
          expect(Array.from(lean.score), where).toEqual(Array.from(got.score));
        }
      }
    });
  }
});

describe('scoreAndAssign with a mask shorter than the pool', () => {
  it('treats the users past the mask as not eligible (never introduced, never twice), one share or two', () => {
    const c = syntheticCandidates(4, 400, 10, 0);
    const rules = randomRules(mulberry32(5), 0);
    const buffers = new AssignmentBuffers();
    // A first call with everyone eligible leaves best values behind that the next must not read.
    scoreAndAssign(c, new Uint8Array(400).fill(1), rules, buffers);
    const short = new Uint8Array(250).fill(1);
    const want = referenceAssign(c, short, rules);
    for (const shares of [1, 2] as const) {
      const got = scoreAndAssign(c, short, rules, buffers, shares);
      expect(got.summary.qualifyingCandidates, `${shares} share(s)`).toBe(want.entries);
      expect(got.summary.introductions, `${shares} share(s)`).toBe(want.pairs.length);
      expect(Math.max(...got.userB), `${shares} share(s)`).toBeLessThan(250);
    }
  });
});

describe('scoreAndAssign with one share empty', () => {
  it('groups the other share as it would alone: only the survivors past its cut go to the rest', () => {
    const c = syntheticCandidates(6, 2000, 10, 0);
    const rules = randomRules(mulberry32(7), 0);
    // Only the users of the first half of the rows may be introduced: the second share has no qualifying entry.
    const firstHalf = new Uint8Array(2000).map((_, u) => (u < 900 ? 1 : 0));
    const buffers = new AssignmentBuffers();
    const want = referenceAssign(c, firstHalf, rules);
    const got = scoreAndAssign(c, firstHalf, rules, buffers, 2);
    expect(Array.from(got.userA, (u, k) => `${u}-${got.userB[k]}`)).toEqual(want.pairs.map((p) => p.split('@')[0]));
    const [mine, empty] = buffers.shares;
    expect(empty!.figures[0]).toBe(0);
    expect(mine!.figures[0]).toBe(want.entries);
    // Its cut groups at least an eighth, so fewer than all its entries are left to the rest.
    expect(mine!.figures[1]).toBeGreaterThan(0);
    expect(mine!.figures[2]).toBeLessThan(want.entries);
  });
});

describe('quantise', () => {
  it('equals Math.round on halves, their neighbours and random values in the key range', () => {
    const values = [0, 0.49999999999999994, 0.5, 0.5000000000000001, 1e-9, 1_000_000, 999_999.5, 2 ** 30 + 0.5];
    for (let k = 0; k <= 2000; k++) {
      const half = k + 0.5;
      // The halves themselves and the doubles right below and above them.
      const buf = new Float64Array([half]);
      const bits = new BigInt64Array(buf.buffer);
      bits[0] = bits[0]! - 1n;
      values.push(half, buf[0]!);
      bits[0] = bits[0]! + 2n;
      values.push(buf[0]!);
    }
    const rand = mulberry32(11);
    for (let i = 0; i < 20_000; i++) values.push(rand() * 1_000_000);
    for (const x of values) expect(quantise(x), `quantise(${x})`).toBe(Math.round(x));
  });
});
