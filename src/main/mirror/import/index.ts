import type { AuditAction } from '../../../shared/domain/audit-actions';
import fs from 'node:fs';
import path from 'node:path';
import type { ExportKind } from '../../../shared/domain/export-format';
import type { Db } from '../../db/database';
import { DomainError } from '../../../shared/envelope';
import { say } from '../../../shared/error-says';
import { withAudit } from '../../audit/audit-log';
import { CancelledError, silentProgress, type ProgressSink } from '../../../shared/progress';
import {
  importFile,
  manifestUndeclared,
  parseAhead,
  type FileSummary,
  type ImportFileOptions,
  type QuarantineWriter,
} from './file-importer';
import { helperMayParse, ParseHelper } from './parse-thread';
import { KEY_TABLES, NO_KEY, type IdTable, type KnownIds } from './fields';
import { withBulkPragmas } from './bulk-mode';
import { type ImportJournal, withImportJournal } from './sole-writer';
import { checkExportOrder, recheckExportOrder, type ExportOrder } from './order';
import { type ExportManifest, readManifest } from './manifest';
import { CALLER_FILE_MAX_BYTES, CallerFileError, checkCallerFile } from '../../util/caller-file';
import type { ImportSummary, ImportTotals, ManifestMismatch } from './summary';
import { keepMirrorCounts, type CountedTable } from '../row-counts';
import { openFlagsOfErased, removeRowsOfErased } from './erased';
import { CSV_ALLOWED, misnamedExportFile, namesOwnIds, TABLES, type TableSpec } from './tables';
import { readFileStart } from './record-reader';
import { checkCsvHeader } from './record-parser';

export type { FileSummary } from './file-importer';
export type { ImportSummary, ImportTotals, ManifestMismatch } from './summary';
export type { QuarantineReason } from './row-problem';
export {
  countQuarantine,
  lastImportRun,
  importedFrom,
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
  /**
   * Import an export older than the newest one imported (a stale export is refused otherwise): the operator's
   * reason, kept in the audit log.
   */
  allowOlder?: string;
  /**
   * false: every row through the general path (parse, then convertField), skipping the CSV and JSONL fast paths.
   * For the import bench's same-run comparison only; the answers are the same either way.
   */
  fastPaths?: boolean;
  /** Tests only: parse files at least this big on a helper thread, however busy the machine (default: parseOnHelper). */
  parseThreadMinBytes?: number;
  /**
   * The caller is the mirror's only user (the CLI's `import --exclusive`, the scale bench): a first import then
   * writes without the WAL, holding the mirror to itself until it commits (sole-writer.ts). Never the console's:
   * it serves the mirror while importing.
   */
  soleWriter?: boolean;
}

/** The phase reported while the import waits for the mirror's write lock (JobProgressBar words it). */
export const WAITING_FOR_MIRROR = 'waiting for the mirror';

/** Page cache while importing: big enough for the hot index pages of a 5M-row load, small enough for 600 MB RSS. */
const IMPORT_CACHE_KIB = 64 * 1024;

interface PlannedFile {
  spec: TableSpec;
  fileName: string;
  path: string;
  format: 'jsonl' | 'csv';
  /** Whether its last byte is a newline (null: empty). */
  endsWithNewline: boolean | null;
}

/** More entries than this and a directory is not an export (a real one holds a dozen files): refused unlisted. */
const MAX_EXPORT_ENTRIES = 1000;

/** The names in an export directory, read one at a time and at most MAX_EXPORT_ENTRIES of them. */
function listExportDir(dir: string): Set<string> {
  const names = new Set<string>();
  let handle: fs.Dir;
  try {
    handle = fs.opendirSync(dir);
  } catch {
    throw new DomainError('BAD_EXPORT', `${dir}: cannot be read`);
  }
  try {
    for (let entry = handle.readSync(); entry !== null; entry = handle.readSync()) {
      if (names.size === MAX_EXPORT_ENTRIES)
        throw new DomainError('BAD_EXPORT', `${dir}: more than ${MAX_EXPORT_ENTRIES} entries; not an export directory`);
      names.add(entry.name);
    }
  } finally {
    handle.closeSync();
  }
  return names;
}

