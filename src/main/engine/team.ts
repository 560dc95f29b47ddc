import type { Worker } from 'node:worker_threads';
import type { ProgressSink } from '../../shared/progress';
import { spawnWorker } from '../util/spawn-worker';
import type { ShareHelper } from './score-share';
import type { CandidatePairs, KernelData, KernelOutput } from './kernel';
import type { RunWindow } from './window';
import { SCAN_PARTS_AT, type ScanChunk, type ScanKeys } from './window-scan';

/**
 * The engine's threads for one run (or one benchmark), started before the main thread starts loading so their
 * start-up overlaps its work: they read the window's transactions (window-scan.ts), then find the candidates
 * (kernel.ts), each claiming chunks of the work from a shared counter so a thread that draws heavy chunks does
 * not hold the other up. Progress and cancel are polled on the main thread while it waits.
 */
export interface TeamRunTimes {
  /** From hand-out to the last thread's answer. */
  wallMs: number;
  /** Each thread's own time inside the kernel. */
  threadMs: number[];
}

/** The re-score helper's tasks (ShareHelper) run only on a team of one thread. */
export interface EngineTeam extends ShareHelper {
  readonly threads: number;
  /**
   * Reads the window from the mirror file on the threads' own connections, planning included (each thread plans for
   * one range of `userCuts`, window-scan.ts planCuts: threads − 1 user keys the caller read), so the caller's thread
   * is free meanwhile; the chunks come back in chunk (= rowid) order, each with the keys of the thread that read it
   * (`ScanResult`).
   */
  scan(
    dbFile: string,
    window: Pick<RunWindow, 'start' | 'end'>,
    userCuts: readonly number[],
    chunkRows: number | undefined,
    progress: ProgressSink,
  ): Promise<ScanResult>;
  /** The kernel data the next runs use (each thread keeps its scratch memory between runs). */
  load(data: KernelData): void;
  /** One kernel run over `out` (its control counter at zero): the top-K lists. */
  run(out: KernelOutput, progress?: ProgressSink): Promise<TeamRunTimes>;
  /** The features of `pairs` (its control counter at zero); `rows` as the output's the pairs came from. */
  features(pairs: CandidatePairs, rows: Int32Array | undefined, progress?: ProgressSink): Promise<TeamRunTimes>;
  close(): Promise<void>;
}

export interface ScanResult {
  chunks: ScanChunk[];
  /** Per chunk, the keys its indexes refer to (its thread's read of them). */
  keysOf: ScanKeys[];
}

type Reply =
  | { type: 'chunk'; chunk: ScanChunk }
  | { type: 'scanned'; keys: ScanKeys }
  | { type: 'done'; ms: number }
  | { type: 'error'; message: string };

const POLL_MS = 100;

/**
 * `unref`: the threads never keep the process alive by themselves (a cache's re-score helper, which lives as long as
 * the cache and may never be closed by a short-lived caller); a task in progress still does, through its poll timer.
 */
