import { z } from 'zod';

export const JOB_KINDS = ['import', 'generate', 'match', 'detect', 'tune'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATES = ['running', 'completed', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Progress of a long job (import, matching, detection), as main reports it to the UI and the CLI. */
export const jobProgressSchema = z.object({
  jobId: z.string(),
  kind: z.enum(JOB_KINDS),
  phase: z.string(),
  done: z.number().nonnegative(),
  /** null when the total is not known yet. */
  total: z.number().nonnegative().nullable(),
  state: z.enum(JOB_STATES),
  message: z.string().optional(),
});
export type JobProgress = z.infer<typeof jobProgressSchema>;

/** What a long-running function receives to report progress and notice a cancel request. */
export interface ProgressSink {
  report(phase: string, done: number, total: number | null): void;
  /** Throws `CancelledError` when the operator asked to cancel. Call it at batch boundaries. */
  throwIfCancelled(): void;
}

export class CancelledError extends Error {
  readonly code = 'CANCELLED';
  constructor() {
    super('cancelled by the operator');
  }
}

/** A sink for callers that need no progress (tests, small runs). */
export const silentProgress: ProgressSink = { report() {}, throwIfCancelled() {} };
