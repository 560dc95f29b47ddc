import { parentPort } from 'node:worker_threads';
import { type Db, openDatabase } from '../db/database';
import {
  collectRest,
  pairValues,
  type ScoredShare,
  type ScoreJob,
  scoreShare,
  type ValuesJob,
} from '../engine/score-share';
import {
  type CandidatePairs,
  createScratch,
  type KernelData,
  type KernelOutput,
  type KernelScratch,
  runFeatures,
  runKernel,
} from '../engine/kernel';
import type { RunWindow } from '../engine/window';
import {
  planBounds,
  planOfBounds,
  planRange,
  type PlanBounds,
  SCAN_PARTS_AT,
  type ScanPlan,
  WindowScanner,
  withMmap,
} from '../engine/window-scan';

/**
 * One of the matching engine's threads (engine/team.ts; not a job of its own). It stays up for a run and answers:
 * - `scan`: opens the mirror read-only, reads the keys, plans its part of the scan and waits for the others' parts,
 *   then reads window chunks claimed from the shared counter, sending each back (its arrays
 *   transferred, not copied) and at the end the keys its indexes refer to;
 * - `data`: the kernel data of the runs that follow (shared memory), with this thread's scratch memory;
 * - `kernel`: claims row chunks of the output until none are left (engine/kernel.ts), the top-K lists;
 * - `features`: the same over a list of candidate pairs;
 * - `score`: one share of a re-score (engine/score-share.ts), written into the share's shared memory — the cache's
 *   re-score helper, a team of one kept while the cache lives;
 * - `rest`: that share's survivors past the greedy's cut, once the greedy has taken the grouped buckets;
 * - `values`: part of the introductions' values, once the greedy is done.
 */
type Message =
  | {
      type: 'scan';
      dbFile: string;
      window: Pick<RunWindow, 'start' | 'end'>;
      chunkRows: number | undefined;
      shared: SharedArrayBuffer;
      slot: number;
      threads: number;
      /** planCuts's, threads − 1 of them: this thread plans for range `slot` of them. */
      userCuts: number[];
    }
  | { type: 'data'; data: KernelData }
  | { type: 'kernel'; out: KernelOutput; slot: number }
  | { type: 'features'; pairs: CandidatePairs; rows: Int32Array | undefined }
  | { type: 'score'; job: ScoreJob; share: ScoredShare }
  | { type: 'rest'; job: ScoreJob; share: ScoredShare; cutKey: number; matched: Uint8Array }
  | { type: 'values'; job: ValuesJob };

let data: KernelData | null = null;
let scratch: KernelScratch | null = null;

/**
 * The plan, made by every scanning thread together: each finds the window's rowid bounds among the rows of one user
 * range (its part of the index pass; the caller's cuts, the same for every thread), publishes them and waits for the
 * others'; then each puts the same plan together. Null when a thread failed or the scan was cancelled meanwhile.
 */
function sharedPlan(db: Db, m: Extract<Message, { type: 'scan' }>, control: Int32Array): ScanPlan | null {
  const parts = new Float64Array(m.shared, SCAN_PARTS_AT, 2 * m.threads);
  const mine = planBounds(db, m.window, planRange(m.userCuts, m.slot));
  parts[2 * m.slot] = mine === null ? NaN : mine[0];
  parts[2 * m.slot + 1] = mine === null ? NaN : mine[1];
  // The add orders the writes above before any thread's read of the count.
  if (Atomics.add(control, 3, 1) + 1 === m.threads) Atomics.notify(control, 3);
  for (;;) {
    const published = Atomics.load(control, 3);
    if (published === m.threads) break;
    if (Atomics.load(control, 2) === 1) return null;
    Atomics.wait(control, 3, published, 100);
  }
  const bounds: PlanBounds[] = [];
  for (let k = 0; k < m.threads; k++)
    bounds.push(Number.isNaN(parts[2 * k]!) ? null : [parts[2 * k]!, parts[2 * k + 1]!]);
  const plan = planOfBounds(bounds, m.chunkRows);
  if (m.slot === 0) {
    // For the caller's progress.
    const planned = new Float64Array(m.shared, 16, 2);
    planned[0] = plan.first;
    planned[1] = plan.count;
  }
  return plan;
}

function scan(m: Extract<Message, { type: 'scan' }>): void {
  const control = new Int32Array(m.shared, 0, 4);
  let scanner: WindowScanner;
  try {
    const db = openDatabase(m.dbFile, { readonly: true });
    try {
      scanner = withMmap(db, () => {
        const scanner = new WindowScanner(db, m.window);
        const plan = sharedPlan(db, m, control);
        for (;;) {
          if (plan === null || Atomics.load(control, 2) === 1) break;
          const k = Atomics.add(control, 0, 1);
          if (k >= plan.count) break;
          const chunk = scanner.chunk(plan, k);
          Atomics.add(control, 1, 1);
          parentPort?.postMessage({ type: 'chunk', chunk }, [
            chunk.user.buffer,
            chunk.merchant.buffer,
            chunk.visit.buffer,
            chunk.lnAmount.buffer,
          ]);
        }
        return scanner;
      });
    } finally {
      db.close();
    }
  } catch (error) {
    // The other threads may wait for this one's part of the plan: tell them there will be none (as a cancel).
    Atomics.store(control, 2, 1);
    Atomics.notify(control, 3);
    throw error;
  }
  parentPort?.postMessage({ type: 'scanned', keys: scanner.keys });
}

parentPort?.on('message', (m: Message) => {
  try {
    if (m.type === 'scan') scan(m);
    else if (m.type === 'score' || m.type === 'rest' || m.type === 'values') {
      const start = performance.now();
      if (m.type === 'score') scoreShare(m.job, m.share);
      else if (m.type === 'rest') collectRest(m.job, m.share, m.cutKey, m.matched);
      else pairValues(m.job);
      parentPort?.postMessage({ type: 'done', ms: performance.now() - start });
    } else if (m.type === 'data') {
      data = m.data;
      scratch = createScratch(m.data);
    } else {
      if (!data || !scratch) throw new Error(`${m.type} before the kernel data`);
      const start = performance.now();
      if (m.type === 'kernel') runKernel(data, m.out, m.slot, scratch);
      else runFeatures(data, m.pairs, m.rows, scratch);
      parentPort?.postMessage({ type: 'done', ms: performance.now() - start });
    }
  } catch (error) {
    parentPort?.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});