/** Which of the known files the directory holds, in import order (users and merchants first). */
function planFiles(dir: string): { planned: PlannedFile[]; skipped: string[] } {
  const present = listExportDir(dir);
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
    const file = path.join(dir, fileName);
    // Only plain files within the cap: a symlink could point anywhere (/etc/passwd, /dev/zero), a FIFO never ends.
    // (The reader opens each again by the same rules: caller-file.ts.)
    try {
      checkCallerFile(file, CALLER_FILE_MAX_BYTES.exportFile);
    } catch (err) {
      if (!(err instanceof CallerFileError)) throw err;
      throw new DomainError('BAD_EXPORT', `${err.message}; an export holds plain files only`);
    }
    // A file's own shape, before any row: its encoding, line endings, and a CSV file's header (record-parser.ts).
    const start = readFileStart(file);
    if (start.encoding !== null) throw new DomainError('BAD_EXPORT', `${file}: ${start.encoding}`);
    if (start.lineEnding !== null) throw new DomainError('BAD_EXPORT', `${file}: ${start.lineEnding}`);
    if (hasCsv && start.firstLine !== null) checkCsvHeader(spec, file, start.firstLine.text, start.firstLine.line);
    used.add(fileName);
    planned.push({
      spec,
      fileName,
      path: file,
      format: hasCsv ? 'csv' : 'jsonl',
      endsWithNewline: start.endsWithNewline,
    });
  }
  return { planned, skipped: [...present].filter((f) => !used.has(f)).sort() };
}

/** An export directory looked over before anything of it is imported. */
export interface InspectedExport {
  exportDir: string;
  manifest: ExportManifest;
  planned: PlannedFile[];
  /** Entries the importer does not read (labels.jsonl, a README…). */
  skipped: string[];
}

/**
 * Looks an export directory over without importing anything: a directory, a manifest that reads, plain files of a
 * bounded size for every file it will read, and every file the manifest declares present. Throws BAD_EXPORT naming
 * the file otherwise. Cheap (a directory listing, a stat a file, the manifest), so a call can answer at once before
 * a worker is started; the import does it again itself.
 */
export function inspectExport(dir: string): InspectedExport {
  const exportDir = path.resolve(dir);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(exportDir, { throwIfNoEntry: false });
  } catch {
    throw new DomainError('BAD_EXPORT', `${exportDir}: cannot be read`);
  }
  if (!stat?.isDirectory())
    throw new DomainError('BAD_EXPORT', `${exportDir}: not a directory`, say('notAnExport', { path: exportDir }));
  const manifest = readManifest(exportDir);
  // A file named almost as one of the format's would be skipped and its rows lost: refused, declared or present.
  for (const name of Object.keys(manifest.files)) {
    const misnamed = misnamedExportFile(name);
    if (misnamed !== null)
      throw new DomainError('BAD_EXPORT', `${path.join(exportDir, 'manifest.json')}: files["${name}"]: ${misnamed}`);
  }
  const { planned, skipped } = planFiles(exportDir);
  for (const name of skipped) {
    const misnamed = misnamedExportFile(name);
    if (misnamed !== null) throw new DomainError('BAD_EXPORT', `${path.join(exportDir, name)}: ${misnamed}`);
  }
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
  return { exportDir, manifest, planned, skipped };
}

const sql = {
  startRun: `INSERT INTO import_runs (export_id, export_dir, kind, exported_at, operator, started_at, status)
    VALUES (@exportId, @exportDir, @kind, @exportedAt, @operator, @startedAt, 'running')`,
  finishRun: `UPDATE import_runs SET status = @status, finished_at = @finishedAt, error = @error, summary = @summary WHERE id = @id`,
  quarantine: `INSERT INTO quarantine (import_run_id, file, line, field, reason, message, raw) VALUES (?, ?, ?, ?, ?, ?, ?)`,
};

