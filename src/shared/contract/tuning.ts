import { z } from 'zod';
import { ruleSetSchema } from '../domain/ruleset';
import { call } from './call';
import { calendarDateSchema } from './dates';

/** Score histogram: 20 bins of 5 points over the 0–100 matching value (the last bin includes 100). */
export const HISTOGRAM_BINS = 20;
/** Age bands the what-if and shadow comparison count introduced users in (lower bounds, inclusive). */
export const AGE_BANDS = [
  { id: '<25', min: 0, max: 24 },
  { id: '25-34', min: 25, max: 34 },
  { id: '35-44', min: 35, max: 44 },
  { id: '45-54', min: 45, max: 54 },
  { id: '55+', min: 55, max: 200 },
] as const;
export const GENDER_PAIRS = ['F-F', 'F-M', 'M-M'] as const;

export const ruleSetVersionSchema = z.object({
  version: z.number().int(),
  ruleSet: ruleSetSchema,
  createdBy: z.string(),
  createdAt: z.string(),
  note: z.string(),
  active: z.boolean(),
});
export type RuleSetVersionView = z.infer<typeof ruleSetVersionSchema>;

export const activationSchema = z.object({
  version: z.number().int(),
  activatedBy: z.string(),
  activatedAt: z.string(),
});

/** One changed setting between two versions: a weight (`weights.sameDistrict`) or a rule (`minScore`). */
export const ruleSetChangeSchema = z.object({
  path: z.string(),
  kind: z.enum(['weight', 'rule']),
  from: z.union([z.number(), z.boolean()]),
  to: z.union([z.number(), z.boolean()]),
});
export type RuleSetChange = z.infer<typeof ruleSetChangeSchema>;

export const assignmentSummarySchema = z.object({
  eligibleUsers: z.number().int(),
  qualifyingCandidates: z.number().int(),
  introductions: z.number().int(),
  totalScore: z.number(),
  /** Null in a what-if (the re-score skips it: tuning/what-if.ts WHAT_IF_SCORING); a shadow run's has it. */
  upperBound: z.number().nullable(),
  boundRatio: z.number().nullable(),
  matchedShare: z.number(),
  meanScore: z.number(),
});
export type AssignmentSummaryView = z.infer<typeof assignmentSummarySchema>;

/** A count under the draft and under the active rule set. */
const versusSchema = z.object({ key: z.string(), draft: z.number().int(), active: z.number().int() });
export type Versus = z.infer<typeof versusSchema>;

export const changedIntroductionSchema = z.object({
  userId: z.string(),
  activePartner: z.string().nullable(),
  draftPartner: z.string().nullable(),
});

/** How an operator sees a person in the what-if: through the privacy module's masks, never names or phones. */
export const maskedPersonSchema = z.object({
  displayName: z.string(),
  gender: z.enum(['F', 'M']),
  ageBand: z.string(),
  district: z.string().nullable(),
});

export const whatIfSchema = z.object({
  date: calendarDateSchema,
  /** Sequence number of the request this answers (the renderer drops older ones). */
  seq: z.number().int(),
  /** Pool size of the cache (users loaded), and whether the draft changes what only a rebuild can change. */
  poolUsers: z.number().int(),
  /** Draft rules the cache's candidates were not built with (the pool, K or window): previewed approximately. */
  rebuildNeeded: z.array(z.enum(['windowDays', 'topK', 'ageRange', 'requireRealName', 'holdThreshold'])),
  /** Accounts held out of the pool by detection (pending assessment at or above each rule set's hold threshold). */
  heldByDetection: z.object({
    draft: z.number().int(),
    active: z.number().int(),
    draftThreshold: z.number(),
    activeThreshold: z.number(),
    /** The detector version's recommendation, in force when a rule set names no threshold. */
    recommended: z.number(),
  }),
  /** Users who became eligible since the cache was built: only reloading the date lets the preview score them. */
  newlyEligible: z.number().int().nonnegative(),
  /** An import completed since the cache was built (new blocks, history, transactions): reload to include it. */
  mirrorUpdated: z.boolean(),
  draft: assignmentSummarySchema,
  active: assignmentSummarySchema,
  activeVersion: z.number().int().nullable(),
  /** HISTOGRAM_BINS bins, key = lower bound. */
  histogram: z.array(versusSchema),
  /** Introduced users per district (most first, the rest as "other"), per age band, introductions per gender pair. */
  byDistrict: z.array(versusSchema),
  byAgeBand: z.array(versusSchema),
  byGenderPair: z.array(versusSchema),
  /** Users whose introduction (partner or none) differs between the draft and the active rule set. */
  changedUsers: z.number().int(),
  gainedUsers: z.number().int(),
  lostUsers: z.number().int(),
  changedExamples: z.array(changedIntroductionSchema),
  /** Masked profiles of everyone in changedExamples, by user id (added in main by the privacy module). */
  people: z.record(z.string(), maskedPersonSchema).optional(),
  /** Time the worker spent on this answer (re-score ×1–2 + comparison). */
  computeMs: z.number(),
  /** Of which the engine's re-score of the draft (the rest is the comparison with the active assignment). */
  rescoreMs: z.number(),
});
export type WhatIfView = z.infer<typeof whatIfSchema>;

