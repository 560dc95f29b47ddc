import type { ProgressSink } from '../../shared/progress';
import {
  type CandidatePairs,
  createScratch,
  FEATURE_COUNT,
  featureLayout,
  type KernelData,
  type KernelOutput,
  markPrimarySlots,
  runFeatures,
  runKernel,
} from './kernel';
import type { MatchPool } from './pool';
import { ScoreMemory } from './score-memory';
import { rescoreBytes } from './assignment';
import { type EngineTeam, startEngineTeam } from './team';

export type { CandidatePairs };

export interface CandidateSet {
  topK: number;
  out: KernelOutput;
  pairs: CandidatePairs;
  /** Accumulator updates done (all threads). */
  updates: number;
  /** Wall time of the lists (candidates) and of the features of their pairs. */
  phasesMs: { candidates: number; features: number };
}

/** Copies a typed array into shared memory unless it already is there (workers then read it without a copy). */
function shared<T extends Int32Array | Float64Array | Uint8Array | Int16Array | Float32Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const ctor = a.constructor as new (buffer: SharedArrayBuffer, offset: number, length: number) => T;
  const copy = new ctor(new SharedArrayBuffer(Math.max(1, a.byteLength)), 0, a.length);
  copy.set(a as never);
  return copy;
}

export function kernelData(pool: MatchPool, topK: number): KernelData {
  let brandCount = 0;
  let categoryCount = 0;
  for (let p = 0; p < pool.placeCount; p++) {
    brandCount = Math.max(brandCount, pool.placeBrand[p]! + 1);
    categoryCount = Math.max(categoryCount, pool.placeCategory[p]! + 1);
  }
  return {
    userCount: pool.userIds.length,
    topK,
    windowDays: pool.window.days,
    inPool: shared(pool.inPool),
    group: shared(pool.group),
    age: shared(pool.age),
    district: shared(pool.district),
    spendLevel: shared(pool.spendLevel),
    placeOnline: shared(pool.placeOnline),
    placeBrand: shared(pool.placeBrand),
    placeCategory: shared(pool.placeCategory),
    brandCount,
    categoryCount,
    userPlaceStart: shared(pool.userPlaceStart),
    userPlace: shared(pool.userPlace),
    userPlaceLastDay: shared(pool.userPlaceLastDay),
    visitStart: shared(pool.visitStart),
    visitCode: shared(pool.visitCode),
    placeVisitorStart: shared(pool.placeVisitorStart),
    placeVisitor: shared(pool.placeVisitor),
    ...visitorsByGroup(pool),
    ...crowdedBitmaps(pool),
    ...featureLayout(pool),
    placeWeight: shared(pool.placeWeight),
    forbidStart: shared(pool.forbidStart),
    forbid: shared(pool.forbid),
  };
}

/** Each place's visitors regrouped by user group (ascending user index within a group): see KernelData.groupStart. */
function visitorsByGroup(pool: MatchPool): { groupStart: Int32Array; groupVisitor: Int32Array } {
  const groupStart = new Int32Array(new SharedArrayBuffer(Math.max(4, (pool.placeCount * 9 + 1) * 4)));
  const groupVisitor = new Int32Array(new SharedArrayBuffer(Math.max(4, pool.placeVisitor.length * 4)));
  for (let p = 0; p < pool.placeCount; p++) {
    for (let j = pool.placeVisitorStart[p]!; j < pool.placeVisitorStart[p + 1]!; j++)
      groupStart[p * 9 + pool.group[pool.placeVisitor[j]!]! + 1]!++;
  }
  for (let i = 0; i < pool.placeCount * 9; i++) groupStart[i + 1]! += groupStart[i]!;
  const fill = groupStart.slice(0, pool.placeCount * 9);
  for (let p = 0; p < pool.placeCount; p++) {
    for (let j = pool.placeVisitorStart[p]!; j < pool.placeVisitorStart[p + 1]!; j++) {
      const v = pool.placeVisitor[j]!;
      groupVisitor[fill[p * 9 + pool.group[v]!]!++] = v;
    }
  }
  return { groupStart, groupVisitor };
}

