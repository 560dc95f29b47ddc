import type { Worker } from 'node:worker_threads';
import type { EventHub } from '../events';
import { spawnWorker } from '../jobs/spawn-worker';
import type { RuleSet } from '../../shared/domain/ruleset';
import type { TuningStateView, WhatIfView } from '../../shared/contract/tuning';
import { DomainError, type ErrorCode } from '../../shared/envelope';
import type { TuningReply, TuningRequest, TuningWorkerData } from './protocol';
import { say } from '../../shared/error-says';

export type WhatIfAnswer = { status: 'ready'; result: WhatIfView } | { status: 'superseded' };

interface Waiting {
  resolve(reply: TuningReply): void;
  reject(error: Error): void;
}

const KNOWN_CODES: readonly ErrorCode[] = ['NOT_FOUND', 'CONFLICT', 'CANCELLED', 'INVALID_INPUT'];

/**
 * Main's side of the tuning worker: forwards requests, keeps only the latest what-if while one is computing (the
 * operator is dragging; intermediate drafts are answered `superseded` at once), and publishes the cache build's
 * progress as `job.progress` (kind 'tune'), shown on the rules page.
 */
export class TuningSession {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private view: TuningStateView = {
    date: null,
    state: 'idle',
    phase: '',
    done: 0,
    total: null,
    poolUsers: 0,
    error: null,
  };
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
    this.stopWorker(reload ? 'the what-if was reloaded' : 'the what-if moved to another date');
    const data: TuningWorkerData = { dbPath: this.dbPath, cancel: new SharedArrayBuffer(4), threads: this.threads };
    const worker = spawnWorker('tuning', { workerData: data });
    // The session must not keep a CLI or server process alive on its own.
    worker.unref();
    this.worker = worker;
    this.jobId = `tuning-${date}-${Date.now().toString(36)}`;
    this.view = { date, state: 'building', phase: 'starting', done: 0, total: null, poolUsers: 0, error: null };
    worker.on('message', (reply: TuningReply) => this.onReply(worker, reply));
    worker.on('error', (error) => this.onCrash(worker, error.message));
    worker.on('exit', (code) => this.onCrash(worker, `tuning worker exited with code ${code}`));
    this.publish('running');
    this.opened = this.request({ type: 'open', id: 0, date }).then(
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
    const reply = await this.request({ type: 'shadow', id: 0, ruleSet, operator });
    if (reply.type !== 'shadow') throw new Error(`tuning worker answered ${reply.type} to a shadow run`);
    return reply.shadowId;
  }

  close(): void {
    this.stopWorker('the tuning session closed');
    this.view = { date: null, state: 'idle', phase: '', done: 0, total: null, poolUsers: 0, error: null };
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
        const reply = await this.request({ type: 'whatIf', id: 0, seq: next.seq, ruleSet: next.ruleSet });
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
    const worker = this.worker;
    if (!worker)
      return Promise.reject(
        new DomainError('CONFLICT', 'tuning: no date is open; call tuning.open first', say('tuningNotOpen', {})),
      );
    const id = this.nextId++;
    return new Promise<TuningReply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  }

  private onReply(worker: Worker, reply: TuningReply): void {
    if (worker !== this.worker) return;
    if (reply.type === 'progress') {
      this.view = { ...this.view, phase: reply.phase, done: reply.done, total: reply.total };
      this.publish('running');
      return;
    }
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return;
    this.waiting.delete(reply.id);
    if (reply.type === 'error') {
      const code = KNOWN_CODES.find((c) => c === reply.code) ?? 'INTERNAL';
      waiting.reject(new DomainError(code, reply.message));
    } else waiting.resolve(reply);
  }

  private onCrash(worker: Worker, message: string): void {
    if (worker !== this.worker) return;
    this.worker = null;
    this.view = { ...this.view, state: 'failed', error: message };
    this.publish('failed', message);
    this.failWaiting(message);
  }

  private stopWorker(reason: string): void {
    const worker = this.worker;
    this.worker = null;
    if (this.pending) {
      this.pending.resolve({ status: 'superseded' });
      this.pending = null;
    }
    this.failWaiting(reason);
    if (worker) void worker.terminate();
  }

  private failWaiting(reason: string): void {
    for (const w of this.waiting.values()) w.reject(new DomainError('CANCELLED', reason));
    this.waiting.clear();
  }

  private publish(state: 'running' | 'completed' | 'failed', message?: string): void {
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
