import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database';
import fs from 'node:fs';
import type { ProgressSink } from '../../../shared/progress';
import { DomainError } from '../../../shared/envelope';
import { say } from '../../../shared/error-says';
import { parseCsvRecord } from './csv';
import { compileJsonlFastPath } from './jsonl-fast-path';
import { compileCsvFastPath, type CsvFastRow } from './csv-fast-path';
import { convertField, type FieldSpec, type IdTable, type SqlValue } from './fields';
import { dropSecondaryIndexes, rebuildIndexes, shouldDropIndexes } from './bulk-mode';
import { FileKeySet, type KeyHash } from './key-set';
import { capChars, readRecordAt, readRecords } from './record-reader';
import { RowProblem, type QuarantineReason } from './row-problem';
import { columnsOf, type TableSpec } from './tables';
import { CALLER_FILE_MAX_BYTES, openCallerFile } from '../../util/caller-file';

export interface FileSummary {
  format: 'jsonl' | 'csv';
  /** Records read (the CSV header and blank lines not counted). */
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  /**
   * Mirror rows a snapshot's file lacked, deleted (DATA-FORMAT.md, "Snapshots, increments and their order"); 0 for
   * an increment, whose rows are upserts only.
   */
  removed: number;
  /** Row count the manifest announced for this file, if it did. */
  expected: number | null;
  /** Wall time for this file: reading, validation, writing and any index rebuild. */
  elapsedMs: number;
}

export interface QuarantineWriter {
  (file: string, line: number, field: string | null, reason: QuarantineReason, message: string, raw: string): void;
}

/** Raw excerpts kept in quarantine are capped: enough to see what was wrong, not a copy of the data. */
export const RAW_EXCERPT_CHARS = 300;

/**
 * Rows per multi-row upsert. One statement per 64 rows instead of per row roughly halves the per-row cost of
 * crossing into SQLite; rows are checked for in-file duplicates before they are batched, so one statement never
 * holds the same key twice.
 */
const BATCH_ROWS = 64;

interface TableStatements {
  upsert: Statement;
  upsertBatch: Statement;
  /** Plain INSERTs for a table that was empty when the file started: no row can conflict, so no upsert work. */
  insert: Statement;
  insertBatch: Statement;
  /**
   * The same as INSERT OR IGNORE, and the rowid of a key, for an empty rowid table keyed on one column: there a key
   * twice in the file is told by SQLite's own primary key (see `duplicatesBySqlite`). Null for other tables.
   */
  insertIgnore: Statement | null;
  insertIgnoreBatch: Statement | null;
  rowidOf: Statement | null;
  count: Statement;
  /** The rows whose key the file lacks (snapshot pass 1, and pass 2 when keys shared a hash). */
  deleteAbsent: Statement;
  deleteAbsentExactly: Statement;
}

const statementCache = new WeakMap<Db, Map<string, TableStatements>>();

/**
 * SQL function `snapshot_holds(exact, key…)`: does the snapshot file being imported hold this mirror row's key?
 * Registered once per connection; it asks whichever file is being checked right now (one at a time).
 */
const SNAPSHOT_HOLDS = 'snapshot_holds';
let holdsNow: ((exact: boolean, key: string) => boolean) | null = null;
const withHolds = new WeakSet<Db>();
function registerSnapshotHolds(db: Db): void {
  if (withHolds.has(db)) return;
  withHolds.add(db);
  db.function(SNAPSHOT_HOLDS, { varargs: true, deterministic: false, directOnly: true }, (exact, ...key) => {
    if (!holdsNow) throw new Error(`${SNAPSHOT_HOLDS} called outside a snapshot import`);
    const text = key.length === 1 ? (key[0] as string) : key.map(String).join('\u0000');
    return holdsNow(exact === 1, text) ? 1 : 0;
  });
}

/**
 * The table's statements. The upsert only writes when a column differs (`WHERE … IS NOT excluded…`), so its
 * `changes` is 1 for an inserted or updated row and 0 for an unchanged one: re-importing an export is a no-op.
 */
