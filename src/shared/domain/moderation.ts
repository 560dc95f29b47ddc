/**
 * The moderation vocabulary: what an operator can decide, which queue a flag sits in, how long a claim lasts.
 * The contract's schemas, main's rules and SQL, and the renderer's words are all derived from these lists, so an
 * action or a queue is added here, in one place. (Why a decision was made: ./reason-codes.ts.)
 */

/** Every decision an operator can make on a flag or an account. Order = the action bar's order. */
export const DECISION_ACTIONS = ['clear', 'warn', 'restrict', 'suspend', 'hold', 'escalate'] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

/** The action of a row that reverses an earlier decision (decisions are append-only: nothing is rewritten). */
export const UNDO_ACTION = 'undo' as const;
/** What a stored decision row can say: a decision or the undo of one. */
export type RecordedAction = DecisionAction | typeof UNDO_ACTION;

/** Actions that close a flag (the queue's "resolved"); hold and escalate keep it open in their own queues. */
export const FINAL_ACTIONS = ['clear', 'warn', 'restrict', 'suspend'] as const satisfies readonly DecisionAction[];
/** Actions that keep the account out of matching while they stand (until they expire or are lifted). */
export const EXCLUDING_ACTIONS = ['restrict', 'suspend', 'hold'] as const satisfies readonly DecisionAction[];
/** Actions only a lead may take: a reviewer escalates instead. */
export const LEAD_ONLY_ACTIONS = ['suspend'] as const satisfies readonly DecisionAction[];

const has = (list: readonly string[], value: string): boolean => list.includes(value);
export const isDecisionAction = (value: string): value is DecisionAction => has(DECISION_ACTIONS, value);
export const isFinalAction = (action: string): boolean => has(FINAL_ACTIONS, action);
/** Only the excluding actions may carry an expiry: an exclusion can lapse by itself, a warning cannot. */
export const canExpire = (action: string): boolean => has(EXCLUDING_ACTIONS, action);
export const isLeadOnly = (action: string): boolean => has(LEAD_ONLY_ACTIONS, action);

/** The review queues a flag can be in, by its state and latest effective decision. */
export const MODERATION_QUEUES = ['unreviewed', 'held', 'escalated', 'resolved'] as const;
export type ModerationQueue = (typeof MODERATION_QUEUES)[number];

/** A flag is open until a final decision resolves it. */
export const FLAG_STATES = ['open', 'resolved'] as const;
export type FlagState = (typeof FLAG_STATES)[number];

/**
 * A claim on a queue item lapses after this long without the claimer touching the item, so a closed laptop frees
 * its items. The renderer refreshes an open item's claim well inside it.
 */
export const CLAIM_IDLE_SECONDS = 10 * 60;

/** Bulk actions touching more accounts than this need a lead: one mis-set filter must not sweep the city. */
export const REVIEWER_BULK_LIMIT = 100;

/** Why an account is listed beside another under review (main's moderation/related.ts). */
export const RELATED_REASONS = ['shared_payers', 'shared_handle'] as const;