export const tuningStateSchema = z.object({
  date: calendarDateSchema.nullable(),
  state: z.enum(['idle', 'building', 'ready', 'failed']),
  phase: z.string(),
  done: z.number(),
  total: z.number().nullable(),
  poolUsers: z.number().int(),
  error: z.string().nullable(),
});
export type TuningStateView = z.infer<typeof tuningStateSchema>;

export const shadowRunSchema = z.object({
  id: z.number().int(),
  date: calendarDateSchema,
  ruleSet: ruleSetSchema,
  rulesetVersion: z.number().int().nullable(),
  activeVersion: z.number().int().nullable(),
  operator: z.string(),
  createdAt: z.string(),
  summary: assignmentSummarySchema,
});
export type ShadowRunView = z.infer<typeof shadowRunSchema>;

export const shadowComparisonSchema = z.object({
  shadow: shadowRunSchema,
  /** The latest completed match run of the same date (null: none yet — nothing to compare with). */
  activeRunId: z.number().int().nullable(),
  activeIntroductions: z.number().int(),
  shadowIntroductions: z.number().int(),
  /** Pairs in both runs. */
  overlap: z.number().int(),
  activeMatchedShare: z.number().nullable(),
  shadowMatchedShare: z.number(),
  activeMeanScore: z.number().nullable(),
  shadowMeanScore: z.number(),
  /** Users introduced only under the shadow rule set / only under the active run / with another partner. */
  gainers: z.number().int(),
  losers: z.number().int(),
  partnerChanged: z.number().int(),
  /** Mean and distribution of (shadow score − active score) over the overlapping pairs. */
  meanScoreDeltaOverlap: z.number(),
  histogram: z.array(versusSchema),
  gainersSample: z.array(z.string()),
  losersSample: z.array(z.string()),
});
export type ShadowComparisonView = z.infer<typeof shadowComparisonSchema>;

export const dashboardDaySchema = z.object({
  date: calendarDateSchema,
  runId: z.number().int(),
  introductions: z.number().int(),
  eligibleUsers: z.number().int(),
  matchedShare: z.number(),
  meanScore: z.number(),
  rulesetVersion: z.number().int().nullable(),
});

export const tuningCalls = {
  'rulesets.list': call(
    z.object({}).strict(),
    z.object({
      versions: z.array(ruleSetVersionSchema),
      activeVersion: z.number().int().nullable(),
      activations: z.array(activationSchema),
    }),
  ),
  /**
   * Saves a draft as a new immutable version (note required); an identical existing version is a CONFLICT. A draft
   * that loosens a protective limit (minors, no real-name check) is FORBIDDEN below a lead and needs `loosenReason`.
   */
  'rulesets.save': call(
    z
      .object({
        ruleSet: ruleSetSchema,
        note: z.string().trim().min(1, 'a note is required').max(500),
        /** Why a protective limit is loosened (domain/ruleset.ts loosenedLimits): required then, leads only. */
        loosenReason: z.string().trim().min(1).max(500).optional(),
      })
      .strict(),
    z.object({ version: z.number().int() }),
  ),
  /** Lead only. Activating an older version is the roll back; both append to the activation history. */
  'rulesets.activate': call(
    z.object({ version: z.number().int().positive() }).strict(),
    z.object({ activeVersion: z.number().int() }),
  ),
  /** Lead only. Re-activates the version that was active before the current one. */
  'rulesets.rollback': call(z.object({}).strict(), z.object({ activeVersion: z.number().int() })),
  'rulesets.diff': call(
    z.object({ from: z.number().int().positive(), to: z.number().int().positive() }).strict(),
    z.object({ from: z.number().int(), to: z.number().int(), changes: z.array(ruleSetChangeSchema) }),
  ),
  /**
   * Builds the what-if cache for a date in the tuning worker; the one already built (or building) for that date is
   * kept unless `reload`. Its progress goes out as job.progress (kind 'tune').
   */
  'tuning.open': call(
    z.object({ date: calendarDateSchema, reload: z.boolean().default(false) }).strict(),
    tuningStateSchema,
  ),
  'tuning.state': call(z.object({}).strict(), tuningStateSchema),
  /** Re-scores the whole population under the draft; a request superseded by a newer one answers `superseded`. */
  'tuning.whatIf': call(
    z.object({ ruleSet: ruleSetSchema, seq: z.number().int().nonnegative().default(0) }).strict(),
    z.discriminatedUnion('status', [
      z.object({ status: z.literal('ready'), result: whatIfSchema }),
      z.object({ status: z.literal('superseded') }),
    ]),
  ),
  'tuning.shadowRun': call(z.object({ ruleSet: ruleSetSchema }).strict(), z.object({ shadowId: z.number().int() })),
  'tuning.shadowRuns': call(
    z.object({ limit: z.number().int().min(1).max(100).default(20) }).strict(),
    z.object({ runs: z.array(shadowRunSchema) }),
  ),
  'tuning.shadowCompare': call(z.object({ shadowId: z.number().int().positive() }).strict(), shadowComparisonSchema),
  /** Today's run and the last 30 days, read from the mirror. */
  'dashboard.overview': call(
    z.object({ today: calendarDateSchema, days: z.number().int().min(1).max(90).default(30) }).strict(),
    z.object({
      days: z.array(dashboardDaySchema),
      flags: z.array(z.object({ date: calendarDateSchema, flags: z.number().int() })),
      openFlags: z.number().int(),
      today: dashboardDaySchema.nullable(),
      activeVersion: z.number().int().nullable(),
      shadowRuns: z.number().int(),
    }),
  ),
};