/** The statements of one keyed id table (its rows joined to their keys: db/migrations/016 and 017). */
function keySql(names: IdTable) {
  const keys = KEY_TABLES[names];
  return {
    ids: `SELECT t.id, k.key FROM ${names} t JOIN ${keys} k ON k.id = t.id`,
    newestKey: `SELECT coalesce(max(key), 0) FROM ${keys}`,
    keysAbove: `SELECT id, key FROM ${keys} WHERE key > ?`,
    keyOf: `SELECT key FROM ${keys} WHERE id = ?`,
  };
}

function loadIds(db: Db, names: IdTable): Map<string, number> {
  const ids = new Map<string, number>();
  for (const [id, key] of db.prepare(keySql(names).ids).raw().iterate() as IterableIterator<[string, number]>)
    ids.set(id, key);
  return ids;
}

function newestKey(db: Db, names: IdTable): number {
  return db.prepare(keySql(names).newestKey).pluck().get() as number;
}

/**
 * Gives the ids a file accepted (users, merchants) their keys (NO_KEY until their rows were written: the database
 * makes an id's key as the row is inserted, db/migrations/016-user-keys.ts). Keys only grow, so the new ones are
 * those above the newest key before the file. An id left without a key would have rows naming it written with none:
 * refused here instead.
 */
