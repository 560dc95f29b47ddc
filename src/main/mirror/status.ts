import fs from 'node:fs';
import type { Db } from '../db/database';
import { latestSchemaVersion, schemaVersion } from '../db/migrate';
import { lastImportRun, type ImportRunRow } from './import/runs';

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

const sql = { tableNames: `SELECT name FROM sqlite_master WHERE type = 'table'` };

export function mirrorStatus(db: Db, dbPath: string): MirrorStatus {
  const existing = new Set(db.prepare(sql.tableNames).pluck().all() as string[]);
  const hasRuns = existing.has('import_runs');
  return {
    dbPath,
    schemaVersion: schemaVersion(db),
    latestSchemaVersion: latestSchemaVersion(),
    sizeBytes: fileSize(dbPath),
    // count(*) on a table of millions costs tens of milliseconds in SQLite; fine for a status call.
    tables: STATUS_TABLES.filter((t) => existing.has(t)).map((name) => ({
      name,
      rows: db.prepare(`SELECT count(*) FROM ${name}`).pluck().get() as number,
    })),
    lastImport: hasRuns ? lastImportRun(db) : null,
  };
}
