import type { Worker } from 'node:worker_threads';
import { DomainError } from '../../shared/envelope';
import { spawnWorker } from '../util/spawn-worker';
import { errorOf, type SessionEnvelope, type SessionMessage, type WorkerData } from './protocol';
import type { SessionReply, SessionRequest, SessionWorker, WorkerInput } from './workers';

export interface WorkerSessionOptions<I> {
  dbPath: string;
  input: I;
  onProgress(phase: string, done: number, total: number | null): void;
  /** The thread crashed or exited while the session was open: every waiting request has been refused. */
  onFailure(message: string): void;
}

interface Waiting<R> {
  resolve(reply: R): void;
  reject(error: Error): void;
}

/**
 * Main's side of a session worker (written with defineWorkerSession): one thread for as long as the session
 * lives, requests answered in order, its progress and its failure passed on. Closing terminates the thread —
 * which also stops whatever it was building — and refuses the requests still waiting (CANCELLED).
 */
export class WorkerSession<N extends SessionWorker> {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting<SessionReply<N>>>();
  private nextId = 1;
  private closed = false;

  constructor(
    readonly name: N,
    options: WorkerSessionOptions<WorkerInput<N>>,
  ) {
    const data: WorkerData<WorkerInput<N>> = { dbPath: options.dbPath, input: options.input, cancel: null };
    this.worker = spawnWorker(name, { workerData: data });
    // A session must not keep a CLI or server process alive on its own.
    this.worker.unref();
    this.worker.on('message', (message: SessionMessage<SessionReply<N>>) => {
      if (this.closed) return;
      if (message.type === 'progress') return options.onProgress(message.phase, message.done, message.total);
      const waiting = message.id === undefined ? undefined : this.waiting.get(message.id);
      if (!waiting || message.id === undefined) return;
      this.waiting.delete(message.id);
      if (message.type === 'reply') waiting.resolve(message.value);
      else waiting.reject(errorOf(message));
    });
    const fail = (message: string): void => {
      if (this.closed) return;
      this.close(message);
      options.onFailure(message);
    };
    this.worker.on('error', (error) => fail(`the ${name} worker crashed: ${error.message}`));
    this.worker.on('exit', (code) => fail(`the ${name} worker exited with code ${code}`));
  }

  request(request: SessionRequest<N>): Promise<SessionReply<N>> {
    if (this.closed) return Promise.reject(new DomainError('CANCELLED', `the ${this.name} session is closed`));
    const id = this.nextId++;
    return new Promise<SessionReply<N>>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, request } satisfies SessionEnvelope<SessionRequest<N>>);
    });
  }

  /** Terminates the thread; requests still waiting are refused with `reason`. */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiting.values()) w.reject(new DomainError('CANCELLED', reason));
    this.waiting.clear();
    void this.worker.terminate();
  }
}