function statementsFor(db: Db, spec: TableSpec): TableStatements {
  registerSnapshotHolds(db);
  let perDb = statementCache.get(db);
  if (!perDb) statementCache.set(db, (perDb = new Map()));
  const cached = perDb.get(spec.table);
  if (cached) return cached;
  const cols = columnsOf(spec);
  const rest = cols.filter((c) => !spec.key.includes(c));
  const t = spec.table;
  const tuple = `(${cols.map(() => '?').join(', ')})`;
  // OR FAIL rather than the default ABORT: an ABORT statement that writes many rows needs a statement journal (a
  // copy of every page it touches, to undo its own earlier rows on a constraint error); FAIL does not (nor IGNORE,
  // which undoes nothing). Nothing is lost: any SQLite error aborts the whole import transaction anyway.
  const insertSql = (rows: number, conflict: 'FAIL' | 'IGNORE' = 'FAIL'): string =>
    `INSERT OR ${conflict} INTO ${t} (${cols.join(', ')}) VALUES ${Array.from({ length: rows }, () => tuple).join(', ')}`;
  const rowidTable = spec.key.length === 1 && (db.pragma(`table_list(${t})`) as { wr: number }[])[0]?.wr === 0;
  const upsertSql = (rows: number): string =>
    `INSERT INTO ${t} (${cols.join(', ')}) VALUES ${Array.from({ length: rows }, () => tuple).join(', ')}
     ON CONFLICT (${spec.key.join(', ')}) DO UPDATE SET ${rest.map((c) => `${c} = excluded.${c}`).join(', ')}
     WHERE ${rest.map((c) => `${t}.${c} IS NOT excluded.${c}`).join(' OR ')}`;
  const stmts: TableStatements = {
    upsert: db.prepare(upsertSql(1)),
    upsertBatch: db.prepare(upsertSql(BATCH_ROWS)),
    insert: db.prepare(insertSql(1)),
    insertBatch: db.prepare(insertSql(BATCH_ROWS)),
    insertIgnore: rowidTable ? db.prepare(insertSql(1, 'IGNORE')) : null,
    insertIgnoreBatch: rowidTable ? db.prepare(insertSql(BATCH_ROWS, 'IGNORE')) : null,
    rowidOf: rowidTable ? db.prepare(`SELECT rowid FROM ${t} WHERE ${spec.key[0]} = ?`).pluck() : null,
    count: db.prepare(`SELECT count(*) FROM ${t}`).pluck(),
    deleteAbsent: db.prepare(`DELETE FROM ${t} WHERE NOT ${SNAPSHOT_HOLDS}(0, ${spec.key.join(', ')})`),
    deleteAbsentExactly: db.prepare(`DELETE FROM ${t} WHERE NOT ${SNAPSHOT_HOLDS}(1, ${spec.key.join(', ')})`),
  };
  perDb.set(spec.table, stmts);
  return stmts;
}

/** Compares as SQLite's BINARY collation does (UTF-8 bytes), which differs from JS `<` for astral characters. */
function byteOrderLess(a: string, b: string): boolean {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')) < 0;
}

export interface ImportFileOptions {
  db: Db;
  spec: TableSpec;
  path: string;
  /** File name as shown in progress, summaries and quarantine, e.g. `transactions.csv`. */
  fileName: string;
  format: 'jsonl' | 'csv';
  expected: number | null;
  sizeBytes: number;
  knownIds: Record<IdTable, Set<string>>;
  quarantine: QuarantineWriter;
  progress: ProgressSink;
  /**
   * A snapshot's file: after its rows, the table holds exactly the file's keys (a mirror row the file lacks is
   * deleted; a quarantined row whose key can be read keeps the mirror's previous version), and its row count
   * must be the manifest's.
   */
  snapshot: boolean;
  /** false: no fast path, every row through the general one (see ImportOptions.fastPaths). */
  fastPaths: boolean;
  /** Tests only: a weaker hash, to make keys collide and prove collisions are told apart exactly. */
  keyHash?: KeyHash;
}

/** Key fields read for telling rows apart: a reference is read as the id it names, known or not. */
function keyFieldsOf(spec: TableSpec): FieldSpec[] {
  return spec.key.map((k) => {
    const f = spec.fields.find((x) => x.name === k)!;
    return f.kind === 'ref' ? { name: f.name, kind: 'id' } : f;
  });
}
const NO_IDS: Record<IdTable, Set<string>> = { users: new Set(), merchants: new Set() };

