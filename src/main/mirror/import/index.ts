import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../db/database';
import { DomainError } from '../../../shared/envelope';
import { CancelledError, silentProgress, type ProgressSink } from '../../../shared/progress';
import { importFile, type FileSummary, type QuarantineWriter } from './file-importer';
import type { IdTable } from './fields';
import { withBulkPragmas } from './bulk-mode';
import { readManifest } from './manifest';
import type { ImportSummary, ImportTotals } from './summary';
import { CSV_ALLOWED, TABLES, type TableSpec } from './tables';

export type { FileSummary } from './file-importer';
export type { ImportSummary, ImportTotals } from './summary';
export type { QuarantineReason } from './row-problem';
export {
  countQuarantine,
  lastImportRun,
  lastImportedExportDir,
  listImportRuns,
  listQuarantine,
  recoverInterruptedImports,
  type ImportRunRow,
  type ImportRunStatus,
  type QuarantineFilter,
  type QuarantineRow,
} from './runs';

export interface ImportOptions {
  /** Who ran the import (import_runs.operator). */
  operator: string;
  progress?: ProgressSink;
}

/** Page cache while importing: big enough for the hot index pages of a 5M-row load, small enough for 600 MB RSS. */
const IMPORT_CACHE_KIB = 64 * 1024;

interface PlannedFile {
  spec: TableSpec;
  fileName: string;
  path: string;
  format: 'jsonl' | 'csv';
}

/** Which of the known files the directory holds, in import order (users and merchants first). */
function planFiles(dir: string): { planned: PlannedFile[]; skipped: string[] } {
  const present = new Set(fs.readdirSync(dir));
  const planned: PlannedFile[] = [];
  const used = new Set<string>(['manifest.json']);
  for (const spec of TABLES) {
    const jsonl = `${spec.name}.jsonl`;
    const csv = `${spec.name}.csv`;
    const hasJsonl = present.has(jsonl);
    const hasCsv = CSV_ALLOWED.has(spec.name) && present.has(csv);
    if (hasJsonl && hasCsv) {
      throw new DomainError(
        'BAD_EXPORT',
        `${path.join(dir, csv)}: the export holds both ${jsonl} and ${csv}; upstream writes one or the other`,
      );
    }
    if (!hasJsonl && !hasCsv) continue;
    const fileName = hasCsv ? csv : jsonl;
    // Only plain files: a symlink could point anywhere (/etc/passwd, /dev/zero), a directory cannot be read.
    const stat = fs.lstatSync(path.join(dir, fileName));
    if (!stat.isFile()) {
      const what = stat.isSymbolicLink()
        ? 'a symbolic link'
        : stat.isDirectory()
          ? 'a directory'
          : 'not a regular file';
      throw new DomainError('BAD_EXPORT', `${path.join(dir, fileName)}: is ${what}; an export holds plain files only`);
    }
    used.add(fileName);
    planned.push({ spec, fileName, path: path.join(dir, fileName), format: hasCsv ? 'csv' : 'jsonl' });
  }
  return { planned, skipped: [...present].filter((f) => !used.has(f)).sort() };
}

