import fs from 'node:fs';
import type { Db } from '../db/database';
import { latestSchemaVersion, schemaVersion } from '../db/migrate';
import { platformDay, platformDayOf, platformDayPlus } from '../../shared/domain/platform-time';
import { lastImportRun, type ImportRunRow } from './import/runs';
import { keptRowCounts } from './row-counts';

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

// max(paid_at) scans the payments (there is no index on paid_at alone): worked out once per completed import of a
// mirror file, since only an import adds payments.
const dataEndsByMirror = new Map<string, { importId: number | null; day: string | null }>();

function dataEnds(db: Db, dbPath: string, lastImport: ImportRunRow | null, hasPayments: boolean): string | null {
  if (!hasPayments) return null;
  const importId = lastImport?.id ?? null;
  const known = dataEndsByMirror.get(dbPath);
  if (known && known.importId === importId) return known.day;
  const newest = db.prepare(sql.newestPayment).pluck().get() as number | null;
  const day = newest === null ? null : platformDayOf(newest);
  dataEndsByMirror.set(dbPath, { importId, day });
  return day;
}

export function mirrorStatus(db: Db, dbPath: string): MirrorStatus {
  const existing = new Set(db.prepare(sql.tableNames).pluck().all() as string[]);
  const hasRuns = existing.has('import_runs');
  // Kept counts (row-counts.ts), never a scan: a status call is cheap whatever the mirror's size. Only a database
  // not yet migrated to keep them (the CLI's status can look at one) is counted.
  const kept = existing.has('row_counts') ? keptRowCounts(db) : null;
  const lastImport = hasRuns ? lastImportRun(db) : null;
  const ends = dataEnds(db, dbPath, lastImport, existing.has('transactions'));
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
