import type { Operator } from '../../shared/contract/app';
import type { DetectorName } from '../../shared/domain/detection';
import { type FlagState, MODERATION_QUEUES, type ModerationQueue } from '../../shared/domain/moderation';
import { DAY_SECONDS } from '../../shared/domain/platform-time';
import type { Db } from '../db/database';
import { MirrorMemo } from '../db/mirror-state';
import { ACTIVE_CLAIMANT_SQL, flagsHeldByOthers, OFFERED_TO_OPERATOR_SQL } from './claims';
import { nowSeconds } from './effective';
import { invalidInput, notFound } from './errors';
import { type RelatedAccount, relatedAccounts } from './related';
import { accountTimeline, type TimelinePage } from './timeline';
import { limitSql } from '../db/limit';

export type QueueName = ModerationQueue;
/** `priority`: risk × reach (the calibrated probability of abuse times how many people the account reached). */
export type QueueSort = 'priority' | 'score' | 'age';
const SORTS: readonly QueueSort[] = ['priority', 'score', 'age'];

export interface QueueFilter {
  detector?: string;
  reason?: string;
  minScore?: number;
  maxAgeDays?: number;
  district?: string;
  account?: string;
}

export interface ListQueueInput {
  queue: QueueName;
  filter?: QueueFilter;
  sort?: QueueSort;
  offset?: number;
  limit?: number;
  operator: Operator;
  now?: number;
}

/**
 * One row of a queue: one account's abuse assessment (its likelier class in `detector`). Raw fields: the caller
 * (privacy module) decides what may cross to the renderer.
 */
export interface QueueItem {
  flagId: number;
  userId: string;
  detector: DetectorName;
  detectorVersion: number;
  score: number;
  /** People the account greeted or was paid by. */
  reach: number;
  reasons: string[];
  firstDetectedAt: number;
  detectedAt: number;
  state: FlagState;
  lastAction: string | null;
  district: string | null;
  claimedBy: string | null;
}

export interface QueuePage {
  total: number;
  items: QueueItem[];
}

/** The latest effective (not undone) decision on flag `f`. */
const LAST_ACTION_SQL = `(SELECT e.action FROM decisions e
   WHERE e.flag_id = f.id AND e.action <> 'undo' AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.reverses = e.id)
   ORDER BY e.id DESC LIMIT 1)`;

const QUEUE_CONDITION: Record<QueueName, string> = {
  unreviewed: `f.state = 'open' AND last_action IS NULL`,
  held: `f.state = 'open' AND last_action = 'hold'`,
  escalated: `f.state = 'open' AND last_action = 'escalate'`,
  // An item merged into another when accounts went to one item each (migration 008) is listed by no queue.
  resolved: `f.state = 'resolved' AND f.merged_into IS NULL`,
};

interface QueueRow {
  id: number;
  user_id: string;
  detector: DetectorName;
  detector_version: number;
  score: number;
  reach: number;
  reasons: string;
  first_detected_at: number;
  detected_at: number;
  state: FlagState;
  last_action: string | null;
  district: string | null;
  claimed_by: string | null;
}

interface Params {
  operator: string;
  now: number;
  detector: string | null;
  reason: string | null;
  minScore: number | null;
  minDetectedAt: number | null;
  district: string | null;
  account: string | null;
}

function checkFilter(filter: QueueFilter): void {
  if (
    filter.minScore !== undefined &&
    !(Number.isFinite(filter.minScore) && filter.minScore >= 0 && filter.minScore <= 1)
  ) {
    throw invalidInput('filter.minScore', `must be a number from 0 to 1, got ${String(filter.minScore)}`);
  }
  if (filter.maxAgeDays !== undefined && !(Number.isFinite(filter.maxAgeDays) && filter.maxAgeDays > 0)) {
    throw invalidInput('filter.maxAgeDays', `must be a positive number of days, got ${String(filter.maxAgeDays)}`);
  }
}

function params(filter: QueueFilter, operator: Operator, now: number): Params {
  checkFilter(filter);
  return {
    operator: operator.name,
    now,
    detector: filter.detector ?? null,
    reason: filter.reason ?? null,
    minScore: filter.minScore ?? null,
    minDetectedAt: filter.maxAgeDays !== undefined ? now - Math.round(filter.maxAgeDays * DAY_SECONDS) : null,
    district: filter.district ?? null,
    account: filter.account ?? null,
  };
}

