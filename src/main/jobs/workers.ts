import type { Operator, ParsedInput } from '../../shared/contract';
import type { WhatIfView } from '../../shared/contract/tuning';
import type { RuleSet } from '../../shared/domain/ruleset';
import type { MatchRunSummary } from '../engine';
import type { ImportSummary } from '../mirror/import/summary';
import type { DetectSummary } from '../moderation/detect';
import type { Evaluation } from '../moderation/evaluate';

/**
 * THE worker registry: every worker thread main starts, by name (`src/main/workers/<name>.worker.ts`), with what
 * goes in and what comes out. Both sides are typed from it — the worker's `defineWorkerJob` / `defineWorkerSession`
 * and main's `runWorkerJob` / `jobs.start` / `WorkerSession` — so a worker and its callers cannot disagree.
 * Progress is one shape for every worker (a phase, done, total: ../../shared/progress's ProgressSink), reported
 * through one throttled sink; errors cross with one list of codes (./protocol.ts).
 *
 * - A **job** runs once to completion: input in, output (or an error) out, cancellable through a shared flag.
 * - A **session** lives as long as its owner: it is started with an input, then answers requests one at a time
 *   until it is closed (its thread terminated: that also stops a build in progress).
 *
 * (The engine's `engine-candidates` threads are not here: they are the kernel's own pool over shared memory,
 * started and joined inside one run, never by a caller.)
 */
export interface WorkerRegistry {
  import: Job<ImportJobInput, ImportSummary>;
  match: Job<MatchJobInput, MatchRunSummary>;
  detect: Job<DetectJobInput, DetectSummary>;
  evaluate: Job<{ labelsFile: string }, Evaluation>;
  demo: Job<DemoJobInput, DemoSummary>;
  tuning: Session<{ threads: number }, TuningRequest, TuningReply>;
  'review-reads': Session<Record<string, never>, ReviewReadRequest, ReviewReadReply>;
}

export interface Job<I, O> {
  input: I;
  output: O;
}

export interface Session<I, Request, Reply> {
  input: I;
  request: Request;
  reply: Reply;
}

export type WorkerName = keyof WorkerRegistry;
export type JobWorker = { [N in WorkerName]: WorkerRegistry[N] extends Job<unknown, unknown> ? N : never }[WorkerName];
export type SessionWorker = Exclude<WorkerName, JobWorker>;
export type WorkerInput<N extends WorkerName> = WorkerRegistry[N]['input'];
export type JobOutput<N extends JobWorker> = WorkerRegistry[N]['output'];
export type SessionRequest<N extends SessionWorker> = WorkerRegistry[N]['request'];
export type SessionReply<N extends SessionWorker> = WorkerRegistry[N]['reply'];

export interface ImportJobInput {
  dir: string;
  operator: string;
}

export interface DetectJobInput {
  /** Who started it: the run's audit rows are in this name. */
  operator: string;
}

export interface MatchJobInput {
  date: string;
  operator: string;
  /** Omitted: the active rule set. */
  ruleSet?: RuleSet;
  /** Candidate threads started from this worker (default 2). */
  threads?: number;
}

export interface DemoJobInput {
  users: number;
  seed: number;
  /** Where the generated export is kept (beside the mirror), so operators can look at a real export's files. */
  exportDir: string;
  operator: string;
  /** Matching runs to leave behind, ending today (0 = none); all but today's are published. */
  historyDays: number;
}

export interface DemoSummary {
  import: ImportSummary;
  detect: DetectSummary;
  /** Dates of the demo's matching runs, oldest first (the last is today's). */
  runDates: string[];
  /** Dates published from them (every one before today: today's run is left for an operator to publish). */
  publishedDates: string[];
}

/** The tuning session: build the what-if cache for a date once, then re-score drafts on it. */
export type TuningRequest =
  | { type: 'open'; date: string }
  | { type: 'whatIf'; seq: number; ruleSet: RuleSet }
  | { type: 'shadow'; ruleSet: RuleSet; operator: string };

export type TuningReply =
  | { type: 'opened'; poolUsers: number; buildMs: number }
  | { type: 'whatIf'; result: WhatIfView }
  | { type: 'shadow'; shadowId: number };

/** Reviewers' reads (queue pages, the item pane), masked, off main's loop: ./review-reads.ts. */
export type ReviewReadRequest =
  | { type: 'queue'; input: ParsedInput<'moderation.queue'>; operator: Operator; now: number }
  | { type: 'item'; flagId: number; operator: Operator; now: number }
  | { type: 'timeline'; flagId: number; cursor: string };

/** Each view checked against the contract and written as JSON on the worker (checked-reply.ts's `CheckedJson.write`). */
export type ReviewReadReply =
  { type: 'queue'; json: string } | { type: 'item'; json: string } | { type: 'timeline'; json: string };
