import { DomainError } from '../../../shared/envelope';
import { BareCrProblem, parseCsvRecord } from './csv';
import { compileJsonlFastPath } from './jsonl-fast-path';
import { compileCsvFastPath, type CsvFastRow } from './csv-fast-path';
import { convertField, type FieldSpec, type KnownIds, type SqlValue } from './fields';
import { capChars, isBlankRecord, readRecords } from './record-reader';
import { RowProblem, type QuarantineReason } from './row-problem';
import type { TableSpec } from './tables';

/**
 * The first half of importing a file: reading its records and turning each into the row the mirror stores, or into
 * the problem that refuses it. It touches no database, so it runs either inline or on a helper thread beside the
 * writer (parse-thread.ts); the second half (file-importer.ts) tells duplicates apart and writes.
 */

/** Raw excerpts kept in quarantine are capped: enough to see what was wrong, not a copy of the data. */
export const RAW_EXCERPT_CHARS = 300;

export interface ParseOptions {
  spec: TableSpec;
  path: string;
  format: 'jsonl' | 'csv';
  /** Ids a reference may name; read only. */
  knownIds: KnownIds;
  /** Also read the key of a refused record whose key can be read (a snapshot keeps that row's previous version). */
  snapshot: boolean;
  /** false: no fast path, every row through the general one. */
  fastPaths: boolean;
  /**
   * The export's writer ends its files with a newline (one of them does): a CSV file whose last record has none was
   * cut off, even where that record still parses (a memo or an amount cut short reads as a shorter one).
   */
  writerEndsFiles: boolean;
}

export interface ParsedSink {
  /** A CSV file's header cells, before any row (a JSONL file has none). */
  header(cells: string[]): void;
  /**
   * An accepted row, column by column as the table stores it (columnsOf(spec)). `values` is reused for the next
   * row: copy what is kept.
   */
  row(values: readonly SqlValue[], line: number, offset: number): void;
  /**
   * A refused record: why (`message` without the file and line, which the writer adds), its excerpt (capped), and
   * for a snapshot the key it was for, when it can be read and the mirror's previous version should stand.
   */
  refused(
    line: number,
    offset: number,
    reason: QuarantineReason,
    field: string | null,
    message: string,
    raw: string,
    key: string | null,
  ): void;
  /** After each chunk read: the place for progress and cancel checks. */
  chunk(bytesRead: number, totalBytes: number): void;
}

/** Key fields read for telling rows apart: a reference is read as the id it names, known or not. */
function keyFieldsOf(spec: TableSpec): FieldSpec[] {
  return spec.key.map((k) => {
    const f = spec.fields.find((x) => x.name === k)!;
    return f.kind === 'ref' ? { name: f.name, kind: 'id' } : f;
  });
}
const NO_IDS: KnownIds = { users: new Map(), merchants: new Map() };

/** Compares as SQLite's BINARY collation does (UTF-8 bytes), which differs from JS `<` for astral characters. */
function byteOrderLess(a: string, b: string): boolean {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')) < 0;
}

/** An introduction's pair is unordered; the mirror stores it as user_a < user_b. */
export function orderPair(v: SqlValue[]): void {
  const a = v[0] as string;
  const b = v[1] as string;
  if (a === b) throw new RowProblem('out_of_range', 'user_b', 'an introduction needs two different users');
  if (byteOrderLess(b, a)) {
    v[0] = b;
    v[1] = a;
  }
}

/** The row's key as a string (fields joined by NUL, which no accepted value holds), from converted values. */
export function keyOfValues(v: readonly SqlValue[], idx: readonly number[]): string {
  return idx.length === 1 ? (v[idx[0]!] as string) : idx.map((i) => String(v[i])).join('\u0000');
}

/**
 * The key of a record, read from its key fields alone (null when they cannot be read): for a refused row, whose
 * previous version a snapshot keeps, and to tell apart two records whose keys share a hash. `header` is a CSV
 * file's header (null for JSONL, or while a CSV file's header is not read or unusable).
 *
 * A record that does not parse (cut off, a bad escape, a quote never closed) still names its key where the break
 * comes after it: read as `keyFieldLeniently` says. Without it a snapshot would take the row for deleted upstream —
 * a user whose nickname held a bad escape, deleted with every consent and payment of theirs.
 */
