import { CancelledError } from '../../shared/progress';
import type { WorkerJobData, WorkerJobMessage } from './protocol';
import { spawnWorker } from './spawn-worker';

export interface RunWorkerJobOptions<I> {
  dbPath: string;
  input: I;
  onProgress?(phase: string, done: number, total: number | null): void;
  /** Aborting sets the shared cancel flag; the worker stops at its next batch boundary and rolls back. */
  signal?: AbortSignal;
}

/** A job failed inside its worker; `code` is the error's own code (e.g. a DomainError's). */
export class WorkerJobError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs `src/main/workers/<name>.worker.ts` (written with defineWorkerJob) to completion. Resolves with its
 * result; rejects with CancelledError after a cancel, WorkerJobError for anything else.
 */
export function runWorkerJob<I, O>(name: string, options: RunWorkerJobOptions<I>): Promise<O> {
  const cancel = new SharedArrayBuffer(4);
  const data: WorkerJobData<I> = { dbPath: options.dbPath, input: options.input, cancel };
  const worker = spawnWorker(name, { workerData: data });
  const requestCancel = (): void => {
    Atomics.store(new Int32Array(cancel), 0, 1);
  };
  if (options.signal?.aborted) requestCancel();
  options.signal?.addEventListener('abort', requestCancel, { once: true });
  return new Promise<O>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', requestCancel);
      fn();
      void worker.terminate();
    };
    worker.on('message', (message: WorkerJobMessage<O>) => {
      if (message.type === 'progress') options.onProgress?.(message.phase, message.done, message.total);
      else if (message.type === 'result') settle(() => resolve(message.value));
      else if (message.code === 'CANCELLED') settle(() => reject(new CancelledError()));
      else settle(() => reject(new WorkerJobError(message.code, message.message)));
    });
    worker.on('error', (error) => settle(() => reject(new WorkerJobError('WORKER_CRASHED', error.message))));
    worker.on('exit', (code) =>
      settle(() =>
        reject(new WorkerJobError('WORKER_EXITED', `worker ${name} exited with code ${code} before answering`)),
      ),
    );
  });
}
