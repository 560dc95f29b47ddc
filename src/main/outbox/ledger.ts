import type { Db } from '../db/database';
import { DomainError } from '../../shared/envelope';
import { say } from '../../shared/error-says';
import { DROP_REASONS, type DropReason, noDrops } from '../../shared/domain/publication';

/**
 * The outbox ledger (migrations 007 and 011): what the console has written for upstream — decisions and the audit
 * trail by id range, published dates — recorded in the mirror in the same transaction as the state it describes, BEFORE the file is
 * written, and marked written once the file is on disk. How far the outbox got is read here, never from the files
 * that happen to be in `outbox/` (upstream removes the ones it consumed). A crash between the ledger and the file
 * leaves a row not marked written: that one file is written again at the next export, which says so.
 */

export interface PublicationRecord {
  date: string;
  runId: number;
  /** Outbox file name. */
  file: string;
  /** Pairs written. */
  written: number;
  dropped: Record<DropReason, number>;
  operator: string;
  publishedAt: string;
  /** Null until the file is known to be on disk. */
  writtenAt: string | null;
}

interface PublicationRow {
  date: string;
  run_id: number;
  file: string;
  introductions: number;
  dropped: string;
  operator: string;
  published_at: string;
  written_at: string | null;
}

/**
 * What the outbox carries by id range, one file per range: decisions, and the audit trail that goes with them. Each
 * kind has its own ledger table (migrations 007 and 011) of the same shape.
 */
export type OutboxRangeKind = 'decisions' | 'audit';

/** One recorded file of a range kind: ids from..to inclusive. */
export interface RangeFileRecord {
  id: number;
  from: number;
  to: number;
  file: string;
}

const sql = {
  publication: `SELECT * FROM publications WHERE date = ?`,
  publicationsOfRuns: `SELECT * FROM publications WHERE run_id IN (SELECT value FROM json_each(?))`,
  unwrittenPublications: `SELECT * FROM publications WHERE written_at IS NULL ORDER BY date`,
  markPublicationWritten: `UPDATE publications SET written_at = ? WHERE date = ? AND written_at IS NULL`,
} as const;

/** The ledger table of each range kind; the names are these constants, never caller input. */
const RANGE_LEDGERS: Record<OutboxRangeKind, { table: string; from: string; to: string }> = {
  decisions: { table: 'outbox_decision_files', from: 'from_decision', to: 'to_decision' },
  audit: { table: 'outbox_audit_files', from: 'from_audit', to: 'to_audit' },
};

function rangeSql(kind: OutboxRangeKind) {
  const { table, from, to } = RANGE_LEDGERS[kind];
  return {
    last: `SELECT coalesce(max(${to}), 0) FROM ${table}`,
    record: `INSERT INTO ${table} (${from}, ${to}, file, created_at) VALUES (?, ?, ?, ?)`,
    unwritten: `SELECT id, ${from} AS "from", ${to} AS "to", file FROM ${table} WHERE written_at IS NULL ORDER BY id`,
    markWritten: `UPDATE ${table} SET written_at = ? WHERE id = ? AND written_at IS NULL`,
  } as const;
}

function toRecord(r: PublicationRow): PublicationRecord {
  const stored = JSON.parse(r.dropped) as Partial<Record<DropReason, number>>;
  const dropped = noDrops();
  for (const reason of DROP_REASONS) dropped[reason] = stored[reason] ?? 0;
  return {
    date: r.date,
    runId: r.run_id,
    file: r.file,
    written: r.introductions,
    dropped,
    operator: r.operator,
    publishedAt: r.published_at,
    writtenAt: r.written_at,
  };
}

export function publicationOf(db: Db, date: string): PublicationRecord | null {
  const row = db.prepare(sql.publication).get(date) as PublicationRow | undefined;
  return row ? toRecord(row) : null;
}

/** The publications made from these runs, by run id. */
export function publicationsOfRuns(db: Db, runIds: readonly number[]): Map<number, PublicationRecord> {
  const rows = db.prepare(sql.publicationsOfRuns).all(JSON.stringify(runIds)) as PublicationRow[];
  return new Map(rows.map((r) => [r.run_id, toRecord(r)]));
}

/** ALREADY_PUBLISHED: a published date is final, for publishing and for matching alike. */
export function alreadyPublished(p: PublicationRecord, what: string): DomainError {
  return new DomainError(
    'ALREADY_PUBLISHED',
    `${what}: the introductions of ${p.date} were published from run ${p.runId} (${p.publishedAt}, by ${p.operator}); a published date is final`,
    say('alreadyPublished', { date: p.date, runId: p.runId }, { runId: p.runId }),
  );
}

/** Refuses to work on a date that is published (matching it again would give people another partner). */
export function assertNotPublished(db: Db, date: string, what: string): void {
  const p = publicationOf(db, date);
  if (p) throw alreadyPublished(p, what);
}

export function unwrittenPublications(db: Db): PublicationRecord[] {
  return (db.prepare(sql.unwrittenPublications).all() as PublicationRow[]).map(toRecord);
}

export function markPublicationWritten(db: Db, date: string): void {
  db.prepare(sql.markPublicationWritten).run(new Date().toISOString(), date);
}

/** The highest id of `kind` the outbox has carried (or is about to: a file recorded but not yet written). */
export function lastInLedger(db: Db, kind: OutboxRangeKind): number {
  return db.prepare(rangeSql(kind).last).pluck().get() as number;
}

export function recordRangeFile(db: Db, kind: OutboxRangeKind, from: number, to: number, file: string): number {
  return Number(db.prepare(rangeSql(kind).record).run(from, to, file, new Date().toISOString()).lastInsertRowid);
}

export function unwrittenRangeFiles(db: Db, kind: OutboxRangeKind): RangeFileRecord[] {
  return db.prepare(rangeSql(kind).unwritten).all() as RangeFileRecord[];
}

export function markRangeFileWritten(db: Db, kind: OutboxRangeKind, id: number): void {
  db.prepare(rangeSql(kind).markWritten).run(new Date().toISOString(), id);
}