export function recordKeyReader(
  spec: TableSpec,
  format: 'jsonl' | 'csv',
  header: () => string[] | null,
): (text: string) => string | null {
  const keyFields = keyFieldsOf(spec);
  const keyNames: ReadonlySet<string> = new Set(spec.key);
  const keyValues: SqlValue[] = [];
  const keyValueIdx = keyFields.map((_, i) => i);
  const isIntroductions = spec.table === 'introductions';
  return (text) => {
    keyValues.length = 0;
    try {
      let get: (name: string) => unknown;
      if (format === 'csv') {
        const cols = header();
        if (cols === null) return null;
        const cells = parseCsvOrNull(text);
        if (cells === null || cells.length !== cols.length) {
          get = (name) => csvKeyCellLeniently(text, cols.indexOf(name));
        } else {
          // A NUL elsewhere in the record refuses the record, not its key: the key's cells are checked like any.
          get = (name) => {
            const c = cols.indexOf(name);
            return c < 0 ? undefined : cells[c];
          };
        }
      } else {
        const obj = parseJsonOrNull(text);
        if (obj === null) get = (name) => jsonKeyFieldLeniently(text, name);
        else if (typeof obj !== 'object' || Array.isArray(obj) || obj === null) return null;
        // A key field named twice ({"id":"u2x","id":"u2"}): which row it stands for cannot be told (JSON.parse's
        // last value is a guess), and a guess would let a snapshot delete the row it was.
        else if (repeatedTopLevelKey(text, keyNames) !== null) return null;
        else get = (name) => (obj as Record<string, unknown>)[name];
      }
      for (const f of keyFields) convertField(f, get(f.name), format === 'csv' ? 'csv' : 'json', NO_IDS, keyValues);
      if (isIntroductions) orderPair(keyValues);
      return keyOfValues(keyValues, keyValueIdx);
    } catch {
      return null;
    }
  };
}

/**
 * Where a line that is not JSON holds a character JSON has no use for outside a string (the `N` of `NaN`, a `'`):
 * V8 names the position of most breaks but not of an unexpected token. -1 when there is none.
 */
export function strayCharacterAt(text: string): number {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (!/[\s{}[\]:,\-+.0-9eEtrufalsn]/.test(c)) return i;
  }
  return -1;
}

/** JSON.parse, or null when the text is not JSON (a JSON `null` line is not an object either way). */
function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function parseCsvOrNull(text: string): (string | null)[] | null {
  try {
    return parseCsvRecord(text);
  } catch {
    return null;
  }
}

/**
 * A key field of a line that is not JSON, where the line still names it plainly: `"name": value` once, as an
 * object member (after `{` or `,`), its value one whole JSON token. Inside a JSON string a quote is escaped, so
 * `"name":` cannot be text of another field's value; a name met twice, or a value cut off, reads as nothing.
 * Used only to keep a mirror row a snapshot would otherwise delete, never to write one.
 */
