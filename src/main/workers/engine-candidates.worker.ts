import { parentPort, workerData } from 'node:worker_threads';
import { createScratch, type KernelData, type KernelOutput, runKernel } from '../engine/kernel';

/**
 * One of the matching engine's candidate threads (started by engine/candidates.ts, not a job of its own): reads
 * the pool and writes its results through SharedArrayBuffers, claiming user chunks until none are left.
 *
 * With `team` set the thread stays up and runs the kernel once per `{ out, withFeatures }` message, reusing its
 * scratch memory and compiled code (candidates.ts startCandidateTeam: benchmarks time the kernel as the engine
 * runs it, without thread start-up).
 */
interface CandidateWorkerData {
  data: KernelData;
  out?: KernelOutput;
  slot: number;
  team?: boolean;
}

const { data, out, slot, team } = workerData as CandidateWorkerData;
const scratch = createScratch(data);

function runOnce(target: KernelOutput, withFeatures: boolean): void {
  try {
    const start = performance.now();
    runKernel(data, target, slot, scratch, Infinity, withFeatures);
    parentPort?.postMessage({ done: true, ms: performance.now() - start });
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
}

if (team)
  parentPort?.on('message', (m: { out: KernelOutput; withFeatures: boolean }) => runOnce(m.out, m.withFeatures));
else if (out) runOnce(out, true);
else parentPort?.postMessage({ error: 'engine-candidates worker started without an output and not as a team' });