export function startEngineTeam(threads: number, options: { unref?: boolean } = {}): EngineTeam {
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error(`engine team: threads must be a positive integer, got ${threads}`);
  const workers: Worker[] = Array.from({ length: threads }, (_, slot) =>
    spawnWorker('engine-team', { workerData: { slot } }),
  );
  if (options.unref) for (const w of workers) w.unref();
  let busy = false;
  // A thread that stopped (crashed, or terminated by close) would never answer: a task sent to it would wait forever.
  let stopped: string | null = null;
  workers.forEach((w, slot) =>
    w.once('exit', (code) => (stopped ??= `engine team: thread ${slot} stopped (exit code ${code})`)),
  );
  let loaded = false;

  /** One task over rows claimed from `control` ([0] next, [1] done, [2] cancel), timed per thread. */
  async function timed(
    phase: string,
    control: Int32Array,
    rows: number,
    message: (slot: number) => unknown,
    progress: ProgressSink | undefined,
  ): Promise<TeamRunTimes> {
    if (!loaded) throw new Error('engine team: kernel data not loaded');
    const start = performance.now();
    const threadMs = new Array<number>(threads).fill(0);
    await together(
      message,
      'done',
      (slot, reply) => {
        if (reply.type === 'done') threadMs[slot] = reply.ms;
      },
      () => {
        if (!progress) return;
        progress.report(phase, Math.min(rows, Atomics.load(control, 1)), rows);
        try {
          progress.throwIfCancelled();
        } catch (error) {
          Atomics.store(control, 2, 1);
          throw error;
        }
      },
    );
    return { wallMs: performance.now() - start, threadMs };
  }

  /** A task of the re-score helper: a team of one thread. */
  function onHelper(message: unknown): Promise<void> {
    if (threads !== 1)
      return Promise.reject(new Error(`engine team: a re-score share runs on a team of one thread, not ${threads}`));
    return together(
      () => message,
      'done',
      () => undefined,
      () => undefined,
    );
  }

  /**
   * Sends one message to every thread and resolves when each has answered `until` (rejects on any error).
   * `onFailure` runs when a thread fails, so threads waiting on it (the scan's plan) can be told to stop.
   */
  function together(
    message: (slot: number) => unknown,
    until: Reply['type'],
    onReply: (slot: number, reply: Reply) => void,
    poll: () => void,
    onFailure: () => void = () => undefined,
  ): Promise<void> {
    if (busy) return Promise.reject(new Error('engine team: a task is already running'));
    if (stopped !== null) return Promise.reject(new Error(stopped));
    busy = true;
    return new Promise<void>((resolve, reject) => {
      let running = threads;
      let failure: unknown = null;
      const listeners: (() => void)[] = [];
      const timer = setInterval(() => {
        try {
          poll();
        } catch (error) {
          failure ??= error;
        }
      }, POLL_MS);
      const finish = (): void => {
        clearInterval(timer);
        for (const off of listeners.splice(0)) off();
        busy = false;
        if (failure !== null) reject(failure instanceof Error ? failure : new Error(String(failure)));
        else resolve();
      };
      workers.forEach((w, slot) => {
        // Each thread ends its part once: with its answer, an error, or by stopping (an exit without an error
        // event would otherwise leave the task waiting forever).
        let ended = false;
        const end = (): void => {
          if (ended) return;
          ended = true;
          if (--running === 0) finish();
        };
        const onMessage = (reply: Reply): void => {
          if (reply.type === 'error') {
            failure ??= new Error(`engine thread failed: ${reply.message}`);
            onFailure();
          } else onReply(slot, reply);
          if (reply.type === until || reply.type === 'error') end();
        };
        const onError = (e: Error): void => {
          failure ??= e;
          onFailure();
          end();
        };
        const onExit = (): void => {
          // `stopped` was set by the listener registered at the start, which runs first.
          failure ??= new Error(stopped ?? `engine team: thread ${slot} stopped`);
          onFailure();
          end();
        };
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        listeners.push(() => {
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
        });
      });
      workers.forEach((w, slot) => w.postMessage(message(slot)));
    });
  }

  return {
    threads,
    async scan(dbFile, window, userCuts, chunkRows, progress) {
      if (userCuts.length !== threads - 1)
        throw new Error(
          `engine team: ${userCuts.length} user cuts for ${threads} threads (planCuts gives threads − 1)`,
        );
      const shared = new SharedArrayBuffer(SCAN_PARTS_AT + 16 * threads);
      const control = new Int32Array(shared, 0, 4);
      const planned = new Float64Array(shared, 16, 2);
      const chunks: ScanChunk[] = [];
      const slotOf: number[] = [];
      const keysOfSlot = new Array<ScanKeys>(threads);
      await together(
        (slot) => ({ type: 'scan', dbFile, window, chunkRows, shared, slot, threads, userCuts: [...userCuts] }),
        'scanned',
        (slot, reply) => {
          if (reply.type === 'chunk') {
            chunks[reply.chunk.index] = reply.chunk;
            slotOf[reply.chunk.index] = slot;
          } else if (reply.type === 'scanned') keysOfSlot[slot] = reply.keys;
        },
        () => {
          const count = planned[1]!;
          progress.report('load transactions', Math.min(count, Atomics.load(control, 1)), count);
          try {
            progress.throwIfCancelled();
          } catch (error) {
            Atomics.store(control, 2, 1);
            throw error;
          }
        },
        () => Atomics.store(control, 2, 1),
      );
      return { chunks, keysOf: slotOf.map((slot) => keysOfSlot[slot]!) };
    },
    load(data) {
      for (const w of workers) w.postMessage({ type: 'data', data });
      loaded = true;
    },
    run(out, progress) {
      if (out.updates.length < threads)
        return Promise.reject(
          new Error(`engine team: output has ${out.updates.length} update slots for ${threads} threads`),
        );
      const rows = out.rows ? out.rows.length : out.candCount.length;
      return timed('candidates', out.control, rows, (slot) => ({ type: 'kernel', out, slot }), progress);
    },
    features(pairs, rows, progress) {
      const count = pairs.rowStart.length - 1;
      return timed('features', pairs.control, count, () => ({ type: 'features', pairs, rows }), progress);
    },
    score(job, share) {
      return onHelper({ type: 'score', job, share });
    },
    rest(job, share, cutKey, matched) {
      return onHelper({ type: 'rest', job, share, cutKey, matched });
    },
    values(job) {
      return onHelper({ type: 'values', job });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
