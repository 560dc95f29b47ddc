import { spawnWorker } from '../util/spawn-worker';
import { errorOf, type JobMessage, type WorkerData } from './protocol';
import type { JobOutput, JobWorker, WorkerInput } from './workers';

export interface RunWorkerJobOptions<I> {
  dbPath: string;
  input: I;
  onProgress?(phase: string, done: number, total: number | null): void;
  /** Aborting sets the shared cancel flag; the worker stops at its next batch boundary and rolls back. */
  signal?: AbortSignal;
}

/**
 * Runs the job worker `name` (written with defineWorkerJob) to completion. Resolves with its result; rejects with
 * CancelledError after a cancel, a WorkerError (code as it crossed) for anything else.
 */
export function runWorkerJob<N extends JobWorker>(
  name: N,
  options: RunWorkerJobOptions<WorkerInput<N>>,
): Promise<JobOutput<N>> {
  const cancel = new SharedArrayBuffer(4);
  const data: WorkerData<WorkerInput<N>> = { dbPath: options.dbPath, input: options.input, cancel };
  const worker = spawnWorker(name, { workerData: data });
  const requestCancel = (): void => {
    Atomics.store(new Int32Array(cancel), 0, 1);
  };
  if (options.signal?.aborted) requestCancel();
  options.signal?.addEventListener('abort', requestCancel, { once: true });
  return new Promise<JobOutput<N>>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', requestCancel);
      fn();
      void worker.terminate();
    };
    worker.on('message', (message: JobMessage<JobOutput<N>>) => {
      if (message.type === 'progress') options.onProgress?.(message.phase, message.done, message.total);
      else if (message.type === 'result') settle(() => resolve(message.value));
      else settle(() => reject(errorOf(message)));
    });
    worker.on('error', (error) =>
      settle(() => reject(errorOf({ code: 'INTERNAL', message: `the ${name} worker crashed: ${error.message}` }))),
    );
    worker.on('exit', (code) =>
      settle(() =>
        reject(errorOf({ code: 'INTERNAL', message: `the ${name} worker exited with code ${code} before answering` })),
      ),
    );
  });
}