function keyNewIds(db: Db, names: IdTable, known: Map<string, number>, newestBefore: number): void {
  const statements = keySql(names);
  for (const [id, key] of db.prepare(statements.keysAbove).raw().iterate(newestBefore) as IterableIterator<
    [string, number]
  >) {
    if (known.get(id) === NO_KEY) known.set(id, key);
  }
  const keyOf = db.prepare(statements.keyOf).pluck();
  for (const [id, key] of known) {
    if (key !== NO_KEY) continue;
    // An id whose key outlived its row (one removed by something other than an import) keeps that key.
    const kept = keyOf.get(id) as number | undefined;
    if (kept === undefined)
      throw new Error(`${names} id ${id} was accepted but the mirror made it no key (${KEY_TABLES[names]})`);
    known.set(id, kept);
  }
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
  const { exportDir, manifest, planned, skipped } = inspectExport(dir);

  const operator = options.operator;
  // Each row through the one audit wrapper: inside the import's transaction it joins it, outside it is its own.
  const audit = (action: AuditAction, subject: string, details: Record<string, unknown>): void => {
    withAudit(
      db,
      { operator, action },
      () => null,
      () => ({ subject, details }),
    );
  };
  let order: ExportOrder;
  try {
    // A snapshot deletes what its files lack, so it must be able to prove its files whole: a count for each.
    if (manifest.kind === 'snapshot') {
      for (const f of planned) {
        if (manifest.files[f.fileName] === undefined) throw manifestUndeclared(f.fileName);
      }
    }
    order = checkExportOrder(db, manifest, options.allowOlder);
  } catch (err) {
    if (err instanceof DomainError)
      audit('import.refuse', manifest.exportId, { code: err.code, exportedAt: manifest.exportedAt, exportDir });
    throw err;
  }
  if (order.alreadyImportedBy !== null) {
    const earlier = order.alreadyImportedBy;
    audit('import.repeat', manifest.exportId, { runId: earlier, exportDir });
    return {
      runId: earlier,
      status: 'completed',
      exportId: manifest.exportId,
      kind: manifest.kind,
      exportedAt: manifest.exportedAt,
      files: {},
      totals: { read: 0, inserted: 0, updated: 0, unchanged: 0, quarantined: 0, removed: 0 },
      skippedFiles: skipped,
      manifestMismatches: [],
      erasedRows: {},
      erasedFlagged: 0,
      alreadyImportedBy: earlier,
      allowedOlder: null,
      journal: 'wal',
      elapsedMs: Math.round(performance.now() - started),
    };
  }

  const runId = db.transaction(() => {
    const id = Number(
      db.prepare(sql.startRun).run({
        exportId: manifest.exportId,
        exportDir,
        kind: manifest.kind,
        exportedAt: manifest.exportedAt,
        operator,
        startedAt: new Date().toISOString(),
      }).lastInsertRowid,
    );
    audit('import.start', String(id), { exportId: manifest.exportId, kind: manifest.kind, exportDir });
    if (order.allowedOlder)
      audit('import.allow_older', String(id), { exportId: manifest.exportId, ...order.allowedOlder });
    return id;
  })();
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
  let summary: ImportSummary | undefined;
  // The parsing helper, for big files (parse-thread.ts). Started with the import when a file may go to it, so it
  // has booted by the time that file comes; a file parsed inline leaves it idle.
  let helper: ParseHelper | null = null;
  const parseHelper = (): ParseHelper => (helper ??= new ParseHelper());
  try {
    const sizeOf = new Map(planned.map((f) => [f, fs.statSync(f.path).size]));
    const candidate = (f: PlannedFile) => ({ sizeBytes: sizeOf.get(f)!, namesOwnIds: namesOwnIds(f.spec) });
    if (planned.some((f) => helperMayParse(candidate(f), options.parseThreadMinBytes))) parseHelper();
    const insertQuarantine = db.prepare(sql.quarantine);
    const quarantine: QuarantineWriter = (file, line, field, reason, message, raw) => {
      insertQuarantine.run(runId, file, line, field, reason, message, raw);
    };
    // BEGIN IMMEDIATE waits here while another import (a CLI beside the console) holds the mirror's write lock.
    progress.report(WAITING_FOR_MIRROR, 0, null);
    withImportJournal(db, options.soleWriter === true, (journal) =>
      withBulkPragmas(db, IMPORT_CACHE_KIB, () =>
        db
          .transaction(() => {
            // The order was checked before the write lock: an import that committed while this one waited for it
            // (the same export, or a newer one) is only seen now, and would otherwise be applied twice or rolled back.
            order = recheckExportOrder(db, manifest, options.allowOlder, order, (details) =>
              audit('import.allow_older', String(runId), { exportId: manifest.exportId, ...details }),
            );
            // Known ids: the mirror's, plus each user/merchant this import accepts (kept in memory: ~100 bytes per id).
            const knownIds: KnownIds = {
              users: loadIds(db, 'users'),
              merchants: loadIds(db, 'merchants'),
            };
            const erased: Record<IdTable, string[]> = { users: [], merchants: [] };
            const counted = new Map<string, CountedTable>();
            // One file ending with a newline shows the writer's habit; a writer that ends none is not held to it.
            const writerEndsFiles = planned.some((p) => p.endsWithNewline === true);
            const fileOptions = (f: PlannedFile, parsedAhead: boolean): ImportFileOptions => ({
              db,
              spec: f.spec,
              path: f.path,
              fileName: f.fileName,
              format: f.format,
              expected: manifest.files[f.fileName] ?? null,
              sizeBytes: sizeOf.get(f)!,
              knownIds,
              erased,
              quarantine,
              progress,
              snapshot: manifest.kind === 'snapshot',
              fastPaths: options.fastPaths ?? true,
              writerEndsFiles,
              parseThreadMinBytes: options.parseThreadMinBytes,
              parseHelper,
              parsedAhead,
            });
            // The file the helper was handed ahead, while the one before it was written.
            let ahead: PlannedFile | null = null;
            for (const [i, f] of planned.entries()) {
              progress.throwIfCancelled();
              const keysBefore = f.spec.provides ? newestKey(db, f.spec.provides) : 0;
              const next = planned[i + 1];
              const imported = importFile({
                ...fileOptions(f, ahead === f),
                // Not past a file that provides ids: the next file must be parsed against the ids it leaves.
                parseNextAhead:
                  next && !f.spec.provides
                    ? () => {
                        const handed = parseAhead(fileOptions(next, false));
                        if (handed) ahead = next;
                        return handed;
                      }
                    : undefined,
              });
              files[f.fileName] = imported.summary;
              // One file per table (planFiles refuses an export holding both a table's .jsonl and its .csv).
              counted.set(f.spec.table, imported);
              if (f.spec.provides) keyNewIds(db, f.spec.provides, knownIds[f.spec.provides], keysBefore);
              // Its ids were added to (or removed from) the known ones: the helper's copy is out of date.
              if (f.spec.provides) (helper as ParseHelper | null)?.idsChanged();
            }
            // What other tables hold of the accounts the snapshot erased goes with them (erased.ts).
            progress.throwIfCancelled();
            const erasedRows = removeRowsOfErased(db, erased);
            const erasedFlagged = openFlagsOfErased(db, erased.users);
            // A table counted by its file and then cut by that (one whose removals were withheld) is counted again.
            for (const table of Object.keys(erasedRows)) counted.delete(table);
            // The kept row counts, the summary and its audit row commit with the rows they describe, or not at all.
            keepMirrorCounts(db, counted);
            summary = summarise(
              runId,
              manifest,
              files,
              { rows: erasedRows, flagged: erasedFlagged },
              skipped,
              order.allowedOlder,
              journal,
              started,
            );
            finish('completed', null, summary);
            audit('import.complete', String(runId), {
              exportId: manifest.exportId,
              kind: manifest.kind,
              totals: summary.totals,
              ...(summary.manifestMismatches.length ? { manifestMismatches: summary.manifestMismatches } : {}),
            });
          })
          .immediate(),
      ),
    );
  } catch (err) {
    const cancelled = err instanceof CancelledError;
    const code = cancelled ? 'CANCELLED' : ((err as { code?: unknown }).code ?? 'ERROR');
    db.transaction(() => {
      finish(
        cancelled ? 'cancelled' : 'failed',
        cancelled ? 'cancelled by the operator' : err instanceof Error ? err.message : String(err),
        { files },
      );
      audit(cancelled ? 'import.cancel' : 'import.fail', String(runId), { exportId: manifest.exportId, code });
    })();
    throw err;
  } finally {
    (helper as ParseHelper | null)?.close();
  }
  return summary!;
}

