import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { BACKGROUND_NICE } from './background-priority';

/** Runs `runAsBackgroundWork(scope)` in a fresh worker thread; answers what it returned and the thread's priority. */
function inThread(scope: string): Promise<{ returned: number | null; priority: number }> {
  const moduleUrl = new URL('./background-priority.ts', import.meta.url).href;
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const os = require('node:os');
    require('tsx/cjs');
    const { runAsBackgroundWork } = require(require('node:url').fileURLToPath(workerData.moduleUrl));
    const returned = runAsBackgroundWork(workerData.scope);
    parentPort.postMessage({ returned, priority: os.getPriority(0) });`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { moduleUrl, scope } });
    worker.once('message', (m: { returned: number | null; priority: number }) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

describe('runAsBackgroundWork', () => {
  it.runIf(process.platform === 'linux')(
    "lowers a job thread's priority and leaves the thread that started it (the console's loop) alone",
    async () => {
      const before = os.getPriority(0);
      const job = await inThread('job-thread');
      expect(job).toEqual({ returned: Math.max(before, BACKGROUND_NICE), priority: Math.max(before, BACKGROUND_NICE) });
      expect(os.getPriority(0)).toBe(before);
    },
  );

  it.runIf(process.platform !== 'linux')('leaves a job thread alone where priority is per process', async () => {
    const before = os.getPriority(0);
    expect(await inThread('job-thread')).toEqual({ returned: null, priority: before });
    expect(os.getPriority(0)).toBe(before);
  });
});
