import { createHash, randomUUID } from 'node:crypto';
import type { Operator } from '../../shared/contract/app';
import { roleAtLeast } from '../../shared/domain/operator-roles';
import {
  canExpire,
  DECISION_ACTIONS,
  type DecisionAction,
  EXCLUDING_ACTIONS,
  type FlagState,
  isDecisionAction,
  isFinalAction,
  isLeadOnly,
  type RecordedAction,
  REVIEWER_BULK_LIMIT,
  UNDO_ACTION,
} from '../../shared/domain/moderation';
import { DECISION_REASONS, type DecisionReason, isDecisionReason, UNDO_REASON } from '../../shared/domain/reason-codes';
import type { Db } from '../db/database';
import type { OutboxDecision } from '../outbox/decisions-file';
import { exportPendingRange, type RangeExport, type RangeSource, tryExportRange } from '../outbox/range-export';
import { assertNotClaimedByOther, touchClaim } from './claims';
import { EFFECTIVE_DECISIONS, FINAL_ACTIONS_SQL, nowSeconds } from './effective';
import { conflict, forbidden, invalidInput, notFound } from './errors';
import { latestDecisionOnFlag, type QueueName, type QueueFilter, selectQueueFlags } from './queue';
import { say } from '../../shared/error-says';
import { maskHandlesInText } from '../contact-handles/mask';

const MAX_NOTE = 1000;

export interface DecideInput {
  flagId?: number;
  userId?: string;
  action: DecisionAction;
  /** One of the closed vocabulary (shared/domain/reason-codes): upstream acts on it mechanically. */
  reasonCode: DecisionReason;
  note?: string;
  /** Unix seconds; only for restrict / suspend / hold, must be in the future. */
  expiresAt?: number | null;
  /**
   * For a decision on an item: its newest decision as the operator saw it (null: none). Another one since is a
   * CONFLICT — two reviewers on one item, the second working from a view loaded before the first decided, would
   * otherwise lift a hold they never saw. Undefined: no check.
   */
  seenDecisionId?: number | null;
}

export interface DecisionRow {
  id: number;
  user_id: string;
  flag_id: number | null;
  action: RecordedAction;
  /** A DecisionReason, or 'undo' on an undo row (older rows may hold codes from before the vocabulary closed). */
  reason_code: string;
  note: string;
  operator: string;
  role: string;
  decided_at: number;
  expires_at: number | null;
  reverses: number | null;
  bulk_id: string | null;
}

/**
 * Options of a decision. Decisions are not written to the outbox by the call that makes them: the console's
 * outbox writer (outbox/writer.ts) batches the decisions of a short span into one file, and every start writes
 * what a crash kept back.
 */
export interface DecideOptions {
  now?: number;
}

interface FlagRef {
  id: number;
  user_id: string;
  detector: string;
  state: FlagState;
}