/** A place gets a visitor bitmap from this many visitors on (and then only if the bitmap is small next to its list). */
const CROWDED = 64;

/**
 * Visitor bitmaps of the crowded places (see KernelData.crowdSlot): one bit per user index, only for places whose
 * visitor list is at least 1/128 of the users, so a bitmap is at most 4× the bytes of its list and all of them
 * together at most 4× the inverted index.
 */
export function crowdedBitmaps(pool: MatchPool): { crowdSlot: Int32Array; crowdWords: number; crowdBits: Int32Array } {
  const n = pool.userIds.length;
  const words = Math.max(1, Math.ceil(n / 32));
  const crowdSlot = new Int32Array(new SharedArrayBuffer(Math.max(4, pool.placeCount * 4))).fill(-1);
  let maps = 0;
  for (let p = 0; p < pool.placeCount; p++) {
    const visitors = pool.placeVisitorStart[p + 1]! - pool.placeVisitorStart[p]!;
    if (visitors > CROWDED && visitors * 128 >= n) crowdSlot[p] = maps++;
  }
  const crowdBits = new Int32Array(new SharedArrayBuffer(Math.max(4, maps * words * 4)));
  for (let p = 0; p < pool.placeCount; p++) {
    if (crowdSlot[p]! < 0) continue;
    const base = crowdSlot[p]! * words;
    for (let j = pool.placeVisitorStart[p]!; j < pool.placeVisitorStart[p + 1]!; j++) {
      const v = pool.placeVisitor[j]!;
      crowdBits[base + (v >> 5)]! |= 1 << (v & 31);
    }
  }
  return { crowdSlot, crowdWords: words, crowdBits };
}

/** Output arrays for n users × topK slots, shared so worker threads write them in place. */
export function allocateOutput(n: number, topK: number, threads: number): KernelOutput {
  const slots = n * topK;
  return {
    candCount: new Int32Array(new SharedArrayBuffer(Math.max(4, n * 4))),
    cand: new Int32Array(new SharedArrayBuffer(Math.max(4, slots * 4))),
    overlap: new Int32Array(new SharedArrayBuffer(Math.max(4, slots * 4))),
    // Shared though only this thread writes it (markPrimarySlots): a plain buffer is copied into every thread with
    // each message that carries the output — 2 × 50 MB at the province, ~0.6 s of this thread's time.
    primary: new Uint8Array(new SharedArrayBuffer(Math.max(1, slots))),
    control: new Int32Array(new SharedArrayBuffer(12)),
    updates: new Float64Array(new SharedArrayBuffer(8 * Math.max(1, threads))),
  };
}

/**
 * Output arrays for the listed users only (row r = user rows[r]; see KernelOutput.rows), shared like
 * allocateOutput's: a sample's top-K then costs memory for the sample, not for every user index of the mirror.
 */
export function allocateRowsOutput(rows: readonly number[] | Int32Array, topK: number, threads: number): KernelOutput {
  const shared = new Int32Array(new SharedArrayBuffer(Math.max(4, rows.length * 4)));
  shared.set(rows);
  return { ...allocateOutput(rows.length, topK, threads), rows: shared };
}

export interface CandidateOptions {
  topK: number;
  /** Worker threads; 0 or 1 runs inline on the calling thread (unless a team is given). */
  threads: number;
}

/**
 * Exact top-K candidates and their features for every pool user. With a team (or threads > 1, when one is started
 * for the call) the users are split in chunks that the threads claim from a shared counter, so a thread that draws
 * heavy users does not hold the other up.
 */
