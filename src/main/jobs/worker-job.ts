import { parentPort, workerData } from 'node:worker_threads';
import { CancelledError, type ProgressSink } from '../../shared/progress';
import type { WorkerJobData, WorkerJobMessage } from './protocol';

export interface WorkerJobContext {
  dbPath: string;
  progress: ProgressSink;
}

/** Progress is posted at most this often: the UI cannot show more and postMessage is not free. */
const PROGRESS_INTERVAL_MS = 100;

/**
 * The worker side of a job: call once at the top level of `src/main/workers/<name>.worker.ts`. Reads
 * workerData, turns ctx.progress into throttled messages and the shared cancel flag into CancelledError,
 * and posts the result or the error (with its code) back to main.
 */
export function defineWorkerJob<I, O>(run: (input: I, ctx: WorkerJobContext) => Promise<O> | O): void {
  const port = parentPort;
  if (!port) throw new Error('defineWorkerJob must run inside a worker thread');
  const data = workerData as WorkerJobData<I>;
  const cancel = new Int32Array(data.cancel);
  let lastPost = 0;
  const post = (message: WorkerJobMessage<O>): void => port.postMessage(message);
  const progress: ProgressSink = {
    report(phase, done, total) {
      const now = Date.now();
      if (now - lastPost < PROGRESS_INTERVAL_MS && (total === null || done < total)) return;
      lastPost = now;
      post({ type: 'progress', phase, done, total });
    },
    throwIfCancelled() {
      if (Atomics.load(cancel, 0) === 1) throw new CancelledError();
    },
  };
  Promise.resolve()
    .then(() => run(data.input, { dbPath: data.dbPath, progress }))
    .then(
      (value) => post({ type: 'result', value }),
      (error: unknown) => {
        const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'INTERNAL';
        post({ type: 'error', code, message: error instanceof Error ? error.message : String(error) });
      },
    );
}
