import { parentPort, workerData } from 'node:worker_threads';
import { createScratch, type KernelData, type KernelOutput, runKernel } from '../engine/kernel';

/**
 * One of the matching engine's candidate threads (started by engine/candidates.ts, not a job of its own): reads
 * the pool and writes its results through SharedArrayBuffers, claiming user chunks until none are left.
 */
const { data, out, slot } = workerData as { data: KernelData; out: KernelOutput; slot: number };
try {
  runKernel(data, out, slot, createScratch(data));
  parentPort?.postMessage({ done: true });
} catch (error) {
  parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
