import { z } from 'zod';
import {
  BEHAVIOUR_FAMILY_NAMES,
  type BehaviourFamily,
  DETECTOR_NAMES,
  FLAG_REASONS,
  HANDLE_KINDS,
} from '../domain/detection';
import { DECISION_ACTIONS, FLAG_STATES, MODERATION_QUEUES, RELATED_REASONS } from '../domain/moderation';
import { DECISION_REASONS } from '../domain/reason-codes';
import { call } from './call';
import { filePathSchema } from './paths';

/**
 * Moderation: detection, the review queue, decisions (single and bulk), saved views and the evaluation against
 * ground truth. Everything an item shows has been masked in main (src/main/privacy/moderation-views.ts).
 */

// The vocabularies are src/shared/domain's; these schemas only check values against them.
export type { DetectorName } from '../domain/detection';
export type { DecisionAction, ModerationQueue } from '../domain/moderation';
export type { DecisionReason } from '../domain/reason-codes';

export const moderationQueueSchema = z.enum(MODERATION_QUEUES);
export const detectorNameSchema = z.enum(DETECTOR_NAMES);
export const decisionActionSchema = z.enum(DECISION_ACTIONS);
/** Why an operator decided: one closed list, so upstream can act on them mechanically. */
export const decisionReasonSchema = z.enum(DECISION_REASONS);

/** Restrictions and suspensions lapse by themselves after a chosen number of days (the UI offers 1, 7, 30). */
export const expiryDaysSchema = z.number().int().min(1).max(365);

export const queueFilterSchema = z
  .object({
    detector: detectorNameSchema.optional(),
    reason: z.enum(FLAG_REASONS).optional(),
    minScore: z.number().min(0).max(1).optional(),
    maxAgeDays: z.number().int().min(1).max(3650).optional(),
    district: z.string().trim().min(1).max(40).optional(),
    /** One account's items (a related account's link opens them). */
    account: z.string().trim().min(1).max(64).optional(),
  })
  .strict();
export type QueueFilter = z.infer<typeof queueFilterSchema>;

/** `priority`: risk × reach — the probability of abuse times how many people the account reached. */
export const queueSortSchema = z.enum(['priority', 'score', 'age']);
export type QueueSort = z.infer<typeof queueSortSchema>;

/** One queue row as the renderer may see it: the account's nickname masked, no real name, no phone. */
export const queueItemSchema = z.object({
  flagId: z.number().int(),
  userId: z.string(),
  maskedName: z.string(),
  district: z.string().nullable(),
  detector: detectorNameSchema,
  detectorVersion: z.number().int(),
  /** Calibrated detector versions: the estimated probability that the account is abusive. */
  score: z.number(),
  /** People the account greeted or was paid by: the queue's priority is score × reach. */
  reach: z.number().int(),
  reasons: z.array(z.string()),
  firstDetectedAt: z.number().int(),
  state: z.enum(FLAG_STATES),
  lastAction: z.string().nullable(),
  /** Another operator's active claim (their own claims show null): such items are shown, never offered. */
  claimedBy: z.string().nullable(),
  /** Kept out of matching by detection until a reviewer decides (score at or above the hold threshold). */
  heldByDetection: z.boolean(),
});
export type ModerationQueueItem = z.infer<typeof queueItemSchema>;

const countsSchema = z.record(moderationQueueSchema, z.number().int());

/** A contact handle found in a text, by kind only: what it was is never shown. */
export const handleHintSchema = z.object({
  kind: z.enum(HANDLE_KINDS),
  /** True when the handle was disguised (full-width digits, spaced digits, Chinese numerals, 薇/vx…). */
  obfuscated: z.boolean(),
});
export type HandleHint = z.infer<typeof handleHintSchema>;

/** Free text after masking: handles replaced by ⟦kind⟧ and every remaining digit by #, plus what was found. */
export const maskedTextSchema = z.object({ text: z.string(), handles: z.array(handleHintSchema) });
export type MaskedText = z.infer<typeof maskedTextSchema>;

