import type { EventHub } from '../events';
import { WorkerSession } from '../jobs/worker-session';
import type { TuningReply, TuningRequest } from '../jobs/workers';
import type { RuleSet } from '../../shared/domain/ruleset';
import type { TuningStateView, WhatIfView } from '../../shared/contract/tuning';
import { DomainError } from '../../shared/envelope';
import { say } from '../../shared/error-says';

export type WhatIfAnswer = { status: 'ready'; result: WhatIfView } | { status: 'superseded' };

/** The session's state before any date is opened, and after one is closed. */
const NO_DATE_OPEN: TuningStateView = {
  date: null,
  state: 'idle',
  phase: '',
  done: 0,
  total: null,
  poolUsers: 0,
  error: null,
};

/**
 * Main's side of the tuning worker: forwards requests, keeps only the latest what-if while one is computing (the
 * operator is dragging; intermediate drafts are answered `superseded` at once), and publishes the cache build's
 * progress as `job.progress` (kind 'tune'), shown on the rules page.
 */
export class TuningSession {
  private worker: WorkerSession<'tuning'> | null = null;
  private view: TuningStateView = NO_DATE_OPEN;
  private jobId = '';
  private opened: Promise<void> | null = null;
  /** The what-if being computed, and the one newest draft waiting behind it. */
  private whatIfBusy = false;
  private pending: { seq: number; ruleSet: RuleSet; resolve(a: WhatIfAnswer): void; reject(e: Error): void } | null =
    null;

  constructor(
    private readonly dbPath: string,
    private readonly events: EventHub | null,
    private readonly threads = 2,
  ) {}

  state(): TuningStateView {
    return { ...this.view };
  }

  /** Builds the cache for a date (or keeps the one already built or building for it, unless `reload`). */
  open(date: string, reload = false): TuningStateView {
    if (!reload && this.view.date === date && (this.view.state === 'building' || this.view.state === 'ready'))
      return this.state();
    // Closing the old worker also stops the build it may still be running for the other date.
    this.stopWorker(reload ? 'the what-if was reloaded' : 'the what-if moved to another date');
    const worker: WorkerSession<'tuning'> = new WorkerSession('tuning', {
      dbPath: this.dbPath,
      input: { threads: this.threads },
      onProgress: (phase, done, total) => {
        if (this.worker !== worker) return;
        this.view = { ...this.view, phase, done, total };
        this.publish('running');
      },
      onFailure: (message) => {
        if (this.worker !== worker) return;
        this.worker = null;
        this.view = { ...this.view, state: 'failed', error: message };
        this.publish('failed', message);
      },
    });
    this.worker = worker;
    this.jobId = `tuning-${date}-${Date.now().toString(36)}`;
    this.view = { date, state: 'building', phase: 'starting', done: 0, total: null, poolUsers: 0, error: null };
    this.publish('running');
    this.opened = this.request({ type: 'open', date }).then(
      (reply) => {
        if (reply.type !== 'opened' || this.worker !== worker) return;
        this.view = { ...this.view, state: 'ready', phase: 'ready', poolUsers: reply.poolUsers };
        this.publish('completed', `what-if cache for ${date}: ${reply.poolUsers} users in ${reply.buildMs} ms`);
      },
      (error: Error) => {
        if (this.worker !== worker) return;
        this.view = { ...this.view, state: 'failed', error: error.message };
        this.publish('failed', error.message);
      },
    );
    return this.state();
  }

  /** Resolves once the cache for the open date is built (rejects if the build failed). */
  async ready(): Promise<void> {
    if (!this.opened)
      throw new DomainError('CONFLICT', 'tuning: no date is open; call tuning.open first', say('tuningNotOpen', {}));
    await this.opened;
    if (this.view.state !== 'ready')
      throw new DomainError(
        'CONFLICT',
        `tuning: the what-if cache for ${this.view.date} is ${this.view.state}: ${this.view.error ?? ''}`,
      );
  }

  /** The what-if of a draft; an older draft still waiting when a newer one arrives is answered `superseded`. */
  whatIf(ruleSet: RuleSet, seq: number): Promise<WhatIfAnswer> {
    return new Promise<WhatIfAnswer>((resolve, reject) => {
      if (this.pending) this.pending.resolve({ status: 'superseded' });
      this.pending = { seq, ruleSet, resolve, reject };
      void this.pump();
    });
  }

  async shadowRun(ruleSet: RuleSet, operator: string): Promise<number> {
    await this.ready();
    const reply = await this.request({ type: 'shadow', ruleSet, operator });
    if (reply.type !== 'shadow') throw new Error(`tuning worker answered ${reply.type} to a shadow run`);
    return reply.shadowId;
  }

  /**
   * Stops the cache build that `jobId` (its job.progress id) stands for: true when it was building, false when it
   * had ended, null when the id is not this session's. The session is left with no date open, as before any; the
   * rules page's button builds again.
   */
  cancel(jobId: string): boolean | null {
    if (jobId === '' || jobId !== this.jobId) return null;
    if (this.view.state !== 'building') return false;
    this.closeDate('the cache build was cancelled');
    this.publish('cancelled', 'cancelled by the operator');
    return true;
  }

  close(): void {
    this.closeDate('the tuning session closed');
  }

  /** Back to no date open, as before any: the worker stopped, its cache gone. */
  private closeDate(reason: string): void {
    this.stopWorker(reason);
    this.view = NO_DATE_OPEN;
    this.opened = null;
  }

  private async pump(): Promise<void> {
    if (this.whatIfBusy || !this.pending) return;
    this.whatIfBusy = true;
    try {
      try {
        await this.ready();
      } catch (error) {
        const p = this.pending;
        this.pending = null;
        p?.reject(error as Error);
        return;
      }
      const next = this.pending;
      this.pending = null;
      if (!next) return;
      try {
        const reply = await this.request({ type: 'whatIf', seq: next.seq, ruleSet: next.ruleSet });
        if (reply.type === 'whatIf') next.resolve({ status: 'ready', result: reply.result });
        else next.reject(new Error(`tuning worker answered ${reply.type} to a what-if`));
      } catch (error) {
        next.reject(error as Error);
      }
    } finally {
      this.whatIfBusy = false;
      if (this.pending) void this.pump();
    }
  }

  private request(message: TuningRequest): Promise<TuningReply> {
    if (!this.worker)
      return Promise.reject(
        new DomainError('CONFLICT', 'tuning: no date is open; call tuning.open first', say('tuningNotOpen', {})),
      );
    return this.worker.request(message);
  }

  private stopWorker(reason: string): void {
    const worker = this.worker;
    this.worker = null;
    if (this.pending) {
      this.pending.resolve({ status: 'superseded' });
      this.pending = null;
    }
    worker?.close(reason);
  }

  private publish(state: 'running' | 'completed' | 'failed' | 'cancelled', message?: string): void {
    this.events?.emit('job.progress', {
      jobId: this.jobId,
      kind: 'tune',
      phase: this.view.phase,
      done: this.view.done,
      total: this.view.total,
      state,
      ...(message ? { message } : {}),
    });
  }
}
