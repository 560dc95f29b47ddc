import { z } from 'zod';
import { DROP_REASONS } from '../domain/publication';
import { ruleSetSchema } from '../domain/ruleset';
import { call } from './call';
import { calendarDateSchema } from './dates';

export const matchRunSummarySchema = z.object({
  eligibleUsers: z.number().int(),
  candidateUsers: z.number().int(),
  introductions: z.number().int(),
  matchedShare: z.number(),
  meanScore: z.number(),
  totalScore: z.number(),
  upperBound: z.number(),
  boundRatio: z.number(),
  windowTransactions: z.number().int(),
  accumulatorUpdates: z.number(),
  /** Accounts kept out of this run's pool by detection alone (pending assessment at or above the hold threshold). */
  heldByDetection: z.number().int(),
  phasesMs: z.record(z.string(), z.number()),
});
export type MatchRunSummaryView = z.infer<typeof matchRunSummarySchema>;

const count = z.number().int().nonnegative();
/** Pairs dropped at the publish re-check, by reason (shared/domain/publication.ts). */
export const dropCountsSchema = z.object(
  Object.fromEntries(DROP_REASONS.map((r) => [r, count])) as Record<(typeof DROP_REASONS)[number], typeof count>,
);

/** A date published once, from one run: what was written and what the re-check dropped. */
export const publicationSchema = z.object({
  date: calendarDateSchema,
  runId: z.number().int(),
  written: count,
  dropped: dropCountsSchema,
  operator: z.string(),
  publishedAt: z.string(),
});
export type PublicationView = z.infer<typeof publicationSchema>;

/** The re-check of a run against the mirror now: what publishing now would write and drop. */
export const publicationCheckSchema = z.object({
  date: calendarDateSchema,
  runId: z.number().int(),
  introductions: count,
  passing: count,
  dropped: dropCountsSchema,
});
export type PublicationCheckView = z.infer<typeof publicationCheckSchema>;

export const matchRunSchema = z.object({
  id: z.number().int(),
  date: calendarDateSchema,
  rulesetVersion: z.number().int().nullable(),
  operator: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** `interrupted`: left running by a process that died (nothing it wrote is used). */
  status: z.enum(['running', 'completed', 'failed', 'cancelled', 'superseded', 'interrupted']),
  error: z.string().nullable(),
  /** Null until the run completed. */
  summary: matchRunSummarySchema.nullable(),
  /** This run's publication, when its date was published from it. */
  publication: publicationSchema.nullable(),
  /** The run its date was published from (this one or another), or null while the date is not published. */
  datePublishedBy: z.number().int().nullable(),
});
export type MatchRunView = z.infer<typeof matchRunSchema>;

/** Introductions as ids, scores and reason codes: what a person sees of them is the preview's business. */
export const runIntroductionSchema = z.object({
  userA: z.string(),
  userB: z.string(),
  score: z.number(),
  reasons: z.array(z.string()),
});

/** Matching runs: start one for a date (job), list runs, read one run's introductions. */
export const matchingCalls = {
  'matching.runs': call(
    z.object({ limit: z.number().int().min(1).max(100).default(20) }).strict(),
    z.object({ runs: z.array(matchRunSchema) }),
  ),
  'matching.start': call(z.object({ date: calendarDateSchema }).strict(), z.object({ jobId: z.string() })),
  'matching.introductions': call(
    z
      .object({
        runId: z.number().int().positive(),
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .strict(),
    z.object({ total: z.number().int(), introductions: z.array(runIntroductionSchema) }),
  ),
  /** What publishing the run's date now would write and drop (the confirm dialog's counts); writes nothing. */
  'matching.publishCheck': call(
    z.object({ date: calendarDateSchema, runId: z.number().int().positive() }).strict(),
    publicationCheckSchema,
  ),
  /** Publishes the date from the run, once, re-checked now: leads only. */
  'matching.publish': call(
    z.object({ date: calendarDateSchema, runId: z.number().int().positive() }).strict(),
    publicationCheckSchema.extend({ file: z.string() }),
  ),
  'matching.activeRuleSet': call(
    z.object({}).strict(),
    z.object({ version: z.number().int().nullable(), ruleSet: ruleSetSchema }),
  ),
};