const sql = {
  startRun: `INSERT INTO import_runs (export_id, export_dir, kind, exported_at, operator, started_at, status)
    VALUES (@exportId, @exportDir, @kind, @exportedAt, @operator, @startedAt, 'running')`,
  finishRun: `UPDATE import_runs SET status = @status, finished_at = @finishedAt, error = @error, summary = @summary WHERE id = @id`,
  quarantine: `INSERT INTO quarantine (import_run_id, file, line, field, reason, message, raw) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  userIds: `SELECT id FROM users`,
  merchantIds: `SELECT id FROM merchants`,
};

function loadIds(db: Db, query: string): Set<string> {
  const ids = new Set<string>();
  for (const id of db.prepare(query).pluck().iterate() as IterableIterator<string>) ids.add(id);
  return ids;
}

/**
 * Imports one export directory into the mirror (DATA-FORMAT.md). The run row is committed as 'running' first;
 * then every row of every file lands in ONE `BEGIN IMMEDIATE` transaction (quarantine rows included), so a crash
 * or kill -9 leaves the mirror exactly as before and `recoverInterruptedImports` marks the run failed at next
 * start. Bad rows go to quarantine and the import goes on. Throws CancelledError after a cancel (run
 * 'cancelled', nothing written), DomainError BAD_EXPORT for an unusable directory or manifest, and rethrows
 * anything unexpected after marking the run 'failed'.
 */
export function importExport(db: Db, dir: string, options: ImportOptions): ImportSummary {
  const started = performance.now();
  const progress = options.progress ?? silentProgress;
  const exportDir = path.resolve(dir);
  if (!fs.existsSync(exportDir) || !fs.statSync(exportDir).isDirectory()) {
    throw new DomainError('BAD_EXPORT', `${exportDir}: not a directory`);
  }
  const manifest = readManifest(exportDir);
  const { planned, skipped } = planFiles(exportDir);
  // A file the manifest declares but the directory lacks is a half-copied export: refused before anything lands.
  const present = new Set(planned.map((f) => f.fileName));
  for (const [declared, rows] of Object.entries(manifest.files)) {
    if (TABLES.some((t) => declared === `${t.name}.jsonl` || declared === `${t.name}.csv`) && !present.has(declared)) {
      throw new DomainError(
        'BAD_EXPORT',
        `${path.join(exportDir, declared)}: the manifest declares it (${rows} rows) but the export has no such file (copied only in part?)`,
      );
    }
  }

  const runId = Number(
    db.prepare(sql.startRun).run({
      exportId: manifest.exportId,
      exportDir,
      kind: manifest.kind,
      exportedAt: manifest.exportedAt,
      operator: options.operator,
      startedAt: new Date().toISOString(),
    }).lastInsertRowid,
  );
  const finish = (status: 'completed' | 'failed' | 'cancelled', error: string | null, summary: object): void => {
    db.prepare(sql.finishRun).run({
      id: runId,
      status,
      finishedAt: new Date().toISOString(),
      error,
      summary: JSON.stringify(summary),
    });
  };

  const files: Record<string, FileSummary> = {};
  try {
    const insertQuarantine = db.prepare(sql.quarantine);
    const quarantine: QuarantineWriter = (file, line, field, reason, message, raw) => {
      insertQuarantine.run(runId, file, line, field, reason, message, raw);
    };
    withBulkPragmas(db, IMPORT_CACHE_KIB, () =>
      db
        .transaction(() => {
          // Known ids: the mirror's, plus each user/merchant this import accepts (kept in memory: ~100 bytes per id).
          const knownIds: Record<IdTable, Set<string>> = {
            users: loadIds(db, sql.userIds),
            merchants: loadIds(db, sql.merchantIds),
          };
          for (const f of planned) {
            progress.throwIfCancelled();
            files[f.fileName] = importFile({
              db,
              spec: f.spec,
              path: f.path,
              fileName: f.fileName,
              format: f.format,
              expected: manifest.files[f.fileName] ?? null,
              sizeBytes: fs.statSync(f.path).size,
              knownIds,
              quarantine,
              progress,
            });
          }
        })
        .immediate(),
    );
  } catch (err) {
    const cancelled = err instanceof CancelledError;
    finish(
      cancelled ? 'cancelled' : 'failed',
      cancelled ? 'cancelled by the operator' : err instanceof Error ? err.message : String(err),
      { files },
    );
    throw err;
  }

  const totals: ImportTotals = { read: 0, inserted: 0, updated: 0, unchanged: 0, quarantined: 0 };
  for (const s of Object.values(files)) {
    totals.read += s.read;
    totals.inserted += s.inserted;
    totals.updated += s.updated;
    totals.unchanged += s.unchanged;
    totals.quarantined += s.quarantined;
  }
  const summary: ImportSummary = {
    runId,
    status: 'completed',
    exportId: manifest.exportId,
    kind: manifest.kind,
    exportedAt: manifest.exportedAt,
    files,
    totals,
    skippedFiles: skipped,
    elapsedMs: Math.round(performance.now() - started),
  };
  finish('completed', null, summary);
  return summary;
}
