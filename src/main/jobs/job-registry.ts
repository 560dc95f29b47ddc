import { randomUUID } from 'node:crypto';
import { DomainError } from '../../shared/envelope';
import { say } from '../../shared/error-says';
import { CancelledError, type JobKind, type JobProgress } from '../../shared/progress';
import type { EventHub } from '../events';
import { runWorkerJob } from './run-worker-job';
import type { JobOutput, JobWorker, WorkerInput } from './workers';

interface RunningJob {
  controller: AbortController;
  last: JobProgress;
}

export interface StartJobOptions<N extends JobWorker> {
  kind: JobKind;
  /** A job of the worker registry (./workers.ts): `src/main/workers/<worker>.worker.ts`. */
  worker: N;
  dbPath: string;
  input: WorkerInput<N>;
  /** Runs in main after the worker's result arrived (e.g. refresh caches); its text becomes the final message. */
  onResult?(result: JobOutput<N>): string | undefined;
}

/** How many finished jobs stay listed for the UI (enough for a session's history, small enough to forget). */
const FINISHED_KEPT = 20;

/**
 * The long jobs main has running in worker threads. Each job's progress goes to every renderer as a
 * `job.progress` event; one job per kind at a time, because they all write the same mirror.
 */
export class JobRegistry {
  private readonly jobs = new Map<string, RunningJob>();
  /** Ids of the jobs started, in order: a call can tell which jobs it started itself (startedSince). */
  private readonly startOrder: string[] = [];

  constructor(private readonly events: EventHub) {}

  /** A mark in the order of starts, for startedSince. */
  mark(): number {
    return this.startOrder.length;
  }

  /** The ids of the jobs started after `mark`. */
  startedSince(mark: number): string[] {
    return this.startOrder.slice(mark);
  }

  start<N extends JobWorker>(options: StartJobOptions<N>): { jobId: string; done: Promise<void> } {
    const busy = [...this.jobs.values()].find((j) => j.last.kind === options.kind && j.last.state === 'running');
    if (busy)
      throw new DomainError(
        'BUSY',
        `a ${options.kind} job is already running (${busy.last.jobId}): one at a time for the whole console`,
        say('jobRunning', { kind: options.kind }),
      );
    const jobId = `${options.kind}-${randomUUID().slice(0, 8)}`;
    const job: RunningJob = {
      controller: new AbortController(),
      last: { jobId, kind: options.kind, phase: 'starting', done: 0, total: null, state: 'running' },
    };
    this.jobs.set(jobId, job);
    this.startOrder.push(jobId);
    this.publish(job, {});
    const done = runWorkerJob(options.worker, {
      dbPath: options.dbPath,
      input: options.input,
      signal: job.controller.signal,
      onProgress: (phase, doneCount, total) => this.publish(job, { phase, done: doneCount, total }),
    }).then(
      (result) => {
        const message = options.onResult?.(result);
        this.publish(job, { state: 'completed', phase: 'done', ...(message ? { message } : {}) });
      },
      (error: unknown) => {
        if (error instanceof CancelledError) this.publish(job, { state: 'cancelled', message: error.message });
        else this.publish(job, { state: 'failed', message: error instanceof Error ? error.message : String(error) });
      },
    );
    return { jobId, done: done.finally(() => this.forgetOld()) };
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job) throw new DomainError('NOT_FOUND', `no job ${jobId}`);
    if (job.last.state !== 'running') return false;
    job.controller.abort();
    return true;
  }

  list(): JobProgress[] {
    return [...this.jobs.values()].map((j) => j.last).reverse();
  }

  /** Cancels everything (window closing, server stopping) and waits for nothing: workers roll back on their own. */
  cancelAll(): void {
    for (const job of this.jobs.values()) if (job.last.state === 'running') job.controller.abort();
  }

  private publish(job: RunningJob, change: Partial<JobProgress>): void {
    job.last = { ...job.last, ...change };
    this.events.emit('job.progress', job.last);
  }

  private forgetOld(): void {
    const finished = [...this.jobs.entries()].filter(([, j]) => j.last.state !== 'running');
    for (const [id] of finished.slice(0, Math.max(0, finished.length - FINISHED_KEPT))) this.jobs.delete(id);
  }
}
