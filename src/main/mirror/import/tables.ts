import { CSV_FILES, EXPORT_FILES, type ExportFileName, type IdTable } from '../../../shared/domain/export-format';
import type { FieldSpec } from './fields';

/** One importable file of the export and the mirror table it lands in (the export format's file, column for column). */
export interface TableSpec {
  /** File stem: `users` for users.jsonl; transactions and transfers may also come as `.csv`. */
  name: ExportFileName;
  table: string;
  fields: readonly FieldSpec[];
  /** Columns of the primary key: the upsert target and the "same id twice in one file" check. */
  key: readonly string[];
  /** Ids that later files may reference once this file has been accepted. */
  provides?: IdTable;
}

/** Times whose offset the mirror keeps beside them (the local hour of a payment or a greeting matters). */
const TZ_COLUMNS: Readonly<Record<string, string>> = { paid_at: 'paid_tz', sent_at: 'sent_tz' };

/** Import order matters: users and merchants first, so rows of the same import may reference them. */
export const TABLES: readonly TableSpec[] = EXPORT_FILES.map((file) => ({
  name: file.name,
  table: file.name,
  key: file.key,
  ...('provides' in file ? { provides: file.provides } : {}),
  fields: file.fields.map((f): FieldSpec => {
    const tzColumn = f.kind === 'time' ? TZ_COLUMNS[f.name] : undefined;
    return tzColumn ? { ...f, tzColumn } : f;
  }),
}));

/** Files that may come as CSV (DATA-FORMAT.md: "large files come as CSV"). */
export const CSV_ALLOWED: ReadonlySet<string> = new Set(CSV_FILES);

/** The table's column names in insert order: a time field with a tz column is followed by that column. */
export function columnsOf(spec: TableSpec): string[] {
  const cols: string[] = [];
  for (const f of spec.fields) {
    cols.push(f.name);
    if (f.kind === 'time' && f.tzColumn) cols.push(f.tzColumn);
  }
  return cols;
}