const direction = z.enum(['in', 'out']);
/** Days, not times: the day is enough to judge a pattern; with the hour it starts to locate a person. */
const day = z.string();

export const greetingViewSchema = z.object({
  id: z.string(),
  direction,
  day,
  counterpart: z.string(),
  text: maskedTextSchema,
  replied: z.boolean(),
});
export const transferViewSchema = z.object({
  id: z.string(),
  direction,
  day,
  counterpart: z.string(),
  amountFen: z.number().int(),
  memo: maskedTextSchema,
});
export const reportViewSchema = z.object({ id: z.string(), day, reason: z.string(), text: maskedTextSchema });
export const previousFlagSchema = z.object({
  flagId: z.number().int(),
  detector: z.string(),
  score: z.number(),
  reasons: z.array(z.string()),
  state: z.string(),
  day,
});
export const decisionViewSchema = z.object({
  id: z.number().int(),
  flagId: z.number().int().nullable(),
  action: z.string(),
  reasonCode: z.string(),
  note: maskedTextSchema,
  operator: z.string(),
  decidedAt: z.number().int(),
  expiresAt: z.number().int().nullable(),
  reverses: z.number().int().nullable(),
  undone: z.boolean(),
});
export type DecisionView = z.infer<typeof decisionViewSchema>;

/** One class's side of an assessment: what raised and what lowered its odds, in the model's log-odds. */
export const classEvidenceSchema = z.object({
  probability: z.number(),
  reasons: z.array(z.enum(FLAG_REASONS)),
  counterSignals: z.array(z.enum(FLAG_REASONS)),
  contributions: z.record(z.string(), z.number()),
});

/** One row of an account's merged timeline (newest first): what the row is says which fields it has. */
export const timelineEntrySchema = z.discriminatedUnion('kind', [
  greetingViewSchema.extend({ kind: z.literal('greeting') }),
  transferViewSchema.extend({ kind: z.literal('transfer') }),
  reportViewSchema.extend({ kind: z.literal('report') }),
  previousFlagSchema.extend({ kind: z.literal('flag') }),
]);
export type TimelineEntryView = z.infer<typeof timelineEntrySchema>;

/** A page of the timeline: `before` rows precede it, `total` in all; `next` fetches the following page. */
export const timelinePageSchema = z.object({
  entries: z.array(timelineEntrySchema),
  counts: z.object({
    greetings: z.number().int(),
    transfers: z.number().int(),
    reports: z.number().int(),
    flags: z.number().int(),
  }),
  total: z.number().int(),
  before: z.number().int(),
  next: z.string().nullable(),
});
export type TimelinePageView = z.infer<typeof timelinePageSchema>;

export const relatedAccountSchema = z.object({
  userId: z.string(),
  maskedName: z.string(),
  reason: z.enum(RELATED_REASONS),
  strength: z.number().int(),
  /** What kind of handle both sent — never the handle itself. */
  handleKind: z.enum(HANDLE_KINDS).nullable(),
  /** The account's newest item and the queue it is in; null when it has none. */
  item: z.object({ flagId: z.number().int(), queue: moderationQueueSchema }).nullable(),
});
export type RelatedAccountView = z.infer<typeof relatedAccountSchema>;

export const itemDetailSchema = z.object({
  item: queueItemSchema,
  /** Both detectors' evidence (null for items of detector versions before calibration). */
  assessment: z
    .object({
      probability: z.number(),
      classes: z.object({ micro_seller: classEvidenceSchema, spammer: classEvidenceSchema }),
    })
    .nullable(),
  /** The hold threshold in force (the active rule set's). */
  holdThreshold: z.number(),
  user: z.object({
    userId: z.string(),
    maskedName: z.string(),
    gender: z.string(),
    ageBand: z.string(),
    city: z.string(),
    district: z.string().nullable(),
    status: z.string(),
    registeredMonth: z.string(),
  }),
  figures: z.record(z.string(), z.number()),
  /** Incoming transfer amounts by count, most frequent first: "39.00 ×12" is what selling looks like. */
  pricePoints: z.array(z.object({ amountFen: z.number().int(), count: z.number().int() })),
  evidence: z.object({
    greetings: z.array(greetingViewSchema),
    transfers: z.array(transferViewSchema),
    reports: z.array(reportViewSchema),
  }),
  timeline: timelinePageSchema,
  decisions: z.array(decisionViewSchema),
  /** The newest decision on this item (undo rows included), or null: a decision made from this view sends it back. */
  latestDecisionId: z.number().int().nullable(),
  related: z.array(relatedAccountSchema),
});
export type ModerationItemDetail = z.infer<typeof itemDetailSchema>;

