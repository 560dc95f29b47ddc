import type { ProgressSink } from '../../shared/progress';
import { spawnWorker } from '../util/spawn-worker';
import {
  createScratch,
  FEATURE_COUNT,
  type KernelData,
  type KernelOutput,
  markPrimarySlots,
  runKernel,
} from './kernel';
import type { MatchPool } from './pool';

/**
 * Each candidate pair once (its primary slot), laid out contiguously: re-scoring streams through these arrays
 * instead of hopping over every user's K slots, which halves the memory it reads and keeps it sequential.
 */
export interface CandidatePairs {
  count: number;
  userA: Int32Array;
  userB: Int32Array;
  slot: Int32Array;
  sharedPlaces: Int32Array;
  /** FEATURE_COUNT values per pair. */
  features: Float32Array;
}

export interface CandidateSet {
  topK: number;
  out: KernelOutput;
  pairs: CandidatePairs;
  /** Accumulator updates done (all threads). */
  updates: number;
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

/** Output arrays for n users × topK slots, shared so worker threads write them in place. */
export function allocateOutput(n: number, topK: number, threads: number): KernelOutput {
  const slots = n * topK;
  return {
    candCount: new Int32Array(new SharedArrayBuffer(Math.max(4, n * 4))),
    cand: new Int32Array(new SharedArrayBuffer(Math.max(4, slots * 4))),
    overlap: new Float64Array(new SharedArrayBuffer(Math.max(8, slots * 8))),
    sharedPlaces: new Int32Array(new SharedArrayBuffer(Math.max(4, slots * 4))),
    features: new Float32Array(new SharedArrayBuffer(Math.max(4, slots * FEATURE_COUNT * 4))),
    primary: new Uint8Array(Math.max(1, slots)),
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
  /** Worker threads; 0 or 1 runs inline on the calling thread. */
  threads: number;
}

/**
 * Exact top-K candidates and their features for every pool user. With threads > 1 the users are split in chunks
 * that the workers claim from a shared counter, so a thread that draws heavy users does not hold the other up.
 */
export async function findCandidates(
  pool: MatchPool,
  options: CandidateOptions,
  progress: ProgressSink,
): Promise<CandidateSet> {
  const n = pool.userIds.length;
  const threads = Math.max(1, options.threads);
  const data = kernelData(pool, options.topK);
  const out = allocateOutput(n, options.topK, threads);
  progress.report('candidates', 0, n);
  if (options.threads <= 1) {
    // Inline: one chunk at a time so progress and cancel are honoured between chunks.
    const ws = createScratch(data);
    while (runKernel(data, out, 0, ws, 1)) {
      progress.throwIfCancelled();
      progress.report('candidates', Math.min(n, Atomics.load(out.control, 1)), n);
    }
  } else {
    await new Promise<void>((resolve, reject) => {
      let running = threads;
      const workers = Array.from({ length: threads }, (_, slot) =>
        spawnWorker('engine-candidates', { workerData: { data, out, slot } }),
      );
      const timer = setInterval(() => {
        try {
          progress.report('candidates', Math.min(n, Atomics.load(out.control, 1)), n);
          progress.throwIfCancelled();
        } catch (error) {
          Atomics.store(out.control, 2, 1);
          fail(error);
        }
      }, 100);
      let failed = false;
      const fail = (error: unknown): void => {
        if (failed) return;
        failed = true;
        clearInterval(timer);
        for (const w of workers) void w.terminate();
        reject(error);
      };
      for (const w of workers) {
        w.on('message', (m: { done?: boolean; error?: string }) => {
          if (m.error) fail(new Error(`candidate worker failed: ${m.error}`));
          else if (m.done && --running === 0 && !failed) {
            clearInterval(timer);
            resolve();
          }
        });
        w.on('error', (e) => fail(e));
      }
    });
    progress.throwIfCancelled();
  }
  progress.report('candidates', n, n);
  markPrimarySlots(out, options.topK);
  let updates = 0;
  for (let i = 0; i < out.updates.length; i++) updates += out.updates[i]!;
  return { topK: options.topK, out, pairs: compactPairs(out, options.topK), updates };
}

/**
 * Candidate threads kept running between kernel runs over the same pool. `run` hands every thread the output
 * (its control counter must be at zero) and resolves once all are done, with the wall time from hand-out to the
 * last thread's answer (the kernel with the engine's real threading, minus thread start-up) and each thread's own
 * time inside the kernel.
 */
export interface TeamRunTimes {
  wallMs: number;
  threadMs: number[];
}

export interface CandidateTeam {
  readonly threads: number;
  run(out: KernelOutput, withFeatures: boolean): Promise<TeamRunTimes>;
  close(): Promise<void>;
}

export function startCandidateTeam(data: KernelData, threads: number): CandidateTeam {
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error(`candidate team: threads must be a positive integer, got ${threads}`);
  const workers = Array.from({ length: threads }, (_, slot) =>
    spawnWorker('engine-candidates', { workerData: { data, slot, team: true } }),
  );
  let busy = false;
  return {
    threads,
    run(out, withFeatures) {
      if (busy) return Promise.reject(new Error('candidate team: run called while a run is in progress'));
      if (out.updates.length < threads)
        return Promise.reject(
          new Error(`candidate team: output has ${out.updates.length} update slots for ${threads} threads`),
        );
      busy = true;
      return new Promise<TeamRunTimes>((resolve, reject) => {
        const start = performance.now();
        const threadMs = new Array<number>(threads).fill(0);
        let running = threads;
        const listeners: (() => void)[] = [];
        const finish = (error?: Error): void => {
          for (const off of listeners.splice(0)) off();
          busy = false;
          if (error) reject(error);
          else resolve({ wallMs: performance.now() - start, threadMs });
        };
        workers.forEach((w, slot) => {
          const onMessage = (m: { done?: boolean; ms?: number; error?: string }): void => {
            if (m.error) return finish(new Error(`candidate worker failed: ${m.error}`));
            if (!m.done) return;
            threadMs[slot] = m.ms ?? 0;
            if (--running === 0) finish();
          };
          const onError = (e: Error): void => finish(e);
          w.on('message', onMessage);
          w.on('error', onError);
          listeners.push(() => {
            w.off('message', onMessage);
            w.off('error', onError);
          });
        });
        for (const w of workers) w.postMessage({ out, withFeatures });
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

function compactPairs(out: KernelOutput, topK: number): CandidatePairs {
  const n = out.candCount.length;
  let count = 0;
  for (let u = 0; u < n; u++) for (let j = 0; j < out.candCount[u]!; j++) count += out.primary[u * topK + j]!;
  const pairs: CandidatePairs = {
    count,
    userA: new Int32Array(count),
    userB: new Int32Array(count),
    slot: new Int32Array(count),
    sharedPlaces: new Int32Array(count),
    features: new Float32Array(count * FEATURE_COUNT),
  };
  let i = 0;
  for (let u = 0; u < n; u++) {
    for (let j = 0; j < out.candCount[u]!; j++) {
      const slot = u * topK + j;
      if (!out.primary[slot]) continue;
      pairs.userA[i] = u;
      pairs.userB[i] = out.cand[slot]!;
      pairs.slot[i] = slot;
      pairs.sharedPlaces[i] = out.sharedPlaces[slot]!;
      pairs.features.set(out.features.subarray(slot * FEATURE_COUNT, (slot + 1) * FEATURE_COUNT), i * FEATURE_COUNT);
      i++;
    }
  }
  return pairs;
}