/**
 * Streams one export file into its mirror table inside the caller's transaction: validates every record,
 * upserts the good ones and hands the bad ones to `quarantine`; for a snapshot, then deletes the rows the file
 * lacks. Throws for I/O errors, cancel, and a snapshot file whose row count is not the manifest's
 * (MANIFEST_MISMATCH: the caller's transaction then rolls everything back).
 */
export function importFile(o: ImportFileOptions): FileSummary {
  const { spec, fileName, knownIds } = o;
  const stmts = statementsFor(o.db, spec);
  const fields = spec.fields;
  const fieldNames = new Set(fields.map((f) => f.name));
  const cols = columnsOf(spec);
  const keyIdx = spec.key.map((k) => cols.indexOf(k));
  const providesIdx = spec.provides ? cols.indexOf('id') : -1;
  const isIntroductions = spec.table === 'introductions';
  const started = performance.now();
  const summary: FileSummary = {
    format: o.format,
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    quarantined: 0,
    removed: 0,
    expected: o.expected,
    elapsedMs: 0,
  };
  const before = stmts.count.get() as number;
  // Empty table: nothing in the mirror can conflict, so plain INSERTs do (no upsert work), and every accepted row is
  // an inserted one — no count afterwards either.
  const insertOnly = before === 0;
  // An empty rowid table keyed on one column (transactions, transfers, greetings, reports) holds exactly the rows
  // this file accepted so far, so a key twice in the file is one its primary key already holds: INSERT OR IGNORE
  // skips the later row, and the rare batch that wrote fewer rows than it had is looked over (refuseIgnored). The
  // file's key set, which costs a hash and a random probe per row (10 % of a big file's import) and 16 bytes a row,
  // is then not needed: only a snapshot's removals and upserts into a table with rows ask it anything else.
  const duplicatesBySqlite = insertOnly && stmts.insertIgnoreBatch !== null;
  const writeOne = duplicatesBySqlite ? stmts.insertIgnore! : insertOnly ? stmts.insert : stmts.upsert;
  const writeBatch = duplicatesBySqlite ? stmts.insertIgnoreBatch! : insertOnly ? stmts.insertBatch : stmts.upsertBatch;
  // How many rows to plan for: the manifest's count is a hint, never trusted beyond what the file's size allows
  // (a row is at least ~16 bytes), so a wrong or hostile count cannot make us reserve gigabytes or drop indexes.
  const bySize = Math.ceil(o.sizeBytes / 16);
  const incoming = Math.min(o.expected ?? Math.round(o.sizeBytes / 64), bySize);
  const dropped = shouldDropIndexes(incoming, before) ? dropSecondaryIndexes(o.db, spec.table) : null;
  // A second handle on the file, to read a record again by its offset when two keys share a hash.
  const rereadFd = openCallerFile(o.path, CALLER_FILE_MAX_BYTES.exportFile).fd;
  const keyAt = (offset: number): string | null => {
    const text = readRecordAt(rereadFd, offset, o.format === 'csv');
    return text === undefined ? null : keyOfRecord(text);
  };
  const seen = new FileKeySet(duplicatesBySqlite ? 0 : incoming, keyAt, o.keyHash);
  let changed = 0;
  let accepted = 0;

  // CSV: the header row maps columns to fields. fieldCol[i] = column of field i, or -1 when the header lacks it.
  let header: string[] | null = null;
  let headerProblem: RowProblem | null = null;
  let fieldCol: number[] = [];
  let fastRow: CsvFastRow | null = null;
  let extraColumn: string | null = null;

  const quarantine = (line: number, p: RowProblem, raw: string): void => {
    summary.quarantined++;
    o.quarantine(
      fileName,
      line,
      p.field,
      p.reason,
      `${fileName} line ${line}${p.field ? `, field ${p.field}` : ''}: ${p.message}`,
      capChars(raw, RAW_EXCERPT_CHARS),
    );
  };

  const values: SqlValue[] = [];
  const width = cols.length;
  // Accepted rows waiting for the next multi-row write, flattened column by column; reused, never reallocated.
  const pending: SqlValue[] = new Array<SqlValue>(BATCH_ROWS * width).fill(null);
  let pendingRows = 0;
  // Where each waiting row came from, for refusing it after the write (duplicatesBySqlite).
  const pendingLine = new Float64Array(BATCH_ROWS);
  const pendingOffset = new Float64Array(BATCH_ROWS);
  const flush = (): void => {
    let written = 0;
    let firstRowid = -1; // of the first row written: the rows a flush writes are numbered on from it, in order
    if (pendingRows === BATCH_ROWS) {
      const result = writeBatch.run(pending);
      written = result.changes;
      firstRowid = Number(result.lastInsertRowid) - written + 1;
    } else
      for (let r = 0; r < pendingRows; r++) {
        const result = writeOne.run(pending.slice(r * width, (r + 1) * width));
        if (result.changes > 0 && written === 0) firstRowid = Number(result.lastInsertRowid);
        written += result.changes;
      }
    if (duplicatesBySqlite && written < pendingRows) refuseIgnored(written > 0 ? firstRowid : -1);
    changed += written;
    pendingRows = 0;
  };
  /**
   * After INSERT OR IGNORE wrote fewer of the waiting rows than it had: the rows it wrote took the rowids from
   * `firstRowid` on, in order (-1: it wrote none), so a row whose key holds another rowid repeats an earlier row's key
   * and is refused as a duplicate, exactly as the key set would have refused it before writing. A row whose key is
   * not there at all was ignored for another constraint, which validation should have caught: the import stops, as
   * OR FAIL would have stopped it.
   */
  const refuseIgnored = (firstRowid: number): void => {
    let expected = firstRowid;
    const k = keyIdx[0]!;
    for (let r = 0; r < pendingRows; r++) {
      const key = pending[r * width + k] as string;
      const rowid = stmts.rowidOf!.get(key) as number | undefined;
      if (rowid === expected && expected !== -1) {
        expected++;
        continue;
      }
      const line = pendingLine[r]!;
      if (rowid === undefined)
        throw new Error(`${fileName} line ${line}: the mirror refused a row that passed validation`);
      accepted--;
      quarantine(line, duplicateOf(key), readRecordAt(rereadFd, pendingOffset[r]!, o.format === 'csv') ?? '');
    }
  };
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
      const at = /position (\d+)/.exec((err as Error).message);
      throw new RowProblem(
        'bad_json',
        null,
        at ? `not valid JSON (breaks at character ${Number(at[1]) + 1})` : 'not valid JSON',
      );
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
      throw new RowProblem('bad_json', null, 'a line must be one JSON object');
    const row = obj as Record<string, unknown>;
    for (const k in row)
      if (!fieldNames.has(k)) throw new RowProblem('unknown_field', k, `unknown field "${capChars(k, 64)}"`);
    for (let i = 0; i < fields.length; i++) convertField(fields[i]!, row[fields[i]!.name], 'json', knownIds, values);
  };
  const rowFromCsv = (text: string, unterminated: boolean): void => {
    if (headerProblem) throw headerProblem;
    // JSON cannot carry a raw NUL (the parser refuses it); a CSV cell must not smuggle one in either.
    if (text.includes('\0')) throw new RowProblem('bad_csv', null, 'the record contains a NUL byte');
    // The fast path writes exactly the row's columns from index 0, so `values` needs no reset for it.
    if (fastRow !== null && fastRow(text, values)) return;
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
    if (extraColumn !== null)
      throw new RowProblem('unknown_field', extraColumn, `unknown column "${capChars(extraColumn, 64)}" in the header`);
    for (let i = 0; i < fields.length; i++) {
      const c = fieldCol[i]!;
      convertField(fields[i]!, c < 0 ? undefined : cells[c], 'csv', knownIds, values);
    }
  };
  const readHeader = (text: string): void => {
    try {
      const cells = parseCsvRecord(text);
      header = cells.map((c) => c ?? '');
      const seenCols = new Set<string>();
      for (const h of header) {
        if (seenCols.has(h)) throw new RowProblem('bad_csv', h, `column "${h}" appears twice in the header`);
        seenCols.add(h);
        if (!fieldNames.has(h) && extraColumn === null) extraColumn = h;
      }
      fieldCol = fields.map((f) => header!.indexOf(f.name));
      fastRow = extraColumn === null && o.fastPaths ? compileCsvFastPath(fields, header, knownIds) : null;
    } catch (err) {
      if (!(err instanceof RowProblem)) throw err;
      headerProblem = new RowProblem('bad_csv', err.field, `unusable header: ${err.message}`);
      header = [];
    }
  };

  /** The row's key as a string (fields joined by NUL, which no accepted value holds), from converted values. */
  const keyOfValues = (v: readonly SqlValue[], idx: readonly number[]): string =>
    idx.length === 1 ? (v[idx[0]!] as string) : idx.map((i) => String(v[i])).join('\u0000');
  /** An introduction's pair is unordered; the mirror stores it as user_a < user_b. */
  const orderPair = (v: SqlValue[]): void => {
    const a = v[0] as string;
    const b = v[1] as string;
    if (a === b) throw new RowProblem('out_of_range', 'user_b', 'an introduction needs two different users');
    if (byteOrderLess(b, a)) {
      v[0] = b;
      v[1] = a;
    }
  };
  const keyFields = keyFieldsOf(spec);
  const keyValues: SqlValue[] = [];
  const keyValueIdx = keyFields.map((_, i) => i);
  /**
   * The key of a record, read from its key fields alone (null when they cannot be read): for a quarantined row,
   * whose previous version a snapshot keeps, and to tell apart two records whose keys share a hash.
   */
  const keyOfRecord = (text: string): string | null => {
    keyValues.length = 0;
    try {
      let get: (name: string) => unknown;
      if (o.format === 'csv') {
        if (header === null || headerProblem) return null;
        const cells = parseCsvRecord(text);
        if (cells.length !== header.length) return null;
        // A NUL elsewhere in the record refuses the record, not its key: the key's cells are checked like any.
        get = (name) => {
          const c = header!.indexOf(name);
          return c < 0 ? undefined : cells[c];
        };
      } else {
        const obj: unknown = JSON.parse(text);
        if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return null;
        get = (name) => (obj as Record<string, unknown>)[name];
      }
      for (const f of keyFields) convertField(f, get(f.name), o.format === 'csv' ? 'csv' : 'json', NO_IDS, keyValues);
      if (isIntroductions) orderPair(keyValues);
      return keyOfValues(keyValues, keyValueIdx);
    } catch {
      return null;
    }
  };

  const duplicateOf = (key: string): RowProblem =>
    new RowProblem(
      'duplicate',
      spec.key.length === 1 ? spec.key[0]! : null,
      `${spec.key.join(' + ')} ${JSON.stringify(capChars(key.replaceAll('\u0000', ' + '), 100))} appears more than once in this file`,
    );

  const handleRecord = (text: string, line: number, unterminated: boolean, offset: number): void => {
    if (text.length === 0 || (text.charCodeAt(0) <= 0x20 && text.trim() === '')) return;
    if (o.format === 'csv' && header === null) {
      readHeader(text);
      return;
    }
    summary.read++;
    try {
      if (o.format === 'csv') rowFromCsv(text, unterminated);
      else rowFromJson(text, unterminated);
      if (isIntroductions) orderPair(values);
      if (!duplicatesBySqlite) {
        const key = keyOfValues(values, keyIdx);
        if (seen.add(key, offset, true) === 'duplicate') throw duplicateOf(key);
      }
      const base = pendingRows * width;
      for (let i = 0; i < width; i++) pending[base + i] = values[i]!;
      pendingLine[pendingRows] = line;
      pendingOffset[pendingRows] = offset;
      if (++pendingRows === BATCH_ROWS) flush();
      accepted++;
      if (providesIdx >= 0) knownIds[spec.provides!].add(values[providesIdx] as string);
    } catch (err) {
      if (!(err instanceof RowProblem)) throw err;
      if (err.reason === 'bad_csv' && err.field === null && text.includes('\n')) {
        recoverUnclosedQuote(text, line, offset);
        return;
      }
      quarantine(line, err, text);
      // A snapshot keeps the mirror's previous version of a row refused for its content, where its key can be read.
      // Not for an unknown reference: what the row names is not in the mirror (a snapshot may just have erased
      // it), so its previous version cannot stand either.
      if (o.snapshot && err.reason !== 'duplicate' && err.reason !== 'unknown_reference') {
        const key = keyOfRecord(text);
        if (key !== null) seen.add(key, offset, false);
      }
    }
  };
  /**
   * A CSV record that spans lines and does not have the header's columns is almost always a quote opened and
   * never closed: everything up to the next quote was swallowed. Only its first line is refused; the lines it
   * swallowed are read again one by one, so the good rows among them are not lost with it.
   */
  const recoverUnclosedQuote = (text: string, line: number, offset: number): void => {
    const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
    quarantine(
      line,
      new RowProblem(
        'bad_csv',
        null,
        `a quote opened on this line is never closed (it ran over ${lines.length} lines); the lines after it were read on their own`,
      ),
      lines[0]!,
    );
    // Offsets of the swallowed lines, for reading one again (its bytes: the line and its newline).
    const raw = text.split('\n');
    let at = offset;
    for (let i = 1; i < lines.length; i++) {
      at += Buffer.byteLength(raw[i - 1]!, 'utf8') + 1;
      handleRecord(lines[i]!, line + i, false, at);
    }
  };

  try {
    readRecords(o.path, o.format === 'csv', {
      record: handleRecord,
      problem(reason, line, excerpt) {
        summary.read++;
        const message =
          reason === 'invalid_utf8' ? 'the line is not valid UTF-8' : 'the line is longer than 1 MiB and was skipped';
        quarantine(line, new RowProblem(reason, null, message), excerpt);
      },
      chunk(bytesRead, totalBytes) {
        o.progress.report(fileName, bytesRead, totalBytes);
        o.progress.throwIfCancelled();
      },
    });
    flush();
    if (o.snapshot) {
      // A short or padded file would delete real rows or keep deleted ones: refuse the snapshot whole.
      if (o.expected !== summary.read) throw manifestMismatch(fileName, o.expected, summary.read);
      // A table that was empty holds nothing the file could lack.
      if (!insertOnly) {
        o.progress.report(`${fileName}: removing`, 0, null);
        summary.removed = deleteAbsent(stmts, seen, spec.provides ? knownIds[spec.provides] : null);
      }
    }
  } finally {
    fs.closeSync(rereadFd);
  }
  if (dropped) {
    o.progress.report(`${fileName}: indexing`, 0, null);
    rebuildIndexes(o.db, dropped);
  }
  summary.inserted = insertOnly ? changed : (stmts.count.get() as number) + summary.removed - before;
  summary.updated = changed - summary.inserted;
  summary.unchanged = accepted - changed;
  summary.elapsedMs = Math.round(performance.now() - started);
  return summary;
}

