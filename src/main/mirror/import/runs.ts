import type { Db } from '../../db/database';
import { withoutWaiting } from '../../db/busy';
import type { ImportSummary } from './summary';
import { limitSql } from '../../db/limit';

export type ImportRunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface ImportRunRow {
  id: number;
  exportId: string | null;
  exportDir: string;
  kind: string | null;
  exportedAt: string | null;
  operator: string;
  startedAt: string;
  finishedAt: string | null;
  status: ImportRunStatus;
  error: string | null;
  /** The run's ImportSummary once finished; an empty object while running or when it failed before any file. */
  summary: Partial<ImportSummary>;
}

export interface QuarantineRow {
  id: number;
  runId: number;
  file: string;
  line: number;
  field: string | null;
  reason: string;
  message: string;
  /** Excerpt of the refused row (≤ 300 chars). May hold PII: pass it through the privacy module before it leaves main. */
  raw: string;
}

export interface QuarantineFilter {
  runId?: number;
  file?: string;
  reason?: string;
  offset: number;
  limit: number;
}

interface RunRecord {
  id: number;
  export_id: string | null;
  export_dir: string;
  kind: string | null;
  exported_at: string | null;
  operator: string;
  started_at: string;
  finished_at: string | null;
  status: ImportRunStatus;
  error: string | null;
  summary: string;
}

const sql = {
  interrupted: `UPDATE import_runs SET status = 'failed', error = 'interrupted', finished_at = ? WHERE status = 'running'`,
  recentRuns: (limit: number) => `SELECT * FROM import_runs ORDER BY id DESC ${limitSql(limit)}`,
  lastRun: `SELECT * FROM import_runs ORDER BY id DESC LIMIT 1`,
  lastCompletedDir: `SELECT export_dir FROM import_runs WHERE status = 'completed' ORDER BY id DESC LIMIT 1`,
  completedFromDir: `SELECT 1 FROM import_runs WHERE status = 'completed' AND export_dir = ? LIMIT 1`,
  quarantinePage: (
    limit: number,
  ) => `SELECT id, import_run_id AS runId, file, line, field, reason, message, raw FROM quarantine
    WHERE (@runId IS NULL OR import_run_id = @runId) AND (@file IS NULL OR file = @file) AND (@reason IS NULL OR reason = @reason)
    ORDER BY import_run_id DESC, file, line ${limitSql(limit)} OFFSET @offset`,
  quarantineCount: `SELECT count(*) FROM quarantine
    WHERE (@runId IS NULL OR import_run_id = @runId) AND (@file IS NULL OR file = @file) AND (@reason IS NULL OR reason = @reason)`,
};

function toRun(r: RunRecord): ImportRunRow {
  let summary: Partial<ImportSummary> = {};
  try {
    summary = JSON.parse(r.summary) as Partial<ImportSummary>;
  } catch {
    /* a summary is informative only; an unreadable one shows as empty */
  }
  return {
    id: r.id,
    exportId: r.export_id,
    exportDir: r.export_dir,
    kind: r.kind,
    exportedAt: r.exported_at,
    operator: r.operator,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    error: r.error,
    summary,
  };
}

/**
 * At startup: a run still 'running' belongs to a process that died (kill -9, power loss). Its import transaction
 * was never committed, so SQLite already rolled it back; only the run row needs to say so.
 *
 * A live import holds the write lock for its whole transaction, so this takes the write lock without waiting: if
 * another process (the app, a CLI import) is importing right now, it returns 0 and touches nothing.
 */
export function recoverInterruptedImports(db: Db): number {
  let recovered = 0;
  withoutWaiting(db, () => {
    recovered = db.transaction(() => db.prepare(sql.interrupted).run(new Date().toISOString()).changes).immediate();
  });
  return recovered;
}

export function listImportRuns(db: Db, limit: number): ImportRunRow[] {
  return (db.prepare(sql.recentRuns(limit)).all() as RunRecord[]).map(toRun);
}

export function lastImportRun(db: Db): ImportRunRow | null {
  const r = db.prepare(sql.lastRun).get() as RunRecord | undefined;
  return r ? toRun(r) : null;
}

/** The export directory the mirror's newest data came from (null before the first completed import). */
export function lastImportedExportDir(db: Db): string | null {
  return (db.prepare(sql.lastCompletedDir).pluck().get() as string | undefined) ?? null;
}

/** Whether the mirror completed an import from `dir` (a resolved path, as import runs keep it). */
export function importedFrom(db: Db, dir: string): boolean {
  return db.prepare(sql.completedFromDir).pluck().get(dir) !== undefined;
}

function filterParams(f: Omit<QuarantineFilter, 'offset' | 'limit'>): Record<string, string | number | null> {
  return { runId: f.runId ?? null, file: f.file ?? null, reason: f.reason ?? null };
}

/** One page of quarantined rows, newest run first, then by file and line. */
export function listQuarantine(db: Db, filter: QuarantineFilter): QuarantineRow[] {
  return db
    .prepare(sql.quarantinePage(filter.limit))
    .all({ ...filterParams(filter), offset: filter.offset }) as QuarantineRow[];
}

/** How many quarantined rows match the filter (offset and limit ignored), for paging. */
export function countQuarantine(db: Db, filter: Omit<QuarantineFilter, 'offset' | 'limit'>): number {
  return db.prepare(sql.quarantineCount).pluck().get(filterParams(filter)) as number;
}
