import { randomUUID } from 'node:crypto';
import type { Operator } from '../../shared/contract/app';
import { roleAtLeast } from '../../shared/domain/operator-roles';
import { DomainError } from '../../shared/envelope';
import { say } from '../../shared/error-says';
import { CancelledError, type JobKind, type JobProgress } from '../../shared/progress';
import { withAudit } from '../audit/audit-log';
import type { Db } from '../db/database';
import { retryWhileBusy } from '../db/busy';
import type { EventHub } from '../events';
import { runWorkerJob } from './run-worker-job';
import type { JobOutput, JobWorker, WorkerInput } from './workers';

interface RunningJob {
  controller: AbortController;
  last: JobProgress;
  /** Whom the job runs for: the operator who started it, named on the rows its worker writes. */
  startedBy: string;
  /** Who asked to cancel it, once someone did (the first to ask). */
  cancelledBy: string | null;
  /** Settles once the job has ended and a cancel of it is audited (it never rejects). */
  ended: Promise<void>;
}

export interface StartJobOptions<N extends JobWorker> {
  kind: JobKind;
  /** A job of the worker registry (./workers.ts): `src/main/workers/<worker>.worker.ts`. */
  worker: N;
  dbPath: string;
  input: WorkerInput<N>;
  /** The operator the job runs for: who may cancel it besides a lead (see `cancel`). */
  startedBy: string;
  /** Runs in main after the worker's result arrived (e.g. refresh caches); its text becomes the final message. */
  onResult?(result: JobOutput<N>): string | undefined;
}

/** How many finished jobs stay listed for the UI (enough for a session's history, small enough to forget). */
const FINISHED_KEPT = 20;

/**
 * How long the row naming who cancelled a job may wait for the mirror's write lock once the job ended (another
 * process's import may hold it): longer than a call's wait, since nobody waits for it; given up with a line on stderr.
 */
const CANCEL_AUDIT_WAIT_MS = 30_000;

/**
 * Who cancelled a job the console stopped as it closed (stopAll): no operator asked, so the trail must not read as if
 * the job's owner had (the worker's own 'import.cancel' row is in the owner's name, as for any cancel).
 */
export const CONSOLE_CLOSING = 'system';

/**
 * The long jobs main has running in worker threads. Each job's progress goes to every renderer as a
 * `job.progress` event; one job per kind at a time, because they all write the same mirror.
 */
export class JobRegistry {
  private readonly jobs = new Map<string, RunningJob>();
  /** Ids of the jobs started, in order: a call can tell which jobs it started itself (startedSince). */
  private readonly startOrder: string[] = [];

  constructor(
    private readonly events: EventHub,
    private readonly db: Db,
  ) {}

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
      startedBy: options.startedBy,
      cancelledBy: null,
      ended: Promise.resolve(),
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
    const audited = done.then(() => (job.cancelledBy === null ? undefined : this.auditCancel(job, job.cancelledBy)));
    job.ended = audited;
    return { jobId, done: audited.finally(() => this.forgetOld()) };
  }

  /**
   * Asks a running job to stop (its worker rolls back at its next batch boundary). An operator cancels their own
   * jobs; another's — an import a colleague waits on — only a lead or an admin, as with undoing a decision. True
   * when the job was running; false when it had already ended.
   */
  cancel(jobId: string, by: Operator): boolean {
    const job = this.jobs.get(jobId);
    if (!job) throw new DomainError('NOT_FOUND', `no job ${jobId}`);
    if (job.startedBy !== by.name && !roleAtLeast(by.role, 'lead'))
      throw new DomainError(
        'FORBIDDEN',
        `a ${by.role} can only cancel the jobs they started; ${jobId} was started by ${job.startedBy}`,
        say('cancelOwnOnly', { kind: job.last.kind, operator: job.startedBy }, { needs: 'lead' }),
      );
    if (job.last.state !== 'running') return false;
    job.cancelledBy ??= by.name;
    job.controller.abort();
    return true;
  }

  list(): JobProgress[] {
    return [...this.jobs.values()].map((j) => j.last).reverse();
  }

  /** Cancels everything and waits for nothing: workers roll back on their own (the last resort of a close). */
  cancelAll(): void {
    for (const job of this.jobs.values()) if (job.last.state === 'running') job.controller.abort();
  }

  /**
   * Cancels everything (the window closing, the server stopping) and waits, at most `waitMs`, until every job has
   * ended and its cancel is in the audit log (an operator's, or else CONSOLE_CLOSING's): closing the mirror under them
   * would lose that row (it is written once the worker has rolled back and let go of the write lock) and leave the
   * worker's own run 'running' until the next start. True when all ended in time.
   */
  async stopAll(waitMs: number): Promise<boolean> {
    // Every job's: one that has just ended may still be writing its cancel's row.
    const ending = [...this.jobs.values()].map((j) => j.ended);
    for (const job of this.jobs.values()) if (job.last.state === 'running') job.cancelledBy ??= CONSOLE_CLOSING;
    this.cancelAll();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)));
    try {
      return await Promise.race([Promise.all(ending).then(() => true as const), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private publish(job: RunningJob, change: Partial<JobProgress>): void {
    job.last = { ...job.last, ...change };
    this.events.emit('job.progress', job.last);
  }

  /**
   * 'job.cancel' in the name of who cancelled, naming whose the job was: the worker's own row ('import.cancel',
   * 'match.cancel', …) is in the owner's name, so without this one a lead's cancel of a reviewer's import read as the
   * reviewer's. Written once the job has ended — its worker held the write lock until then (an import's one
   * transaction) — saying how it ended: a cancel may come too late to stop a commit.
   */
  private async auditCancel(job: RunningJob, cancelledBy: string): Promise<void> {
    const { jobId, kind, state } = job.last;
    try {
      await retryWhileBusy(
        () =>
          withAudit(
            this.db,
            { operator: cancelledBy, action: 'job.cancel' },
            () => null,
            () => ({ subject: jobId, details: { kind, startedBy: job.startedBy, ended: state } }),
          ),
        { waitMs: CANCEL_AUDIT_WAIT_MS },
      );
    } catch (err) {
      process.stderr.write(
        `job ${jobId}: cancelled by ${cancelledBy}, not audited: ${err instanceof Error ? err.message : String(err)}\n`,
      );
    }
  }

  private forgetOld(): void {
    const finished = [...this.jobs.entries()].filter(([, j]) => j.last.state !== 'running');
    for (const [id] of finished.slice(0, Math.max(0, finished.length - FINISHED_KEPT))) this.jobs.delete(id);
  }
}
