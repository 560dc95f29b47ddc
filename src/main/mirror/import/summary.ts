import type { ExportKind } from '../../../shared/domain/export-format';
import type { FileSummary } from './file-importer';

/** Rows by what became of them, summed over the imported files. */
export interface ImportTotals {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
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
  elapsedMs: number;
}