/**
 * FROM … WHERE for one queue; `@`-named parameters come from `params`. A district matches by any part of its name,
 * literally (上城 finds 上城区; % and _ are plain characters). The derived table carries only the columns the
 * conditions and the order read — never `evidence`, kilobytes per row — so a scan of the queue stays a scan of
 * small rows. `offeredTo`: also leave out items another operator holds (the bulk actions' selection).
 */
function queueSql(queue: QueueName, { offeredTo }: { offeredTo: boolean }): string {
  if (!(MODERATION_QUEUES as readonly string[]).includes(queue)) {
    throw invalidInput('queue', `must be one of ${MODERATION_QUEUES.join(', ')}, got "${String(queue)}"`);
  }
  return `FROM (
      SELECT f.id, f.user_id, f.detector, f.score, f.reach, f.reasons, f.first_detected_at, f.state, f.merged_into,
             ${LAST_ACTION_SQL} AS last_action
      FROM flags f
    ) f
    WHERE ${QUEUE_CONDITION[queue]}
      ${offeredTo ? `AND ${OFFERED_TO_OPERATOR_SQL}` : ''}
      AND (@detector IS NULL OR f.detector = @detector)
      AND (@reason IS NULL OR EXISTS (SELECT 1 FROM json_each(f.reasons) r WHERE r.value = @reason))
      AND (@minScore IS NULL OR f.score >= @minScore)
      AND (@minDetectedAt IS NULL OR f.first_detected_at >= @minDetectedAt)
      AND (@account IS NULL OR f.user_id = @account)
      AND EXISTS (SELECT 1 FROM users usr WHERE usr.id = f.user_id
                  AND (@district IS NULL OR instr(usr.district, @district) > 0))`;
}

/** The queue an item is listed in (none for an item merged into another): one statement, the queues' own conditions. */
export function queueOfFlag(db: Db, flagId: number): QueueName | null {
  const which = MODERATION_QUEUES.map((q) => `WHEN ${QUEUE_CONDITION[q]} THEN '${q}'`).join(' ');
  const queue = db
    .prepare<[number], QueueName | null>(
      `SELECT CASE ${which} END FROM (SELECT f.*, ${LAST_ACTION_SQL} AS last_action FROM flags f WHERE f.id = ?) f`,
    )
    .pluck()
    .get(flagId);
  return queue ?? null;
}

const ORDER_BY: Record<QueueSort, string> = {
  priority: 'f.score * f.reach DESC, f.score DESC, f.id',
  score: 'f.score DESC, f.id',
  age: 'f.first_detected_at ASC, f.id',
};

/**
 * A queue's items in order, whoever holds them: the same for every operator until the mirror changes, so it is
 * kept (MirrorMemo) and a page costs a lookup — reviewers page the queue many times a second between decisions.
 */
const queueOrders = new MirrorMemo<Int32Array>();

function queueOrder(db: Db, queue: QueueName, sort: QueueSort, p: Params): Int32Array {
  const { operator: _operator, now: _now, ...filter } = p;
  return queueOrders.get(db, JSON.stringify([queue, sort, filter]), () =>
    Int32Array.from(
      db
        .prepare<Params, number>(`SELECT f.id ${queueSql(queue, { offeredTo: false })} ORDER BY ${ORDER_BY[sort]}`)
        .pluck()
        .all(p),
    ),
  );
}

/**
 * Computes every queue's order at the default sort with no filter, so the first pages after a thread starts do not
 * pay for it: a review-reads thread calls this as it opens (at 50 calls in flight, the calls that waited behind a
 * thread's first queue were the quiet queue's slowest percent). Orders do not depend on who asks (claims are applied
 * per call), so nobody is named.
 */
export function warmQueueOrders(db: Db, now = nowSeconds()): void {
  const p = params({}, { name: '', role: 'reviewer' }, now);
  for (const queue of MODERATION_QUEUES) queueOrder(db, queue, 'priority', p);
}