export async function findCandidates(
  pool: MatchPool,
  options: CandidateOptions,
  progress: ProgressSink,
  team?: EngineTeam,
): Promise<CandidateSet> {
  const n = pool.userIds.length;
  const data = kernelData(pool, options.topK);
  const own = !team && options.threads > 1 ? startEngineTeam(options.threads) : null;
  const runner = team ?? own;
  const out = allocateOutput(n, options.topK, runner?.threads ?? 1);
  let pairs: CandidatePairs;
  progress.report('candidates', 0, n);
  const t0 = performance.now();
  let t1: number;
  try {
    if (runner) {
      runner.load(data);
      await runner.run(out, progress);
    } else {
      // Inline: one chunk at a time so progress and cancel are honoured between chunks.
      const ws = createScratch(data);
      while (runKernel(data, out, 0, ws, 1)) {
        progress.throwIfCancelled();
        progress.report('candidates', Math.min(n, Atomics.load(out.control, 1)), n);
      }
    }
    progress.throwIfCancelled();
    // Features only for each pair's primary slot: a pair in both partners' lists is computed once.
    markPrimarySlots(out, options.topK);
    pairs = compactPairs(out, options.topK, true);
    t1 = performance.now();
    progress.report('features', 0, n);
    if (runner) await runner.features(pairs, undefined, progress);
    else {
      const ws = createScratch(data);
      while (runFeatures(data, pairs, undefined, ws, 1)) {
        progress.throwIfCancelled();
        progress.report('features', Math.min(n, Atomics.load(pairs.control, 1)), n);
      }
    }
  } finally {
    if (own) await own.close();
  }
  progress.throwIfCancelled();
  progress.report('features', n, n);
  let updates = 0;
  for (let i = 0; i < out.updates.length; i++) updates += out.updates[i]!;
  const phasesMs = { candidates: Math.round(t1 - t0), features: Math.round(performance.now() - t1) };
  return { topK: options.topK, out, pairs, updates, phasesMs };
}

/** A team already loaded with `data` (benchmarks and tests time the kernel as the engine runs it). */
export function startCandidateTeam(data: KernelData, threads: number): EngineTeam {
  const team = startEngineTeam(threads);
  team.load(data);
  return team;
}

/**
 * The pairs whose features are computed, laid out contiguously by output row: with `primaryOnly` each pair once (its
 * primary slot; re-scoring then streams through these arrays instead of hopping over every user's K slots), else
 * every slot (a sample's rows, which have no primary marks). Which slot a pair came from is not kept: nothing reads it,
 * and at the province it was 110 MB of fresh pages for this thread to fault in.
 */
export function compactPairs(out: KernelOutput, topK: number, primaryOnly: boolean): CandidatePairs {
  const rowCount = out.candCount.length;
  let count = 0;
  for (let r = 0; r < rowCount; r++)
    for (let j = 0; j < out.candCount[r]!; j++) count += primaryOnly ? out.primary[r * topK + j]! : 1;
  const pairs = allocatePairs(count, rowCount);
  let i = 0;
  for (let r = 0; r < rowCount; r++) {
    pairs.rowStart[r] = i;
    const u = out.rows ? out.rows[r]! : r;
    for (let j = 0; j < out.candCount[r]!; j++) {
      const slot = r * topK + j;
      if (primaryOnly && !out.primary[slot]) continue;
      pairs.userA[i] = u;
      pairs.userB[i] = out.cand[slot]!;
      i++;
    }
  }
  pairs.rowStart[rowCount] = i;
  return pairs;
}

/**
 * Room for `count` candidate pairs in `rowCount` rows, in a scoring memory (score-memory.ts) sized for them and for
 * what re-scoring them takes from it (assignment.ts rescoreArraysOf: a key and room for an entry per pair, a mark per
 * user; each share's level and best value per user and its bucket counts). Shared: the feature threads write the
 * features, the re-score's helper thread reads them.
 */
export function allocatePairs(count: number, rowCount: number): CandidatePairs {
  const pairBytes = count * (4 + 4 + 4 + FEATURE_COUNT * 2) + (rowCount + 1) * 4 + 5 * 64;
  // Users of the re-score are the rows (the pool's users: assignment.ts scoreJobs).
  const memory = new ScoreMemory(pairBytes + rescoreBytes(count, rowCount));
  return {
    count,
    userA: memory.int32(count),
    userB: memory.int32(count),
    rowStart: memory.int32(rowCount + 1),
    sharedPlaces: memory.int32(count),
    features: memory.uint16(count * FEATURE_COUNT),
    control: new Int32Array(new SharedArrayBuffer(12)),
    memory,
  };
}