const statements = (db: Db) => ({
  flag: db.prepare<[number], FlagRef>(`SELECT id, user_id, detector, state FROM flags WHERE id = ?`),
  user: db.prepare<[string], { id: string }>(`SELECT id FROM users WHERE id = ?`),
  insert: db.prepare<
    [
      string,
      number | null,
      string,
      string,
      string,
      string,
      string,
      number,
      number | null,
      number | null,
      string | null,
    ],
    DecisionRow
  >(
    `INSERT INTO decisions (user_id, flag_id, action, reason_code, note, operator, role, decided_at, expires_at, reverses, bulk_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  ),
  decision: db.prepare<[number], DecisionRow>(`SELECT * FROM decisions WHERE id = ?`),
  undoOf: db.prepare<[number], { id: number }>(`SELECT id FROM decisions WHERE reverses = ?`),
  effectiveFinalOnFlag: db.prepare<[number], { id: number }>(
    `SELECT id FROM (${EFFECTIVE_DECISIONS}) WHERE flag_id = ? AND action IN ${FINAL_ACTIONS_SQL} ORDER BY id DESC LIMIT 1`,
  ),
  resolveFlag: db.prepare<[number]>(`UPDATE flags SET state = 'resolved' WHERE id = ?`),
  otherOpenFlag: db.prepare<[string, number], { id: number }>(
    `SELECT id FROM flags WHERE user_id = ? AND state = 'open' AND id <> ?`,
  ),
  reopenFlag: db.prepare<[number]>(`UPDATE flags SET state = 'open', merged_into = NULL WHERE id = ?`),
  since: db.prepare<[number], DecisionRow>(`SELECT * FROM decisions WHERE id > ? ORDER BY id`),
  range: db.prepare<[number, number], DecisionRow>(`SELECT * FROM decisions WHERE id BETWEEN ? AND ? ORDER BY id`),
});

function validate(input: DecideInput, now: number, where: string): void {
  if (!isDecisionAction(input.action)) {
    throw invalidInput(
      `${where}action`,
      `must be one of ${DECISION_ACTIONS.join(', ')}, got "${String(input.action)}"`,
    );
  }
  if (typeof input.reasonCode !== 'string' || !isDecisionReason(input.reasonCode)) {
    throw invalidInput(
      `${where}reasonCode`,
      `must be one of ${DECISION_REASONS.join(', ')}, got "${String(input.reasonCode)}"`,
    );
  }
  if (input.note !== undefined && [...input.note].length > MAX_NOTE) {
    throw invalidInput(`${where}note`, `must be at most ${MAX_NOTE} characters`);
  }
  if (input.expiresAt !== undefined && input.expiresAt !== null) {
    if (!canExpire(input.action)) {
      throw invalidInput(`${where}expiresAt`, `only ${EXCLUDING_ACTIONS.join(', ')} can expire, not ${input.action}`);
    }
    if (!Number.isInteger(input.expiresAt) || input.expiresAt <= now) {
      throw invalidInput(`${where}expiresAt`, `must be unix seconds in the future, got ${input.expiresAt}`);
    }
  }
}

/** Role rules, enforced here in main so no renderer can get around them. */
function assertAllowed(operator: Operator, action: DecisionAction): void {
  if (isLeadOnly(action) && !roleAtLeast(operator.role, 'lead')) {
    throw forbidden(
      `a ${operator.role} cannot ${action} an account; escalate it to a lead`,
      say('reviewerCannotSuspend', {}),
    );
  }
}

function insertDecision(
  db: Db,
  input: DecideInput,
  operator: Operator,
  now: number,
  bulkId: string | null,
): DecisionRow {
  const s = statements(db);
  let userId: string;
  let flag: FlagRef | undefined;
  if (input.flagId !== undefined && input.flagId !== null) {
    flag = s.flag.get(input.flagId);
    if (!flag) throw notFound(`flag ${input.flagId}`);
    if (input.userId !== undefined && input.userId !== flag.user_id) {
      throw invalidInput('userId', `flag ${flag.id} is about user ${flag.user_id}, not ${input.userId}`);
    }
    userId = flag.user_id;
    // A resolved flag takes no new decision — not even hold or escalate, which would leave it resolved but acting
    // (a hold excludes the account with nobody's queue showing it): undo the decision that resolved it first.
    if (flag.state === 'resolved') {
      const by = s.effectiveFinalOnFlag.get(flag.id);
      throw conflict(
        `flag ${flag.id} is already resolved${by ? ` by decision ${by.id}` : ''}; undo that decision first`,
        say('flagResolved', { flagId: flag.id }),
      );
    }
    assertNotClaimedByOther(db, flag.id, operator, now);
    if (input.seenDecisionId !== undefined) {
      const latest = latestDecisionOnFlag(db, flag.id);
      if ((latest?.id ?? null) !== input.seenDecisionId) {
        throw conflict(
          `flag ${flag.id} has had decision ${latest!.id} (${latest!.action} by ${latest!.operator}) since this view ` +
            `was loaded; nothing was decided — look at the item again`,
          say('flagDecidedMeanwhile', { flagId: flag.id, operator: latest!.operator }),
        );
      }
    }
    // An import may have removed the account since its item was listed (a snapshot that no longer has it): the
    // decision has nobody to act on. Said plainly, before any row is written.
    if (!s.user.get(userId)) {
      throw notFound(`account ${userId} of flag ${flag.id} is no longer in the mirror (an import removed it)`);
    }
  } else if (input.userId !== undefined) {
    if (!s.user.get(input.userId)) throw notFound(`user ${input.userId}`);
    userId = input.userId;
  } else {
    throw invalidInput('flagId', 'a decision needs flagId or userId');
  }
  const row = s.insert.get(
    userId,
    flag?.id ?? null,
    input.action,
    input.reasonCode,
    input.note ?? '',
    operator.name,
    operator.role,
    now,
    input.expiresAt ?? null,
    null,
    bulkId,
  )!;
  if (flag && isFinalAction(input.action)) s.resolveFlag.run(flag.id);
  if (flag) touchClaim(db, flag.id, operator, now);
  return row;
}

/**
 * Records one operator decision. It is committed (synchronous=FULL: on disk) before this returns; it reaches the
 * outbox with the next export (exportPendingDecisions).
 */
export function decide(db: Db, input: DecideInput, operator: Operator, options: DecideOptions): DecisionRow {
  const now = options.now ?? nowSeconds();
  validate(input, now, '');
  assertAllowed(operator, input.action);
  const row = db.transaction(() => insertDecision(db, input, operator, now, null)).immediate();
  return row;
}

/**
 * Undoes a decision by appending a reversing row (`action = 'undo'`, `reverses = id`); the original stays. A
 * reviewer may undo only their own decisions; a lead any. Undoing a final decision reopens its item unless the
 * account already has another open item (one per account).
 */
export function undo(
  db: Db,
  decisionId: number,
  operator: Operator,
  options: DecideOptions & { note?: string },
): DecisionRow {
  const now = options.now ?? nowSeconds();
  const row = db.transaction((): DecisionRow => undoOne(db, decisionId, operator, now, options, null)).immediate();
  return row;
}

/** Inside a transaction: the reversing row for one decision (checks as for `undo`). */
function undoOne(
  db: Db,
  decisionId: number,
  operator: Operator,
  now: number,
  options: { note?: string },
  bulkId: string | null,
): DecisionRow {
  const s = statements(db);
  const original = s.decision.get(decisionId);
  if (!original) throw notFound(`decision ${decisionId}`);
  if (!s.user.get(original.user_id)) {
    throw notFound(
      `account ${original.user_id} of decision ${decisionId} is no longer in the mirror (an import removed it)`,
    );
  }
  if (original.action === UNDO_ACTION)
    throw conflict(`decision ${decisionId} is itself an undo; make a new decision instead`);
  const already = s.undoOf.get(decisionId);
  if (already)
    throw conflict(
      `decision ${decisionId} was already undone by decision ${already.id}`,
      say('alreadyUndone', { decisionId, by: already.id }),
    );
  // Undoing a suspension lifts it: as lead-only as making one. A reviewer's own decisions are the ones within a
  // reviewer's powers — not a suspension they made while they were a lead, before being made a reviewer.
  if (isLeadOnly(original.action) && !roleAtLeast(operator.role, 'lead'))
    throw forbidden(
      `a ${operator.role} cannot undo decision ${decisionId} (${original.action}): lifting it is for a lead`,
      say('reviewerCannotSuspend', {}),
    );
  if (!roleAtLeast(operator.role, 'lead') && original.operator !== operator.name) {
    throw forbidden(
      `a ${operator.role} can only undo their own decisions; decision ${decisionId} was made by ${original.operator}`,
      say('undoOwnOnly', { decisionId, operator: original.operator }),
    );
  }
  const reversing = s.insert.get(
    original.user_id,
    original.flag_id,
    UNDO_ACTION,
    UNDO_REASON,
    options.note ?? '',
    operator.name,
    operator.role,
    now,
    null,
    decisionId,
    bulkId,
  )!;
  if (original.flag_id !== null && isFinalAction(original.action) && !s.effectiveFinalOnFlag.get(original.flag_id)) {
    const flag = s.flag.get(original.flag_id)!;
    if (!s.otherOpenFlag.get(flag.user_id, flag.id)) s.reopenFlag.run(flag.id);
  }
  return reversing;
}

/**
 * Undoes what is left of one bulk action — every decision of it not yet undone — in one transaction, the
 * reversing rows sharing a new bulk id. All or nothing: one decision the operator may not undo refuses the lot.
 */
export function undoBulk(
  db: Db,
  bulkId: string,
  operator: Operator,
  options: DecideOptions & { note?: string },
): { bulkId: string; undone: number } {
  const now = options.now ?? nowSeconds();
  const reversal = randomUUID();
  const undone = db
    .transaction((): number => {
      const ids = db
        .prepare<[string], number>(
          `SELECT d.id FROM decisions d WHERE d.bulk_id = ? AND d.action <> 'undo' AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.reverses = d.id) ORDER BY d.id`,
        )
        .pluck()
        .all(bulkId);
      if (ids.length === 0) throw notFound(`a bulk action ${bulkId} with decisions left to undo`);
      for (const id of ids) undoOne(db, id, operator, now, options, reversal);
      return ids.length;
    })
    .immediate();
  return { bulkId: reversal, undone };
}

export type BulkSelection = { flagIds: readonly number[] } | { queue: QueueName; filter: QueueFilter };

export interface BulkPreview {
  flags: number;
  accounts: number;
  /** True when this operator may apply it (reviewers: at most REVIEWER_BULK_LIMIT accounts). */
  allowed: boolean;
  limit: number | null;
  /** Names exactly which flags the preview counted: apply refuses a selection that is not this one any more. */
  selectionKey: string;
}

/** A short fingerprint of a set of flags (order-free): equal keys mean the very same flags. */
function selectionKeyOf(flags: readonly { id: number }[]): string {
  const ids = flags.map((f) => f.id).sort((a, b) => a - b);
  return createHash('sha256').update(ids.join(',')).digest('hex').slice(0, 16);
}

function resolveSelection(
  db: Db,
  selection: BulkSelection,
  operator: Operator,
  now: number,
): { id: number; user_id: string }[] {
  if ('flagIds' in selection) {
    const s = statements(db);
    // The same flag listed twice is one flag: it gets one decision.
    return [...new Set(selection.flagIds)].map((id, i) => {
      if (!Number.isInteger(id))
        throw invalidInput(`selection.flagIds[${i}]`, `must be an integer flag id, got ${String(id)}`);
      const flag = s.flag.get(id);
      if (!flag) throw invalidInput(`selection.flagIds[${i}]`, `flag ${id} does not exist`);
      return { id: flag.id, user_id: flag.user_id };
    });
  }
  return selectQueueFlags(db, selection.queue, selection.filter, operator, now);
}

/** How many flags and accounts a bulk action would touch: shown to the operator before they confirm. */
export function previewBulk(db: Db, selection: BulkSelection, operator: Operator, now = nowSeconds()): BulkPreview {
  const flags = resolveSelection(db, selection, operator, now);
  const accounts = new Set(flags.map((f) => f.user_id)).size;
  const limit = roleAtLeast(operator.role, 'lead') ? null : REVIEWER_BULK_LIMIT;
  return {
    flags: flags.length,
    accounts,
    allowed: limit === null || accounts <= limit,
    limit,
    selectionKey: selectionKeyOf(flags),
  };
}

export interface BulkResult {
  bulkId: string;
  decisions: number;
  accounts: number;
  firstId: number | null;
  lastId: number | null;
}

/**
 * One decision per selected flag, all in one transaction (all or nothing), sharing a bulk id. The selection is
 * resolved again inside the transaction, so the rule on account count holds for what is really written.
 * `expected` (from previewBulk) guards against the queue having changed since the preview: not the same flags —
 * even at the same count — and nothing is written.
 */
export function bulkDecide(
  db: Db,
  selection: BulkSelection,
  decision: Omit<DecideInput, 'flagId' | 'userId'>,
  operator: Operator,
  options: DecideOptions & { expected?: { accounts: number; selectionKey: string } },
): BulkResult {
  const now = options.now ?? nowSeconds();
  validate(decision, now, 'decision.');
  assertAllowed(operator, decision.action);
  const bulkId = randomUUID();
  const result = db
    .transaction((): BulkResult => {
      const flags = resolveSelection(db, selection, operator, now);
      const accounts = new Set(flags.map((f) => f.user_id)).size;
      if (!roleAtLeast(operator.role, 'lead') && accounts > REVIEWER_BULK_LIMIT) {
        throw forbidden(
          `a ${operator.role} can act on at most ${REVIEWER_BULK_LIMIT} accounts at once; this selection has ${accounts}`,
          say('reviewerBulkLimit', { limit: REVIEWER_BULK_LIMIT, accounts }),
        );
      }
      if (options.expected !== undefined && options.expected.selectionKey !== selectionKeyOf(flags)) {
        throw conflict(
          `the selection changed since the preview: ${accounts} accounts now, ${options.expected.accounts} previewed`,
          say('selectionChanged', { accounts, previewed: options.expected.accounts }),
        );
      }
      let firstId: number | null = null;
      let lastId: number | null = null;
      for (const f of flags) {
        const row = insertDecision(db, { ...decision, flagId: f.id }, operator, now, bulkId);
        firstId ??= row.id;
        lastId = row.id;
      }
      return { bulkId, decisions: flags.length, accounts, firstId, lastId };
    })
    .immediate();
  return result;
}

function toOutbox(d: DecisionRow): OutboxDecision {
  const iso = (s: number): string => new Date(s * 1000).toISOString();
  return {
    decision_id: String(d.id),
    user_id: d.user_id,
    action: d.action,
    reason_code: d.reason_code,
    decided_at: iso(d.decided_at),
    operator: d.operator,
    // The outbox carries no PII beyond ids: the note goes out exactly as masked as the console shows it (handles
    // as their kind, ids and digits hidden), never more than an operator sees.
    note: maskHandlesInText(d.note).text,
    ...(d.expires_at !== null ? { expires_at: iso(d.expires_at) } : {}),
    ...(d.reverses !== null ? { reverses: String(d.reverses) } : {}),
  };
}

export interface DecisionExport {
  /** The new decisions file, or null when nothing was pending. */
  file: string | null;
  decisions: number;
  /** Files the ledger recorded but never saw written (a crash in between), written again first. */
  resent: string[];
}

/** Decisions as the outbox carries them, by id range (outbox/range-export.ts). */
const DECISIONS: RangeSource<DecisionRow> = {
  kind: 'decisions',
  id: (d) => d.id,
  after: (db, lastId) => statements(db).since.all(lastId),
  between: (db, from, to) => statements(db).range.all(from, to),
  line: (d) => JSON.stringify(toOutbox(d)),
};

const asDecisionExport = (r: RangeExport): DecisionExport => ({ file: r.file, decisions: r.rows, resent: r.resent });

/**
 * Exports the pending decisions, never failing the caller (a decision is durable once committed): a held write lock
 * is tried again on a timer, anything else waits for the next export (tryExportRange). Null when it could not run now.
 */
export function tryExportPending(db: Db, outboxDir: string, warn?: (line: string) => void): DecisionExport | null {
  const r = tryExportRange(db, outboxDir, DECISIONS, warn);
  return r && asDecisionExport(r);
}

/** Writes every decision the outbox ledger has not carried yet as one new decisions file (exportPendingRange). */
export function exportPendingDecisions(db: Db, outboxDir: string): DecisionExport {
  return asDecisionExport(exportPendingRange(db, outboxDir, DECISIONS));
}