export const bulkSelectionSchema = z.union([
  z.object({ flagIds: z.array(z.number().int().positive()).min(1).max(5000) }).strict(),
  z.object({ queue: moderationQueueSchema, filter: queueFilterSchema }).strict(),
]);
export type BulkSelection = z.infer<typeof bulkSelectionSchema>;

export const savedViewSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  createdBy: z.string(),
  queue: moderationQueueSchema,
  filter: queueFilterSchema,
  sort: queueSortSchema,
});
export type SavedView = z.infer<typeof savedViewSchema>;

const metricsSchema = z.object({
  threshold: z.number(),
  detectorVersion: z.number().int(),
  positives: z.number().int(),
  flagged: z.number().int(),
  truePositives: z.number().int(),
  falsePositives: z.number().int(),
  falseNegatives: z.number().int(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
});
const curvePointSchema = z.object({
  threshold: z.number(),
  precision: z.number(),
  recall: z.number(),
  flagged: z.number().int(),
});
const familyMetricsSchema = z.object({
  family: z.enum(BEHAVIOUR_FAMILY_NAMES as [BehaviourFamily, ...BehaviourFamily[]]),
  label: z.string(),
  kind: z.enum(['abuse', 'hard_negative', 'ordinary']),
  accounts: z.number().int(),
  flaggedAs: z.record(detectorNameSchema, z.number().int()),
  recall: z.number().nullable(),
  falsePositiveRate: z.number().nullable(),
  held: z.number().int(),
});
export const evaluationSchema = z.object({
  labelsFile: z.string(),
  detectorVersion: z.number().int(),
  labelCounts: z.record(z.string(), z.number().int()),
  classes: z.record(detectorNameSchema, metricsSchema),
  curves: z.record(detectorNameSchema, z.array(curvePointSchema)),
  confusions: z.record(detectorNameSchema, z.record(z.string(), z.number().int())),
  families: z.array(familyMetricsSchema),
  hold: z.object({ threshold: z.number(), held: z.number().int(), precision: z.number(), recall: z.number() }),
  calibration: z.array(
    z.object({
      from: z.number(),
      to: z.number(),
      accounts: z.number().int(),
      predicted: z.number(),
      observed: z.number(),
    }),
  ),
  accountsInTwoItems: z.number().int(),
  /** The thresholds stored with the detector version, and the held-out figures they were chosen on. */
  model: z.object({
    thresholds: z.record(detectorNameSchema, z.number()),
    holdThreshold: z.number(),
    fittedOn: z.object({
      seeds: z.array(z.number().int()),
      users: z.number().int(),
      generatorVersion: z.number().int(),
    }),
    heldOutMethod: z.string(),
    heldOut: z.record(z.string(), z.object({ precision: z.number(), recall: z.number(), flagged: z.number().int() })),
  }),
});
export type Evaluation = z.infer<typeof evaluationSchema>;

const flagId = z.number().int().positive();
const note = z.string().max(1000).optional();

export const moderationCalls = {
  /** Runs every detector over the mirror in a worker (job kind 'detect'). */
  'moderation.startDetection': call(z.object({}).strict(), z.object({ jobId: z.string() })),
  'moderation.queue': call(
    z
      .object({
        queue: moderationQueueSchema,
        filter: queueFilterSchema.default({}),
        sort: queueSortSchema.default('priority'),
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    /** Tab counts come with the first page only (offset 0): later pages are fetched while scrolling and need none. */
    z.object({
      total: z.number().int(),
      counts: countsSchema.nullable(),
      /** Accounts held out of matching by detection now (with the first page only, like the counts). */
      heldByDetection: z.number().int().nullable(),
      items: z.array(queueItemSchema),
    }),
  ),
  'moderation.item': call(z.object({ flagId }).strict(), itemDetailSchema),
  /** The next page of an item's account timeline (`cursor`: the previous page's `next`). */
  'moderation.timeline': call(z.object({ flagId, cursor: z.string().min(1).max(200) }).strict(), timelinePageSchema),
  /** Opening an item claims it; CONFLICT (details.claimedBy) when another operator holds it. */
  'moderation.claim': call(
    z.object({ flagId }).strict(),
    z.object({ flagId: z.number().int(), operator: z.string(), claimedAt: z.number().int() }),
  ),
  'moderation.release': call(z.object({ flagId }).strict(), z.object({ released: z.boolean() })),
  'moderation.decide': call(
    z
      .object({
        flagId,
        action: decisionActionSchema,
        reasonCode: decisionReasonSchema,
        note,
        expiresInDays: expiryDaysSchema.optional(),
        /**
         * The item's newest decision as the operator's view showed it (the item detail's latestDecisionId; null:
         * none). CONFLICT when another decision came since: a view loaded before a colleague's hold must not lift
         * it unseen. Left out, the decision is made whatever came before (the CLI's, a script's).
         */
        seenDecisionId: z.number().int().positive().nullable().optional(),
      })
      .strict(),
    decisionViewSchema,
  ),
  'moderation.undo': call(z.object({ decisionId: z.number().int().positive(), note }).strict(), decisionViewSchema),
  /** Undoes what is left of one bulk action, all or nothing; the reversing rows share the returned bulk id. */
  'moderation.undoBulk': call(
    z.object({ bulkId: z.string().uuid(), note }).strict(),
    z.object({ bulkId: z.string(), undone: z.number().int() }),
  ),
  'moderation.bulkPreview': call(
    z.object({ selection: bulkSelectionSchema }).strict(),
    z.object({
      flags: z.number().int(),
      accounts: z.number().int(),
      allowed: z.boolean(),
      limit: z.number().int().nullable(),
      selectionKey: z.string(),
    }),
  ),
  'moderation.bulkApply': call(
    z
      .object({
        selection: bulkSelectionSchema,
        action: decisionActionSchema,
        reasonCode: decisionReasonSchema,
        note,
        expiresInDays: expiryDaysSchema.optional(),
        /** The account count the operator confirmed in the preview, and the preview's selectionKey: a selection
         * that is not exactly those flags any more is refused, not applied. */
        expectedAccounts: z.number().int().nonnegative(),
        selectionKey: z.string().min(1),
      })
      .strict(),
    z.object({ bulkId: z.string(), decisions: z.number().int(), accounts: z.number().int() }),
  ),
  'moderation.views': call(z.object({}).strict(), z.object({ views: z.array(savedViewSchema) })),
  'moderation.createView': call(
    z
      .object({
        name: z.string().trim().min(1, 'name the view').max(60),
        queue: moderationQueueSchema,
        filter: queueFilterSchema,
        sort: queueSortSchema,
      })
      .strict(),
    savedViewSchema,
  ),
  'moderation.deleteView': call(
    z.object({ id: z.number().int().positive() }).strict(),
    z.object({ deleted: z.boolean() }),
  ),
  /**
   * Scores the mirror against a labels.jsonl (generated ground truth): per-class P/R/F1 and the PR curve. Without
   * labelsFile: the labels.jsonl of the export the mirror was last imported from (a generated one has it). With it:
   * only the labels.jsonl of an export directory this mirror imported — any other path is refused with one answer,
   * whether or not it exists (the CLI's `evaluate --labels` takes any file).
   */
  'moderation.evaluate': call(
    z.object({ labelsFile: filePathSchema('give the path of a labels.jsonl').optional() }).strict(),
    evaluationSchema,
  ),
};
