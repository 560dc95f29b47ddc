import { parseIsoTimeAt, parsedTime, type FieldSpec, type KnownIds, type SqlValue } from './fields';
import { knownIdLookups, UNKNOWN_ID } from './known-ids';

/**
 * Converts a CSV record (one cell per field, in field order) straight from the record text into column values,
 * without splitting it into cell strings first: only the text columns are cut out, numbers and times are read in
 * place. It runs ~5 million times per import, so it allocates nothing but the text values it cuts. Cells are plain,
 * except a string field's, which may also be quoted (`""` for an empty memo, `"AA, 聚餐"`, `"""老地方""的饭钱"`):
 * a province's transfers hold millions of those, and sending each to the general path made their file's parsing
 * twice as slow as the transactions'.
 *
 * It only ever ACCEPTS: on anything unusual (any other quote, a missing or extra cell, a value it does not handle or
 * that fails a check) it returns false with `out` in an unspecified state, and the caller runs the general path
 * (parseCsvRecord + convertField), which accepts exactly the same rows and names the problem of the others. So
 * the fast path can change speed, never results.
 */
export type CsvFastRow = (record: string, out: SqlValue[]) => boolean;

/** UTF-16 length at which a cell can no longer be ≤ 64 characters whatever it holds; longer ones take the general path. */
const ID_MAX = 64;

/** Digits in an integer cell the fast path reads itself: 15 digits always fit in a double exactly. */
const INT_MAX_DIGITS = 15;

const K_TEXT = 1; // id or string: the cell's text, within the length limit
const K_REF = 2;
const K_INT = 3;
const K_TIME = 4;
const QUOTE = 0x22;
const COMMA = 0x2c;
const KIND = {
  id: K_TEXT,
  string: K_TEXT,
  ref: K_REF,
  int: K_INT,
  time: K_TIME,
  enum: 0,
  number: 0,
  bool: 0,
  date: 0,
} as const;
// Local bindings of the time parser: under a CommonJS transform (tsx, vitest) every use of an imported name goes
// through a getter, which showed up in profiles at 5 million rows.
const parseTime = parseIsoTimeAt;
const time = parsedTime;

/**
 * The fast path for a file whose header lists exactly `fields`, in order; null when the header differs or a field
 * has a kind the fast path does not handle (the file then takes the general path for every row).
 */
export function compileCsvFastPath(
  fields: readonly FieldSpec[],
  header: readonly string[],
  knownIds: KnownIds,
): CsvFastRow | null {
  if (header.length !== fields.length) return null;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (header[i] !== f.name) return null;
    if (f.kind !== 'id' && f.kind !== 'ref' && f.kind !== 'string' && f.kind !== 'int' && f.kind !== 'time')
      return null;
  }
  const n = fields.length;
  // The fields' checks as flat per-field arrays: FieldSpec objects come in several shapes, and reading `kind`,
  // `max`… through them in the hot loop would make every access polymorphic.
  const kind = Int8Array.from(fields, (f) => KIND[f.kind as keyof typeof KIND]);
  const nullable = fields.map((f) => f.nullable === true);
  // A quoted cell is read here only for a string field (a quoted id, number or time is the general path's).
  const quotable = fields.map((f) => f.kind === 'string');
  const withTz = fields.map((f) => f.kind === 'time' && f.tzColumn !== undefined);
  const maxLen = fields.map((f) =>
    f.kind === 'id' || f.kind === 'ref'
      ? ID_MAX
      : f.kind === 'string'
        ? (f.max ?? Infinity)
        : f.kind === 'int'
          ? INT_MAX_DIGITS
          : Infinity,
  );
  const min = fields.map((f) => (f.kind === 'int' ? f.min : 0));
  const max = fields.map((f) => (f.kind === 'int' ? f.max : 0));
  const refs = knownIdLookups(fields, knownIds);
  // A keyed reference is written as its id's key (tables.ts), found where the id is written: no string is cut.
  const keyed = fields.map((f) => f.keyColumn !== undefined);
  // Upstream sorts big files by their first reference (transactions by user): a reference equal to the previous
  // row's is already known, and its string is reused instead of cut out again.
  const lastRef: string[] = fields.map(() => '');
  const last = n - 1;

  return (record, out) => {
    // Where the next quote is (-1: none from here on, the common row): it may only open a string field's cell.
    let quote = record.indexOf('"');
    let k = 0; // next column value to write
    let start = 0;
    for (let i = 0; i < n; i++) {
      if (quote === start) {
        if (!quotable[i]) return false;
        // The cell's text up to its closing quote; a doubled quote inside stands for one (RFC 4180).
        let text = '';
        let from = start + 1;
        let close = record.indexOf('"', from);
        while (close !== -1 && record.charCodeAt(close + 1) === QUOTE) {
          text += record.slice(from, close + 1);
          from = close + 2;
          close = record.indexOf('"', from);
        }
        if (close === -1) return false;
        text = text === '' ? record.slice(from, close) : text + record.slice(from, close);
        if (text.length > maxLen[i]!) return false;
        // After the closing quote: the next cell's comma, or the record's end for the last cell. Anything else (text
        // after the quote, more cells) is the general path's to refuse.
        const next = close + 1;
        if (i === last ? next !== record.length : record.charCodeAt(next) !== COMMA) return false;
        out[k++] = text;
        start = next + 1;
        quote = record.indexOf('"', start);
        continue;
      }
      let end: number;
      if (i === last) {
        // A comma in the last cell means more cells than fields.
        if (record.indexOf(',', start) !== -1) return false;
        end = record.length;
      } else {
        end = record.indexOf(',', start);
        if (end === -1) return false;
      }
      // A quote inside a plain cell: the general path refuses the record.
      if (quote !== -1 && quote < end) return false;
      const len = end - start;
      if (len === 0) {
        // An unquoted empty cell is null.
        if (!nullable[i]) return false;
        out[k++] = null;
        if (withTz[i]) out[k++] = null;
        start = end + 1;
        continue;
      }
      if (len > maxLen[i]!) return false;
      switch (kind[i]) {
        case K_TEXT:
          out[k++] = record.slice(start, end);
          break;
        case K_REF: {
          if (keyed[i]) {
            const key = refs[i]!.keyOf(record, start, end);
            if (key === UNKNOWN_ID) return false;
            out[k++] = key;
            break;
          }
          const prev = lastRef[i]!;
          if (prev.length === len && record.startsWith(prev, start)) {
            out[k++] = prev;
            break;
          }
          if (!refs[i]!.has(record, start, end)) return false;
          const id = record.slice(start, end);
          lastRef[i] = id;
          out[k++] = id;
          break;
        }
        case K_INT: {
          let v = 0;
          for (let p = start; p < end; p++) {
            const d = record.charCodeAt(p) - 48;
            if (d < 0 || d > 9) return false;
            v = v * 10 + d;
          }
          if (v < min[i]! || v > max[i]!) return false;
          out[k++] = v;
          break;
        }
        case K_TIME:
          if (!parseTime(record, start, end)) return false;
          out[k++] = time.seconds;
          if (withTz[i]) out[k++] = time.offsetMinutes;
          break;
        default:
          return false;
      }
      start = end + 1;
    }
    return true;
  };
}
