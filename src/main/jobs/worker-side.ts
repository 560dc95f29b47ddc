import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { CancelledError, type ProgressSink } from '../../shared/progress';
import { failureOf, type JobMessage, type SessionEnvelope, type SessionMessage, type WorkerData } from './protocol';
import { runAsBackgroundWork } from '../util/background-priority';
import type {
  JobOutput,
  JobWorker,
  SessionReply,
  SessionRequest,
  SessionWorker,
  WorkerInput,
  WorkerName,
} from './workers';

export interface WorkerContext<I> {
  dbPath: string;
  input: I;
  progress: ProgressSink;
}

/** Progress is posted at most this often: the UI cannot show more and postMessage is not free. */
const PROGRESS_INTERVAL_MS = 100;

/**
 * The one progress sink of every worker: throttled to PROGRESS_INTERVAL_MS (the last report of a phase always
 * goes out), and a job's shared cancel flag turned into CancelledError at the worker's batch boundaries.
 */
function progressSink(port: MessagePort, cancel: SharedArrayBuffer | null): ProgressSink {
  const flag = cancel ? new Int32Array(cancel) : null;
  let lastPost = 0;
  return {
    report(phase, done, total) {
      const now = Date.now();
      if (now - lastPost < PROGRESS_INTERVAL_MS && (total === null || done < total)) return;
      lastPost = now;
      port.postMessage({ type: 'progress', phase, done, total } satisfies JobMessage<never>);
    },
    throwIfCancelled() {
      if (flag && Atomics.load(flag, 0) === 1) throw new CancelledError();
    },
  };
}

function workerContext<N extends WorkerName>(name: N): { port: MessagePort; ctx: WorkerContext<WorkerInput<N>> } {
  const port = parentPort;
  if (!port) throw new Error(`the ${name} worker must run inside a worker thread`);
  const data = workerData as WorkerData<WorkerInput<N>>;
  return { port, ctx: { dbPath: data.dbPath, input: data.input, progress: progressSink(port, data.cancel) } };
}

/**
 * The worker side of a job: call once at the top level of `src/main/workers/<name>.worker.ts`. Runs `run` with
 * the job's input, and posts its result, or its error with a code main understands, back to main.
 */
export function defineWorkerJob<N extends JobWorker>(
  name: N,
  run: (input: WorkerInput<N>, ctx: WorkerContext<WorkerInput<N>>) => Promise<JobOutput<N>> | JobOutput<N>,
): void {
  const { port, ctx } = workerContext(name);
  const post = (message: JobMessage<JobOutput<N>>): void => port.postMessage(message);
  // A job is background work (its thread ends with it): operators' calls on the same cores come first. Sessions
  // (what-if, reviewers' reads) answer an operator who waits, and keep their normal priority.
  runAsBackgroundWork('job-thread');
  Promise.resolve()
    .then(() => run(ctx.input, ctx))
    .then(
      (value) => post({ type: 'result', value }),
      (error: unknown) => post({ type: 'error', ...failureOf(error) }),
    );
}

/**
 * The worker side of a session: `open` runs once with the session's input and returns the request handler.
 * Requests are handled strictly one after another (an `await` inside one must not let the next run on half-done
 * state); each gets its reply, or its error with a code main understands.
 */
export function defineWorkerSession<N extends SessionWorker>(
  name: N,
  open: (ctx: WorkerContext<WorkerInput<N>>) => (request: SessionRequest<N>) => Promise<SessionReply<N>>,
): void {
  const { port, ctx } = workerContext(name);
  const handle = open(ctx);
  const post = (message: SessionMessage<SessionReply<N>>): void => port.postMessage(message);
  let queue: Promise<void> = Promise.resolve();
  port.on('message', ({ id, request }: SessionEnvelope<SessionRequest<N>>) => {
    // A handler that throws before its first await is a refusal of that request, not the end of the thread.
    queue = queue.then(() =>
      Promise.resolve()
        .then(() => handle(request))
        .then(
          (value) => post({ type: 'reply', id, value }),
          (error: unknown) => post({ type: 'error', id, ...failureOf(error) }),
        ),
    );
  });
}