export function jsonKeyFieldLeniently(text: string, name: string): unknown {
  const quoted = JSON.stringify(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const member = new RegExp(
    `(?:^|[{,])\\s*${quoted}\\s*:\\s*("(?:[^"\\\\]|\\\\.)*"|-?\\d[\\d.eE+-]*(?=\\s*[,}]))`,
    'g',
  );
  const found = [...text.matchAll(member)];
  if (found.length !== 1) return undefined;
  // The name spelled with an escape ("\u0069d") is the same name met again: which of the two is meant cannot be told.
  // (Names without a backslash are left to the match above; one pattern with no ambiguity keeps this linear.)
  for (const m of text.matchAll(/(?:^|[{,])\s*("(?:[^"\\]|\\.)*")\s*:/g))
    if (m[1]!.includes('\\') && parseJsonOrNull(m[1]!) === name) return undefined;
  const value = parseJsonOrNull(found[0]![1]!);
  return value === null ? undefined : value;
}

/**
 * A key cell of a CSV record that does not parse or has the wrong number of cells (a quote opened and never
 * closed, swallowing lines): every comma before the record's first quote separates cells, so a key column among
 * those reads as it stands; one at or after the quote reads as nothing — and so does any in a record with no quote
 * at all, where a comma too many or too few may sit before the key as well as after it.
 */
export function csvKeyCellLeniently(text: string, column: number): string | undefined {
  if (column < 0) return undefined;
  const quote = text.indexOf('"');
  if (quote === -1) return undefined;
  const whole = text.slice(0, quote).split('\n')[0]!.split(',').slice(0, -1);
  return column < whole.length ? whole[column] : undefined;
}

/**
 * A header's cell as the operator can read it: quoted, with characters that show as nothing or as a plain space
 * written as escapes. A second BOM (a tool that adds one to text already starting with one), a zero-width or a no-break
 * space would otherwise be refused as `column "id" … (did you mean "id"?)` (the first holding the BOM): two names that
 * look the same.
 */
function visibly(name: string): string {
  return JSON.stringify(name).replace(/[\p{Cf}\p{Z}]/gu, (c) =>
    c === ' ' ? c : `\\u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`,
  );
}

/**
 * What is wrong with a CSV file's header, or null: it must parse, name each column once, name only the format's
 * fields and every one of them (a column left out is not a column of nulls: fields.ts). A header is the file's, not
 * a row's: with it wrong no row can be read (its key neither — a snapshot would take every row of the table for
 * deleted), so the import refuses the file whole before anything is written (index.ts); the parser checks again in
 * case the file changed since.
 */
function csvHeaderProblem(spec: TableSpec, text: string): string | null {
  let cells: (string | null)[];
  try {
    cells = parseCsvRecord(text);
  } catch (err) {
    if (err instanceof RowProblem) return `the header does not parse as CSV (${err.message})`;
    throw err;
  }
  const seen = new Set<string>();
  for (const cell of cells) {
    const name = cell ?? '';
    const shown = visibly(capChars(name, 64));
    if (seen.has(name)) return `column ${shown} appears twice in the header`;
    seen.add(name);
    if (!spec.fields.some((f) => f.name === name)) {
      const near = spec.fields.find((f) => f.name.toLowerCase() === name.trim().toLowerCase());
      return `the header names a column ${shown} that ${spec.name} does not have${near ? ` (did you mean "${near.name}"?)` : ''}; its columns are ${spec.fields.map((f) => f.name).join(', ')}`;
    }
  }
  const missing = spec.fields.filter((f) => !seen.has(f.name)).map((f) => f.name);
  if (missing.length > 0) return `the header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
  return null;
}

/** Refuses the export (BAD_EXPORT, naming the file and line) when the CSV header at `line` cannot be used. */
export function checkCsvHeader(spec: TableSpec, file: string, text: string, line: number): void {
  const problem = csvHeaderProblem(spec, text);
  if (problem !== null) throw new DomainError('BAD_EXPORT', `${file} line ${line}: ${problem}; nothing was imported`);
}

/** Where the JSON string opening at `start` (a quote) closes: the index of its closing quote. */
export function closingQuote(text: string, start: number): number {
  let end = start + 1;
  for (; end < text.length; end++) {
    const e = text.charCodeAt(end);
    if (e === 0x5c) end++;
    else if (e === 0x22) break;
  }
  return end;
}

/**
 * The name a JSON string names when it is an object's key (a colon follows it), escapes read; null for a value. The
 * string opens at `start` and closes at `end` (closingQuote). The scans of valid JSON text below and the manifest's
 * (manifest.ts) read keys this one way.
 */
export function jsonKeyAt(text: string, start: number, end: number): string | null {
  let next = end + 1;
  while (next < text.length && text.charCodeAt(next) <= 0x20) next++;
  if (text.charCodeAt(next) !== 0x3a) return null;
  const raw = text.slice(start + 1, end);
  return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
}

/**
 * The first key a JSON object's text names twice at its top level, or null. JSON.parse keeps the last value without
 * a word, but which one the writer meant cannot be told (RFC 8259: names SHOULD be unique), so such a row is refused.
 * `text` is known to be valid JSON holding one object, so the scan only tracks strings and nesting. `only`: the first
 * of these keys named twice (others may repeat).
 */
export function repeatedTopLevelKey(text: string, only?: ReadonlySet<string>): string | null {
  const keys = new Set<string>();
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x22) {
      const end = closingQuote(text, i);
      const key = depth === 1 ? jsonKeyAt(text, i, end) : null;
      if (key !== null) {
        if (keys.has(key) && (only === undefined || only.has(key))) return key;
        keys.add(key);
      }
      i = end;
    }
  }
  return null;
}

/**
 * The text of each number a JSON object's text holds as a top-level value that is written with a fraction or an
 * exponent, by key (a plain integer reads exactly as JSON.parse reads it and is left out). `text` is known to be valid
 * JSON holding one object.
 */
export function writtenNumbers(text: string): Map<string, string> {
  const found = new Map<string, string>();
  let depth = 0;
  let key: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x22) {
      const end = closingQuote(text, i);
      // A number is a value, so it follows its key: values that are strings leave the key as it was.
      if (depth === 1) key = jsonKeyAt(text, i, end) ?? key;
      i = end;
    } else if (depth === 1 && key !== null && (c === 0x2d || (c >= 0x30 && c <= 0x39))) {
      let end = i + 1;
      let written = false; // a fraction or an exponent
      for (; end < text.length; end++) {
        const d = text.charCodeAt(end);
        if (d === 0x2e || d === 0x65 || d === 0x45) written = true;
        else if (!(d === 0x2b || d === 0x2d || (d >= 0x30 && d <= 0x39))) break;
      }
      if (written) found.set(key, text.slice(i, end));
      i = end - 1;
    }
  }
  return found;
}

/** Reads the file's records and hands each, accepted or refused, to `sink`, in file order. Returns the records read. */
export function parseRecords(o: ParseOptions, sink: ParsedSink): number {
  const { spec, knownIds } = o;
  const fields = spec.fields;
  const fieldNames = new Set(fields.map((f) => f.name));
  const isIntroductions = spec.table === 'introductions';
  let read = 0;

  // CSV: the header row maps columns to fields. fieldCol[i] = column of field i, or -1 when the header lacks it.
  let header: string[] | null = null;
  let fieldCol: number[] = [];
  let fastRow: CsvFastRow | null = null;
  const keyOfRecord = recordKeyReader(spec, o.format, () => header);

  const values: SqlValue[] = [];
  const jsonFastRow = o.format === 'csv' || !o.fastPaths ? null : compileJsonlFastPath(fields, knownIds);
  const rowFromJson = (text: string, unterminated: boolean): void => {
    // The fast path writes exactly the row's columns from index 0, so `values` needs no reset for it.
    if (jsonFastRow !== null && jsonFastRow(text, values)) return;
    values.length = 0;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (err) {
      if (unterminated)
        throw new RowProblem('truncated', null, 'the last line has no newline and is not complete JSON (cut off?)');
      // The parser's own message quotes the line; only where it broke is kept (see typeName in fields.ts).
      const said = /position (\d+)/.exec((err as Error).message);
      const at = said ? Number(said[1]) : strayCharacterAt(text);
      throw new RowProblem(
        'bad_json',
        null,
        at >= 0 ? `not valid JSON (breaks at character ${at + 1})` : 'not valid JSON',
      );
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
      throw new RowProblem('bad_json', null, 'a line must be one JSON object');
    const row = obj as Record<string, unknown>;
    const repeated = repeatedTopLevelKey(text);
    if (repeated !== null)
      throw new RowProblem(
        'bad_json',
        fieldNames.has(repeated) ? repeated : null,
        `key "${capChars(repeated, 64)}" appears twice in the object: which value is meant cannot be told`,
      );
    for (const k in row)
      if (!fieldNames.has(k)) throw new RowProblem('unknown_field', k, `unknown field "${capChars(k, 64)}"`);
    // JSON.parse reads 1400.00000000000001 as 1400: where a number is written with a fraction or exponent, its text
    // goes along, so an integer field refuses it as CSV does (fields.ts).
    const written = /\d[.eE]/.test(text) ? writtenNumbers(text) : null;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      convertField(f, row[f.name], 'json', knownIds, values, written?.get(f.name));
    }
  };
  const rowFromCsv = (text: string, unterminated: boolean): void => {
    // JSON cannot carry a raw NUL (the parser refuses it); a CSV cell must not smuggle one in either.
    if (text.includes('\0')) throw new RowProblem('bad_csv', null, 'the record contains a NUL byte');
    // A JSON line cut short does not parse; a CSV record cut inside its last cell does, as a shorter value.
    if (unterminated && o.writerEndsFiles)
      throw new RowProblem(
        'truncated',
        null,
        'the last record has no newline while the export’s files end with one: cut off (its last value may be short)?',
      );
    // The fast path writes exactly the row's columns from index 0, so `values` needs no reset for it.
    // A CR outside quotes refuses the record (csv.ts); the fast path leaves every record holding one to the general path.
    if (fastRow !== null && text.indexOf('\r') === -1 && fastRow(text, values)) return;
    values.length = 0;
    let cells: (string | null)[];
    try {
      cells = parseCsvRecord(text);
    } catch (err) {
      if (unterminated && err instanceof RowProblem)
        throw new RowProblem('truncated', null, `the last record has no newline and does not parse (${err.message})`);
      throw err;
    }
    if (cells.length !== header!.length) {
      if (unterminated)
        throw new RowProblem(
          'truncated',
          null,
          `the last record has no newline and only ${cells.length} of ${header!.length} columns`,
        );
      throw new RowProblem('bad_csv', null, `expected ${header!.length} columns as in the header, got ${cells.length}`);
    }
    for (let i = 0; i < fields.length; i++) {
      const c = fieldCol[i]!;
      convertField(fields[i]!, c < 0 ? undefined : cells[c], 'csv', knownIds, values);
    }
  };
  const readHeader = (text: string, line: number): void => {
    // The import looked the header over before writing anything (index.ts) — only as far as the first 64 KiB of the
    // file, and the file may have changed since. Met here, a header problem still stops the whole import (rolled
    // back), never refuses row by row: no row's key could be read, and a snapshot would delete them all.
    checkCsvHeader(spec, o.path, text, line);
    header = parseCsvRecord(text).map((c) => c ?? '');
    fieldCol = fields.map((f) => header!.indexOf(f.name));
    fastRow = o.fastPaths ? compileCsvFastPath(fields, header, knownIds) : null;
    sink.header(header);
  };

  const handleRecord = (text: string, line: number, unterminated: boolean, offset: number): void => {
    if (isBlankRecord(text)) return;
    if (o.format === 'csv' && header === null) {
      readHeader(text, line);
      return;
    }
    read++;
    try {
      if (o.format === 'csv') rowFromCsv(text, unterminated);
      else rowFromJson(text, unterminated);
      if (isIntroductions) orderPair(values);
    } catch (err) {
      if (!(err instanceof RowProblem)) throw err;
      if (err.field === null && !(err instanceof BareCrProblem) && swallowedLines(err.reason, text, unterminated)) {
        recoverUnclosedQuote(text, line, offset, unterminated);
        return;
      }
      // A snapshot keeps the mirror's previous version of a row refused for its content, where its key can be read.
      // Not for an unknown reference: what the row names is not in the mirror (a snapshot may just have erased
      // it), so its previous version cannot stand either.
      const key = o.snapshot && err.reason !== 'unknown_reference' ? keyOfRecord(text) : null;
      sink.refused(line, offset, err.reason, err.field, err.message, capChars(text, RAW_EXCERPT_CHARS), key);
      return;
    }
    sink.row(values, line, offset);
  };
  /**
   * A CSV record that spans lines and does not have the header's columns is almost always a quote opened and
   * never closed: everything up to the next quote was swallowed. Only its first line is refused; the lines it
   * swallowed are read again one by one, so the good rows among them are not lost with it.
   */
  /**
   * Whether a refused CSV record is lines swallowed by a quote: it spans lines and broke as CSV — or, as the file's
   * last record with no newline after it, broke at all and holds more than the line it started on (a quote opened
   * and never closed up to the end of the file). A last record whose quote merely stays open over its own line's
   * end stays one `truncated` record: a writer cut off inside a memo.
   */
  const swallowedLines = (reason: QuarantineReason, text: string, unterminated: boolean): boolean => {
    if (o.format !== 'csv') return false;
    const nl = text.indexOf('\n');
    if (nl === -1) return false;
    if (reason === 'bad_csv') return true;
    return unterminated && reason === 'truncated' && text.slice(nl + 1).trim() !== '';
  };
  const recoverUnclosedQuote = (text: string, line: number, offset: number, unterminated: boolean): void => {
    const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
    sink.refused(
      line,
      offset,
      'bad_csv',
      null,
      `a quote opened on this line is never closed (it ran over ${lines.length} lines); the lines after it were read on their own`,
      capChars(lines[0]!, RAW_EXCERPT_CHARS),
      // Read from the whole record, as reading it again at its offset does (key-set.ts compares the two).
      o.snapshot ? keyOfRecord(text) : null,
    );
    // Offsets of the swallowed lines, for reading one again (its bytes: the line and its newline).
    const raw = text.split('\n');
    let at = offset;
    for (let i = 1; i < lines.length; i++) {
      at += Buffer.byteLength(raw[i - 1]!, 'utf8') + 1;
      handleRecord(lines[i]!, line + i, unterminated && i === lines.length - 1, at);
    }
  };

  readRecords(o.path, o.format === 'csv', {
    record: handleRecord,
    problem(reason, line, excerpt) {
      read++;
      const message =
        reason === 'invalid_utf8' ? 'the line is not valid UTF-8' : 'the line is longer than 1 MiB and was skipped';
      sink.refused(line, -1, reason, null, message, capChars(excerpt, RAW_EXCERPT_CHARS), null);
    },
    chunk: (bytesRead, totalBytes) => sink.chunk(bytesRead, totalBytes),
  });
  return read;
}