function summarise(
  runId: number,
  manifest: { exportId: string; kind: ExportKind; exportedAt: string },
  files: Record<string, FileSummary>,
  erased: { rows: Record<string, number>; flagged: number },
  skipped: string[],
  allowedOlder: ImportSummary['allowedOlder'],
  journal: ImportJournal,
  started: number,
): ImportSummary {
  const totals: ImportTotals = { read: 0, inserted: 0, updated: 0, unchanged: 0, quarantined: 0, removed: 0 };
  const manifestMismatches: ManifestMismatch[] = [];
  for (const [file, s] of Object.entries(files)) {
    totals.read += s.read;
    totals.inserted += s.inserted;
    totals.updated += s.updated;
    totals.unchanged += s.unchanged;
    totals.quarantined += s.quarantined;
    totals.removed += s.removed;
    if (s.expected !== s.read) manifestMismatches.push({ file, declared: s.expected, read: s.read });
  }
  for (const n of Object.values(erased.rows)) totals.removed += n;
  return {
    runId,
    status: 'completed',
    exportId: manifest.exportId,
    kind: manifest.kind,
    exportedAt: manifest.exportedAt,
    files,
    totals,
    skippedFiles: skipped,
    manifestMismatches,
    erasedRows: erased.rows,
    erasedFlagged: erased.flagged,
    alreadyImportedBy: null,
    allowedOlder,
    journal,
    elapsedMs: Math.round(performance.now() - started),
  };
}