/** A queue page. Items another operator has claimed (and not left idle past the claim lapse) are not offered. */
export function listQueue(db: Db, input: ListQueueInput): QueuePage {
  const now = input.now ?? nowSeconds();
  const p = params(input.filter ?? {}, input.operator, now);
  const offset = input.offset ?? 0;
  const limit = input.limit ?? 50;
  if (!Number.isInteger(offset) || offset < 0) throw invalidInput('offset', `must be an integer ≥ 0, got ${offset}`);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw invalidInput('limit', `must be an integer from 1 to 1000, got ${limit}`);
  const sort = input.sort ?? 'priority';
  if (!SORTS.includes(sort)) throw invalidInput('sort', `must be one of ${SORTS.join(', ')}, got "${String(sort)}"`);
  const order = queueOrder(db, input.queue, sort, p);
  // Claims change by the minute and differ per operator: applied to the kept order on every call (a handful of rows).
  const heldByOthers = flagsHeldByOthers(db, p.operator, now);
  const offered = heldByOthers.size === 0 ? order : order.filter((id) => !heldByOthers.has(id));
  const pageIds = Array.from(offered.subarray(offset, offset + limit));
  const rows = db
    .prepare<{ ids: string; now: number }, QueueRow>(
      `SELECT f.id, f.user_id, f.detector, f.detector_version, f.score, f.reach, f.reasons, f.first_detected_at,
              f.detected_at, f.state, ${LAST_ACTION_SQL} AS last_action, usr.district, ${ACTIVE_CLAIMANT_SQL} AS claimed_by
       FROM flags f JOIN users usr ON usr.id = f.user_id
       WHERE f.id IN (SELECT value FROM json_each(@ids))`,
    )
    .all({ ids: JSON.stringify(pageIds), now });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return {
    total: offered.length,
    items: pageIds.map((id) => {
      const r = byId.get(id)!;
      return {
        flagId: r.id,
        userId: r.user_id,
        detector: r.detector,
        detectorVersion: r.detector_version,
        score: r.score,
        reach: r.reach,
        reasons: JSON.parse(r.reasons) as string[],
        firstDetectedAt: r.first_detected_at,
        detectedAt: r.detected_at,
        state: r.state,
        lastAction: r.last_action,
        district: r.district,
        claimedBy: r.claimed_by,
      };
    }),
  };
}

/** Every flag of a queue + filter as offered to `operator` (for bulk actions). */
export function selectQueueFlags(
  db: Db,
  queue: QueueName,
  filter: QueueFilter,
  operator: Operator,
  now = nowSeconds(),
): { id: number; user_id: string }[] {
  const p = params(filter, operator, now);
  return db
    .prepare<Params, { id: number; user_id: string }>(
      `SELECT f.id, f.user_id ${queueSql(queue, { offeredTo: true })} ORDER BY f.id`,
    )
    .all(p);
}

/** One class's view of the account, as the detection model saw it (model/model.ts ClassView). */
export interface ClassEvidence {
  probability: number;
  reasons: string[];
  counterSignals: string[];
  contributions: Record<string, number>;
}

export interface FlagEvidence {
  transfers?: string[];
  greetings?: string[];
  reports?: string[];
  figures?: Record<string, number>;
  /** Calibrated detector versions: P(abuse) and both classes' evidence. */
  probability?: number;
  classes?: Partial<Record<DetectorName, ClassEvidence>>;
}

/** Everything an operator needs to judge one item, as raw rows (mask before it leaves main). */
export interface QueueItemDetail {
  flag: QueueRow & { evidence: FlagEvidence; reasonList: string[] };
  user: Record<string, unknown>;
  evidence: {
    transfers: Record<string, unknown>[];
    greetings: Record<string, unknown>[];
    reports: Record<string, unknown>[];
  };
  /** The first page of the merged timeline (timeline.ts); later pages come from `moderation.timeline`. */
  timeline: TimelinePage;
  /** Every decision on the account, newest first (the history a reviewer undoes from). */
  decisions: Record<string, unknown>[];
  /** The newest decision on this item (undo rows included), or null: what a decision made from this view saw. */
  latestDecisionId: number | null;
  /** Incoming transfer amounts by count, over all of them: "39.00 ×12" is what selling looks like. */
  pricePoints: readonly { readonly amount_fen: number; readonly count: number }[];
  related: readonly Readonly<RelatedAccount & { queue: QueueName | null }>[];
}

