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
/**
 * References the mirror stores as the id's integer key (fields.ts KEY_TABLES), by table and field: the payer and the
 * merchant of a transaction, the references of the largest table, read at every run (db/migrations/016, 017).
 */
const KEY_COLUMNS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  transactions: { user_id: 'user_key', merchant_id: 'merchant_key' },
};

/** Import order matters: users and merchants first, so rows of the same import may reference them. */
export const TABLES: readonly TableSpec[] = EXPORT_FILES.map((file) => ({
  name: file.name,
  table: file.name,
  key: file.key,
  ...('provides' in file ? { provides: file.provides } : {}),
  fields: file.fields.map((f): FieldSpec => {
    const tzColumn = f.kind === 'time' ? TZ_COLUMNS[f.name] : undefined;
    if (tzColumn) return { ...f, tzColumn };
    const keyColumn = f.kind === 'ref' ? KEY_COLUMNS[file.name]?.[f.name] : undefined;
    return keyColumn ? { ...f, keyColumn } : f;
  }),
}));

/** Does a row of this file name ids the file itself provides? (None does: users and merchants name nothing.) */
export function namesOwnIds(spec: TableSpec): boolean {
  return spec.provides !== undefined && spec.fields.some((f) => f.kind === 'ref' && f.table === spec.provides);
}

/** Files that may come as CSV (DATA-FORMAT.md: "large files come as CSV"). */
export const CSV_ALLOWED: ReadonlySet<string> = new Set(CSV_FILES);

/**
 * The table's column names in insert order: a time field with a tz column is followed by that column, a keyed
 * reference is its key column.
 */
export function columnsOf(spec: TableSpec): string[] {
  const cols: string[] = [];
  for (const f of spec.fields) {
    cols.push(columnOf(f));
    if (f.kind === 'time' && f.tzColumn) cols.push(f.tzColumn);
  }
  return cols;
}

/** The column a field's value is stored in (a keyed reference's key column, else the field's name). */
export function columnOf(f: FieldSpec): string {
  return f.keyColumn ?? f.name;
}

/** Extensions a writer might give a file of the format by mistake (the format's own are .jsonl and, for some, .csv). */
const NEAR_EXTENSIONS: ReadonlySet<string> = new Set(['jsonl', 'json', 'ndjson', 'csv', 'txt']);

/**
 * Why `name` looks like one of the format's files but is not named as the importer reads it (another case, another
 * extension, CSV for a file that comes only as JSONL), or null. Such a file would otherwise be skipped as unrelated
 * (labels.jsonl, a README) and its rows lost without a word; a name unlike any of the format's is still skipped.
 */
export function misnamedExportFile(name: string): string | null {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return null;
  const stem = name.slice(0, dot);
  const ext = name.slice(dot + 1);
  const spec = TABLES.find((t) => t.name.toLowerCase() === stem.toLowerCase());
  if (!spec || !NEAR_EXTENSIONS.has(ext.toLowerCase())) return null;
  if (name === `${spec.name}.jsonl` || (CSV_ALLOWED.has(spec.name) && name === `${spec.name}.csv`)) return null;
  if (stem === spec.name && ext === 'csv')
    return `${spec.name} comes as JSONL only (${[...CSV_ALLOWED].join(' and ')} may also come as CSV): expected ${spec.name}.jsonl`;
  const expected = CSV_ALLOWED.has(spec.name) ? `${spec.name}.jsonl or ${spec.name}.csv` : `${spec.name}.jsonl`;
  return `not a file name of the export format (names are exact and case-sensitive): expected ${expected}`;
}