/** MANIFEST_MISMATCH for a snapshot's file: which file, what the manifest declares, what it holds. */
export function manifestMismatch(fileName: string, declared: number | null, read: number): DomainError {
  const said = declared === null ? 'declares no row count for it' : `declares ${declared} rows`;
  return new DomainError(
    'MANIFEST_MISMATCH',
    `${fileName}: the manifest ${said}, the file holds ${read}; a snapshot whose files are short or padded would delete real rows, so nothing was imported`,
    declared === null
      ? say('manifestUndeclared', { file: fileName })
      : say('manifestMismatch', { file: fileName, declared, read }),
  );
}

/**
 * Deletes the mirror rows whose key the snapshot's file lacks and returns how many. Ids a deleted user or
 * merchant row had are no longer known to the files after it (their rows then refer to nobody).
 */
function deleteAbsent(stmts: TableStatements, seen: FileKeySet, known: Set<string> | null): number {
  const gone: string[] = [];
  holdsNow = (exact, key) => {
    const held = exact ? seen.holdsExactly(key) : seen.vouches(key);
    if (!held && known) gone.push(key);
    return held;
  };
  try {
    let removed = stmts.deleteAbsent.run().changes;
    if (seen.ambiguous()) removed += stmts.deleteAbsentExactly.run().changes;
    for (const id of gone) known!.delete(id);
    return removed;
  } finally {
    holdsNow = null;
  }
}
