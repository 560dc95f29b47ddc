import type { ImportJournal } from './sole-writer';
import type { ExportKind } from '../../../shared/domain/export-format';
import type { FileSummary } from './file-importer';

/** Rows by what became of them, summed over the imported files. */
export interface ImportTotals {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  /**
   * Mirror rows a snapshot deleted: those its files lacked, and those of other tables that named an account it
   * erased (`erasedRows`).
   */
  removed: number;
}

/** A file whose row count is not what the manifest declares: refused for a snapshot, a warning for an increment. */
export interface ManifestMismatch {
  file: string;
  declared: number | null;
  read: number;
}

/** What one completed import did: stored with its run (import_runs.summary) and answered to whoever ran it. */
export interface ImportSummary {
  runId: number;
  status: 'completed';
  exportId: string;
  kind: ExportKind;
  exportedAt: string;
  /** Per imported file, by file name (`users.jsonl`, `transactions.csv`, …), in import order. */
  files: Record<string, FileSummary>;
  totals: ImportTotals;
  /** Files in the directory that are not imported (labels.jsonl, anything unknown). */
  skippedFiles: string[];
  /** Increments only (a snapshot with one is refused): files whose row count differs from the manifest's. */
  manifestMismatches: ManifestMismatch[];
  /**
   * Rows of other tables, removed because they named a user or merchant the snapshot erased (erased.ts), by table:
   * those of tables it did not carry, or whose removals it withheld; empty when it erased none.
   */
  erasedRows: Record<string, number>;
  /** Users the snapshot erased that had a moderation flag open: those flags leave the queues with the account. */
  erasedFlagged: number;
  /**
   * When this export_id was imported before: that run. Nothing was read or changed this time (`runId` is that
   * run's too).
   */
  alreadyImportedBy: number | null;
  /** When an older export was imported on purpose (`allowOlder`): the newer export it went behind, and why. */
  allowedOlder: { reason: string; newerExportId: string; newerExportedAt: string } | null;
  /** Through the WAL, or (a sole writer's first import) straight into the file under the rollback journal. */
  journal: ImportJournal;
  elapsedMs: number;
}
