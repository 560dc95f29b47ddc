import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../shared/progress';
import { runWorkerJob, WorkerJobError } from './run-worker-job';

// Runs the real worker runtime (from TypeScript source through spawnWorker's tsx bootstrap).
describe('runWorkerJob', () => {
  it('returns the worker result and forwards progress', async () => {
    const seen: number[] = [];
    const result = await runWorkerJob<{ n: number }, { counted: number }>('fixture-count', {
      dbPath: ':unused:',
      input: { n: 2_000_000 },
      onProgress: (_phase, done) => seen.push(done),
    });
    expect(result).toEqual({ counted: 2_000_000 });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBe(2_000_000);
  });

  it('stops at the next batch boundary after a cancel', async () => {
    const controller = new AbortController();
    const job = runWorkerJob('fixture-count', {
      dbPath: ':unused:',
      input: { n: 0, spinUntilCancelled: true },
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(job).rejects.toBeInstanceOf(CancelledError);
  });

  it('carries a domain error code across the thread boundary', async () => {
    const job = runWorkerJob('fixture-count', { dbPath: ':unused:', input: { n: 1, failWith: 'already running' } });
    await expect(job).rejects.toBeInstanceOf(WorkerJobError);
    await expect(job).rejects.toMatchObject({ code: 'CONFLICT', message: 'already running' });
  });
});
