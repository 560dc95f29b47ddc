/**
 * Messages between a job's worker thread and main. The cancel request travels through a shared Int32Array so a
 * worker deep inside a synchronous SQLite loop sees it at its next batch boundary without an event-loop turn.
 */
export interface WorkerJobData<I> {
  dbPath: string;
  input: I;
  /** Int32Array(1) over this buffer: 0 = run, 1 = cancel requested. */
  cancel: SharedArrayBuffer;
}

export type WorkerJobMessage<O> =
  | { type: 'progress'; phase: string; done: number; total: number | null }
  | { type: 'result'; value: O }
  | { type: 'error'; code: string; message: string };
