import type { AuditAction } from '../../shared/domain/audit-actions';
import { DAY_SECONDS, platformMidnight } from '../../shared/domain/platform-time';
import { DomainError } from '../../shared/envelope';
import type { Db } from '../db/database';
import { limitSql } from '../db/limit';

export interface AuditEntry {
  /** The operator's name (accounts' names are unique and never change). */
  operator: string;
  /** Dotted verb in the domain's words: 'import.start', 'match.start', 'ruleset.activate', 'privacy.unmask'. */
  action: AuditAction;
}

/** What an audit row says about what was done: ids and codes, never PII. */
export interface AuditFacts {
  /** Id of what it acted on. */
  subject?: string | null;
  /** JSON-able facts. */
  details?: Record<string, unknown>;
}

export interface AuditRow {
  id: number;
  at: string;
  operator: string;
  action: string;
  subject: string | null;
  details: Record<string, unknown>;
}

/** Which rows: by operator, by action, and by platform day (China time, both inclusive). */
export interface AuditFilter {
  operator?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface AuditQuery extends AuditFilter {
  offset?: number;
  limit: number;
}

const sql = {
  append: `INSERT INTO audit_log (at, operator, action, subject, details) VALUES (?, ?, ?, ?, ?)`,
  recent: (limit: number) =>
    `SELECT id, at, operator, action, subject, details FROM audit_log ORDER BY id DESC ${limitSql(limit)}`,
  operators: `SELECT DISTINCT operator FROM audit_log ORDER BY operator`,
  actions: `SELECT DISTINCT action FROM audit_log ORDER BY action`,
  after: `SELECT id, at, operator, action, subject, details FROM audit_log WHERE id > ? ORDER BY id`,
  between: `SELECT id, at, operator, action, subject, details FROM audit_log WHERE id BETWEEN ? AND ? ORDER BY id`,
} as const;

type StoredRow = Omit<AuditRow, 'details'> & { details: string };
const parse = (r: StoredRow): AuditRow => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> });

/**
 * THE one way an audit row is written: `work` runs in a transaction and the row describing it commits with it, or
 * neither does (a refused or failed action leaves no row claiming it happened). Nested inside a caller's
 * transaction it joins that one. `facts` describes the result (the new decision's id, the run's id).
 *
 * Handlers reach it through `audited('action', …)` (handlers/guards.ts); work that runs outside a call — a
 * worker's match run, a CLI command — calls it directly with its operator.
 */
export function withAudit<T>(
  db: Db,
  entry: AuditEntry,
  work: () => T,
  facts: (result: T) => AuditFacts = () => ({}),
  at: Date = new Date(),
): T {
  return db
    .transaction(() => {
      const result = work();
      const { subject, details } = facts(result);
      db.prepare(sql.append).run(
        at.toISOString(),
        entry.operator,
        entry.action,
        subject ?? null,
        JSON.stringify(details ?? {}),
      );
      return result;
    })
    .immediate();
}

export function listAudit(db: Db, limit: number): AuditRow[] {
  return (db.prepare(sql.recent(limit)).all() as StoredRow[]).map(parse);
}

/** The filter as SQL: conditions and their parameters (days become the instants that bound them). */
function whereOf(filter: AuditFilter): { where: string; params: string[] } {
  if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to)
    throw new DomainError('INVALID_INPUT', `to: ${filter.to} is before from ${filter.from}`, {
      issues: [{ path: 'to', message: `${filter.to} is before ${filter.from}` }],
    });
  const instant = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();
  const conditions: [string, string | undefined][] = [
    ['operator = ?', filter.operator],
    ['action = ?', filter.action],
    ['at >= ?', filter.from === undefined ? undefined : instant(platformMidnight(filter.from))],
    ['at < ?', filter.to === undefined ? undefined : instant(platformMidnight(filter.to) + DAY_SECONDS)],
  ];
  const used = conditions.filter((c): c is [string, string] => c[1] !== undefined);
  return {
    where: used.length ? `WHERE ${used.map((c) => c[0]).join(' AND ')}` : '',
    params: used.map((c) => c[1]),
  };
}

/** A page of the audit log under filters, newest first, with the total under the same filters. */
export function queryAudit(db: Db, q: AuditQuery): { total: number; rows: AuditRow[] } {
  const { where, params } = whereOf(q);
  const total = db
    .prepare(`SELECT count(*) FROM audit_log ${where}`)
    .pluck()
    .get(...params) as number;
  const rows = (
    db
      .prepare(
        `SELECT id, at, operator, action, subject, details FROM audit_log ${where} ORDER BY id DESC ${limitSql(q.limit)} OFFSET ?`,
      )
      .all(...params, q.offset ?? 0) as StoredRow[]
  ).map(parse);
  return { total, rows };
}

/** Every row under filters, oldest first, read one at a time (an export of the whole trail). */
export function* eachAuditRow(db: Db, filter: AuditFilter): Generator<AuditRow> {
  const { where, params } = whereOf(filter);
  const rows = db
    .prepare(`SELECT id, at, operator, action, subject, details FROM audit_log ${where} ORDER BY id`)
    .iterate(...params) as IterableIterator<StoredRow>;
  for (const row of rows) yield parse(row);
}

/** Rows with ids above `lastId`, oldest first (what the outbox has not carried yet). */
export function auditRowsAfter(db: Db, lastId: number): AuditRow[] {
  return (db.prepare(sql.after).all(lastId) as StoredRow[]).map(parse);
}

/** Rows with ids from..to inclusive, oldest first (an outbox file written again). */
export function auditRowsBetween(db: Db, from: number, to: number): AuditRow[] {
  return (db.prepare(sql.between).all(from, to) as StoredRow[]).map(parse);
}

/** Who and what the audit page's filters can choose from. */
export function auditChoices(db: Db): { operators: string[]; actions: string[] } {
  return {
    operators: db.prepare(sql.operators).pluck().all() as string[],
    actions: db.prepare(sql.actions).pluck().all() as string[],
  };
}
