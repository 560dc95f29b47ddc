import { parentPort } from 'node:worker_threads';
import { openDatabase } from '../db/database';
import {
  type CandidatePairs,
  createScratch,
  type KernelData,
  type KernelOutput,
  type KernelScratch,
  runFeatures,
  runKernel,
} from '../engine/kernel';
import { type ScanIndex, type ScanPlan, WindowScanner, withMmap } from '../engine/window-scan';

/**
 * One of the matching engine's threads (engine/team.ts; not a job of its own). It stays up for a run and answers:
 * - `scan`: opens the mirror read-only and reads window chunks claimed from the shared counter, sending each back
 *   (its arrays transferred, not copied);
 * - `data`: the kernel data of the runs that follow (shared memory), with this thread's scratch memory;
 * - `kernel`: claims row chunks of the output until none are left (engine/kernel.ts), the top-K lists;
 * - `features`: the same over a list of candidate pairs.
 */
type Message =
  | { type: 'scan'; dbFile: string; index: ScanIndex; plan: ScanPlan; control: Int32Array }
  | { type: 'data'; data: KernelData }
  | { type: 'kernel'; out: KernelOutput; slot: number }
  | { type: 'features'; pairs: CandidatePairs; rows: Int32Array | undefined };

let data: KernelData | null = null;
let scratch: KernelScratch | null = null;

function scan(m: Extract<Message, { type: 'scan' }>): void {
  const db = openDatabase(m.dbFile, { readonly: true });
  try {
    withMmap(db, () => {
      const scanner = new WindowScanner(db, m.index);
      for (;;) {
        if (Atomics.load(m.control, 2) === 1) break;
        const k = Atomics.add(m.control, 0, 1);
        if (k >= m.plan.count) break;
        const chunk = scanner.chunk(m.plan, k);
        Atomics.add(m.control, 1, 1);
        parentPort?.postMessage({ type: 'chunk', chunk }, [
          chunk.user.buffer,
          chunk.place.buffer,
          chunk.visit.buffer,
          chunk.lnAmount.buffer,
        ]);
      }
    });
  } finally {
    db.close();
  }
  parentPort?.postMessage({ type: 'scanned' });
}

parentPort?.on('message', (m: Message) => {
  try {
    if (m.type === 'scan') scan(m);
    else if (m.type === 'data') {
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
