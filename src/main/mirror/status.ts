import fs from 'node:fs';
import type { Db } from '../db/database';
import { latestSchemaVersion, schemaVersion } from '../db/migrate';
import { platformDay, platformDayOf, platformDayPlus } from '../../shared/domain/platform-time';
import { lastImportRun, type ImportRunRow } from './import/runs';
import { keptNewestPayment, keptRowCounts } from './row-counts';

/** Tables the Overview shows, in this order; any not in this database's schema (yet) are left out. */
const STATUS_TABLES = [
  'users',
  'consents',
  'exposures',
  'merchants',
  'transactions',
  'transfers',
  'greetings',
  'reports',
  'blocks',
  'introductions',
  'import_runs',
  'quarantine',
  'audit_log',
] as const;

export interface MirrorStatus {
  dbPath: string;
  schemaVersion: number;
  latestSchemaVersion: number;
  /** Database file plus its WAL, in bytes. */
  sizeBytes: number;
  tables: { name: string; rows: number }[];
  lastImport: ImportRunRow | null;
  /** The platform day of the mirror's newest payment (null: no payments yet). */
  dataEnds: string | null;
  /** The date a run would most usefully be for: the day after the data ends (today when there is no data). */
  suggestedDate: string;
}

function fileSize(file: string): number {
  let size = 0;
  for (const f of [file, `${file}-wal`]) {
    try {
      size += fs.statSync(f).size;
    } catch {
      /* no WAL yet */
    }
  }
  return size;
}

const sql = {
  tableNames: `SELECT name FROM sqlite_master WHERE type = 'table'`,
  newestPayment: `SELECT max(paid_at) FROM transactions`,
};

/** The platform day of the newest payment: kept (migration 012), scanned only on a mirror not yet migrated to keep it. */
function dataEnds(db: Db, existing: ReadonlySet<string>): string | null {
  if (!existing.has('transactions')) return null;
  const newest = existing.has('mirror_facts')
    ? keptNewestPayment(db)
    : (db.prepare(sql.newestPayment).pluck().get() as number | null);
  return newest === null ? null : platformDayOf(newest);
}

export function mirrorStatus(db: Db, dbPath: string): MirrorStatus {
  const existing = new Set(db.prepare(sql.tableNames).pluck().all() as string[]);
  const hasRuns = existing.has('import_runs');
  // Kept counts (row-counts.ts), never a scan: a status call is cheap whatever the mirror's size. Only a database
  // not yet migrated to keep them (the CLI's status can look at one) is counted.
  const kept = existing.has('row_counts') ? keptRowCounts(db) : null;
  const lastImport = hasRuns ? lastImportRun(db) : null;
  const ends = dataEnds(db, existing);
  return {
    dbPath,
    schemaVersion: schemaVersion(db),
    latestSchemaVersion: latestSchemaVersion(),
    sizeBytes: fileSize(dbPath),
    tables: STATUS_TABLES.filter((t) => existing.has(t)).map((name) => ({
      name,
      rows: kept ? (kept.get(name) ?? 0) : (db.prepare(`SELECT count(*) FROM ${name}`).pluck().get() as number),
    })),
    lastImport,
    dataEnds: ends,
    suggestedDate: ends === null ? platformDay() : platformDayPlus(ends, 1),
  };
}