const DECISIONS_SHOWN = 200;
const PRICE_POINTS = 8;

function byIds(
  db: Db,
  table: 'transfers' | 'greetings' | 'reports',
  ids: readonly string[] = [],
): Record<string, unknown>[] {
  if (ids.length === 0) return [];
  return db
    .prepare<[string], Record<string, unknown>>(`SELECT t.* FROM ${table} t JOIN json_each(?) j ON j.value = t.id`)
    .all(JSON.stringify(ids));
}

/** The account an item is about (NOT_FOUND for an unknown item). */
export function flagAccount(db: Db, flagId: number): string {
  const userId = db.prepare<[number], string>(`SELECT user_id FROM flags WHERE id = ?`).pluck().get(flagId);
  if (userId === undefined) throw notFound(`flag ${flagId}`);
  return userId;
}

/**
 * The newest decision on an item, undo rows included (they carry the item of the decision they reverse): what the
 * item's detail says a decision made from it saw, and what deciding compares that with (decisions.ts).
 */
export function latestDecisionOnFlag(
  db: Db,
  flagId: number,
): { id: number; action: string; operator: string } | undefined {
  return db
    .prepare<[number], { id: number; action: string; operator: string }>(
      `SELECT id, action, operator FROM decisions WHERE flag_id = ? ORDER BY id DESC LIMIT 1`,
    )
    .get(flagId);
}

export function queueItemDetail(db: Db, flagId: number): QueueItemDetail {
  const flag = db
    .prepare<[number], QueueRow & { evidence: string }>(
      `SELECT f.*, ${LAST_ACTION_SQL} AS last_action, usr.district, NULL AS claimed_by
       FROM flags f JOIN users usr ON usr.id = f.user_id WHERE f.id = ?`,
    )
    .get(flagId);
  if (!flag) throw notFound(`flag ${flagId}`);
  const evidence = JSON.parse(flag.evidence) as FlagEvidence;
  const user = db.prepare<[string], Record<string, unknown>>(`SELECT * FROM users WHERE id = ?`).get(flag.user_id)!;
  return {
    flag: { ...flag, evidence, reasonList: JSON.parse(flag.reasons) as string[] },
    user,
    evidence: {
      transfers: byIds(db, 'transfers', evidence.transfers),
      greetings: byIds(db, 'greetings', evidence.greetings),
      reports: byIds(db, 'reports', evidence.reports),
    },
    timeline: accountTimeline(db, flag.user_id),
    decisions: db
      .prepare<[string], Record<string, unknown>>(
        `SELECT * FROM decisions WHERE user_id = ? ORDER BY id DESC ${limitSql(DECISIONS_SHOWN)}`,
      )
      .all(flag.user_id),
    latestDecisionId: latestDecisionOnFlag(db, flagId)?.id ?? null,
    ...accountPatterns.get(db, flag.user_id, () => ({
      pricePoints: Object.freeze(
        db
          .prepare<[string], { amount_fen: number; count: number }>(
            `SELECT amount_fen, count(*) AS count FROM transfers WHERE to_user = ?
             GROUP BY amount_fen ORDER BY count DESC, amount_fen ${limitSql(PRICE_POINTS)}`,
          )
          .all(flag.user_id)
          .map((p) => Object.freeze(p)),
      ),
      related: Object.freeze(
        relatedAccounts(db, flag.user_id).map((r) =>
          Object.freeze({ ...r, queue: r.flagId === null ? null : queueOfFlag(db, r.flagId) }),
        ),
      ),
    })),
  };
}

/**
 * An account's price points and related accounts, kept per mirror state (MirrorMemo: a commit anywhere recomputes
 * them): they read every transfer paid to the account and to its payers' other payees — half of an item pane's reads
 * — and the same items are opened again and again (several reviewers, back and forth between items, the pane again
 * after a decision). A few KB each; a reviewer team's working set of items fits.
 */
const accountPatterns = new MirrorMemo<Pick<QueueItemDetail, 'pricePoints' | 'related'>>(4096);
