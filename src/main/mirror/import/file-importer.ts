import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database';
import { valuesPlaceholders } from '../../db/values';
import fs from 'node:fs';
import type { ProgressSink } from '../../../shared/progress';
import { DomainError } from '../../../shared/envelope';
import { say } from '../../../shared/error-says';
import { KEY_TABLES, KEY_TRIGGERS, NO_KEY, type IdTable, type KnownIds, type SqlValue } from './fields';
import {
  BULK_DECIDE_AFTER_ROWS,
  createdUniqueIndexes,
  dropKeyTrigger,
  dropSecondaryIndexes,
  rebuildIndexes,
  restoreKeyTrigger,
  withLargerPageCache,
  shouldDropIndexes,
  shouldDropIndexesMidway,
} from './bulk-mode';
import { FileKeySet, type KeyHash } from './key-set';
import { HELPER_START_WAIT_MS, IDLE_SAMPLE_MS, parseOnHelper, type ParseHelper } from './parse-thread';
import { idleCores } from '../../util/idle-cores';
import {
  keyOfValues,
  parseRecords,
  RAW_EXCERPT_CHARS,
  recordKeyReader,
  type ParsedSink,
  type ParseOptions,
} from './record-parser';
import { capChars, readRecordAt } from './record-reader';
import type { QuarantineReason } from './row-problem';
import { columnsOf, namesOwnIds, type TableSpec } from './tables';
import { NEWEST_PAYMENT, type CountedTable } from '../row-counts';
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
  /**
   * A snapshot's file only: refused records whose key could not be read at all (a line cut inside its key, not
   * UTF-8, over 1 MiB). Which mirror row such a record stands for cannot be told, so none of the file's removals is
   * made (`removed` stays 0) rather than deleting the row it might be; the next snapshot makes them.
   */
  removalsWithheld: number;
  /** Row count the manifest announced for this file, if it did. */
  expected: number | null;
  /**
   * Wall time for this file: reading, validation, writing and any index rebuild — from its turn: the helper's parsing
   * of a file handed ahead (parsedAhead) began during the file before, and counts there.
   */
  elapsedMs: number;
  /** Where its records were parsed: on the importing thread, or on a helper beside it (parse-thread.ts). */
  parsedOn: 'inline' | 'helper';
  /** The helper began parsing it while the file before was still being written (parseAhead). */
  parsedAhead: boolean;
}

/** One file imported: its summary, and its table as counted while writing it (for the kept counts: row-counts.ts). */
export interface ImportedFile extends CountedTable {
  summary: FileSummary;
}

export interface QuarantineWriter {
  (file: string, line: number, field: string | null, reason: QuarantineReason, message: string, raw: string): void;
}

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
   * twice in the file is told by the key's unique index (see `duplicatesBySqlite`). Null for other tables.
   */
  insertIgnore: Statement | null;
  insertIgnoreBatch: Statement | null;
  /** The key is a UNIQUE INDEX (not the primary key): a bulk load may drop it and check the keys as it is rebuilt. */
  keyIndexed: boolean;
  /** WITHOUT ROWID: the rows are kept in key order, so a file in another order writes at random places. */
  keyOrdered: boolean;
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
  // OR FAIL rather than the default ABORT: an ABORT statement that writes many rows needs a statement journal (a
  // copy of every page it touches, to undo its own earlier rows on a constraint error); FAIL does not (nor IGNORE,
  // which undoes nothing). Nothing is lost: any SQLite error aborts the whole import transaction anyway.
  const insertSql = (rows: number, conflict: 'FAIL' | 'IGNORE' = 'FAIL'): string =>
    `INSERT OR ${conflict} INTO ${t} (${cols.join(', ')}) VALUES ${valuesPlaceholders(cols.length, rows)}`;
  const withoutRowid = (db.pragma(`table_list(${t})`) as { wr: number }[])[0]?.wr === 1;
  // A rowid table keyed on one column: a key INSERT OR IGNORE skipped is told by its rowid (refuseIgnored).
  const oneKeyRowid = spec.key.length === 1 && !withoutRowid;
  const upsertSql = (rows: number): string =>
    `INSERT INTO ${t} (${cols.join(', ')}) VALUES ${valuesPlaceholders(cols.length, rows)}
     ON CONFLICT (${spec.key.join(', ')}) DO UPDATE SET ${rest.map((c) => `${c} = excluded.${c}`).join(', ')}
     WHERE ${rest.map((c) => `${t}.${c} IS NOT excluded.${c}`).join(' OR ')}`;
  const stmts: TableStatements = {
    upsert: db.prepare(upsertSql(1)),
    upsertBatch: db.prepare(upsertSql(BATCH_ROWS)),
    insert: db.prepare(insertSql(1)),
    insertBatch: db.prepare(insertSql(BATCH_ROWS)),
    insertIgnore: oneKeyRowid ? db.prepare(insertSql(1, 'IGNORE')) : null,
    insertIgnoreBatch: oneKeyRowid ? db.prepare(insertSql(BATCH_ROWS, 'IGNORE')) : null,
    keyIndexed: !withoutRowid && createdUniqueIndexes(db, t).some((i) => i.columns.join() === spec.key.join()),
    keyOrdered: withoutRowid,
    rowidOf: oneKeyRowid ? db.prepare(`SELECT rowid FROM ${t} WHERE ${spec.key[0]} = ?`).pluck() : null,
    count: db.prepare(`SELECT count(*) FROM ${t}`).pluck(),
    deleteAbsent: db.prepare(`DELETE FROM ${t} WHERE NOT ${SNAPSHOT_HOLDS}(0, ${spec.key.join(', ')})`),
    deleteAbsentExactly: db.prepare(`DELETE FROM ${t} WHERE NOT ${SNAPSHOT_HOLDS}(1, ${spec.key.join(', ')})`),
  };
  perDb.set(spec.table, stmts);
  return stmts;
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
  knownIds: KnownIds;
  /** Ids a snapshot's users or merchants file erased (rows the mirror held and the file lacks), added to as removed. */
  erased: Record<IdTable, string[]>;
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
  /** The export's files end with a newline (ParseOptions.writerEndsFiles). */
  writerEndsFiles: boolean;
  /** The import's parsing helper, for a big file (parse-thread.ts: one per import, started with it). */
  parseHelper: () => ParseHelper;
  /** Tests only: a weaker hash, to make keys collide and prove collisions are told apart exactly. */
  keyHash?: KeyHash;
  /**
   * Tests only: parse files at least this big on a helper thread, however busy the machine (default: parseOnHelper).
   */
  parseThreadMinBytes?: number;
  /** The helper was handed this file ahead (parseAhead, by the file before): its parsing has begun. */
  parsedAhead: boolean;
  /**
   * Called once this file's records are all read, before its indexes are built: hands the import's next file to the
   * helper (parseAhead) and says whether it did. Absent when there is no next file or this one changes the known ids.
   */
  parseNextAhead?: () => boolean;
}

/** What parseRecords is given for the file, wherever it runs. */
function parseOptionsOf(o: ImportFileOptions): ParseOptions {
  return {
    spec: o.spec,
    path: o.path,
    format: o.format,
    knownIds: o.knownIds,
    snapshot: o.snapshot,
    fastPaths: o.fastPaths,
    writerEndsFiles: o.writerEndsFiles,
  };
}

/** Should the file be parsed on the helper (parseOnHelper, or always for a test's parseThreadMinBytes)? */
function helperShouldParse(o: ImportFileOptions): boolean {
  return parseOnHelper(
    { sizeBytes: o.sizeBytes, namesOwnIds: namesOwnIds(o.spec) },
    o.parseThreadMinBytes === undefined
      ? () => (o.parseHelper().waitStarted(HELPER_START_WAIT_MS), idleCores(IDLE_SAMPLE_MS))
      : () => Infinity,
    o.parseThreadMinBytes,
  );
}

/**
 * Hands the file to the helper before its turn, while the import's thread still writes the file before (parse-
 * thread.ts, parseAhead), when it would go to the helper at its turn. Returns whether it did. The machine's idle cores
 * are sampled now, up to an index build (a province's transactions: ~60 s) before the turn; SQLite's sorter may take
 * a second thread during that build (bulk-mode.ts), and both run at the import's background priority, so the
 * console's own work still comes first.
 */
export function parseAhead(o: ImportFileOptions): boolean {
  if (!helperShouldParse(o)) return false;
  o.parseHelper().parseAhead(parseOptionsOf(o), columnsOf(o.spec).length);
  return true;
}

/**
 * Streams one export file into its mirror table inside the caller's transaction: validates every record,
 * upserts the good ones and hands the bad ones to `quarantine`; for a snapshot, then deletes the rows the file
 * lacks. Throws for I/O errors, cancel, and a snapshot file whose row count is not the manifest's
 * (MANIFEST_MISMATCH: the caller's transaction then rolls everything back).
 */
export function importFile(o: ImportFileOptions): ImportedFile {
  if (!statementsFor(o.db, o.spec).keyOrdered) return importFileAttempts(o);
  return withLargerPageCache(o.db, Math.min(KEY_ORDERED_CACHE_MAX_KIB, Math.ceil(o.sizeBytes / 1024)), () =>
    importFileAttempts(o),
  );
}

/**
 * A table kept in key order (WITHOUT ROWID: users, consents, blocks, introductions) takes each row of a file in
 * another order at a random place of its B-tree, so its pages are read back again and again once the table outgrows
 * the import's page cache. For a big file the cache grows to the file's size, up to this: a province's users took
 * 10.9–11.2 s with it against 11.6–12.8 s in 64 MiB, its exposures (6.66 M rows, 563 MB file; kept in key order until
 * migration 015) 17.9–19.0 s against 23.2–23.7 (alternating runs). A city's files stay in the import's cache.
 */
export const KEY_ORDERED_CACHE_MAX_KIB = 512 * 1024;

function importFileAttempts(o: ImportFileOptions): ImportedFile {
  const stmts = statementsFor(o.db, o.spec);
  // Only a file whose keys may be checked when the key's index is built again needs a second attempt. A savepoint
  // makes SQLite copy every existing page a write touches into a sub-journal (measured: a second snapshot's 600,000
  // transactions wrote 195 MiB with one, 101 without), so the others run without one.
  const before = stmts.count.get() as number;
  // The next file is handed ahead once, by the first reading.
  let nextAhead = false;
  const first: Reading = {
    ...o,
    parseNextAhead: o.parseNextAhead && (() => (nextAhead = o.parseNextAhead!())),
    helperFree: true,
  };
  if (!(stmts.keyIndexed && before === 0)) return importFileOnce(first, false, before);
  const started = performance.now();
  // Each attempt in a savepoint of the caller's transaction: an attempt that finds a key twice only when its key's
  // index is built again leaves nothing behind (the table was empty: nothing to copy), and the file is read again
  // checking each row's key as it comes.
  const attempt = o.db.transaction((reading: Reading, keysCheckedAtBuild: boolean) =>
    importFileOnce(reading, keysCheckedAtBuild, 0),
  );
  try {
    return attempt(first, true);
  } catch (e) {
    if (!(e instanceof KeyGivenTwice)) throw e;
    // Read again inline when the helper has moved on to the next file (its batches wait for that file's turn).
    const imported = attempt({ ...o, parsedAhead: false, parseNextAhead: undefined, helperFree: !nextAhead }, false);
    imported.summary.elapsedMs = Math.round(performance.now() - started); // both readings
    return imported;
  }
}

/** The key's unique index, built again after a bulk load, refused the rows: some key is in the file twice. */
class KeyGivenTwice extends Error {}

/** One reading of a file: its options, and whether the helper may take it (not when it reads the next file ahead). */
interface Reading extends ImportFileOptions {
  helperFree: boolean;
}

/**
 * One reading of the file. `keysCheckedAtBuild`: a bulk load into an empty table whose key is a UNIQUE INDEX (the
 * upstream row tables, migration 014) drops that index with the others and writes every accepted row without a key
 * lookup; building the index afterwards is then the check that no key came twice — true of any export but a broken
 * one, which costs a second reading (importFileAttempts). `before`: the rows the table held when the file began.
 */
function importFileOnce(o: Reading, keysCheckedAtBuild: boolean, before: number): ImportedFile {
  const { spec, fileName, knownIds } = o;
  const stmts = statementsFor(o.db, spec);
  const cols = columnsOf(spec);
  const keyIdx = spec.key.map((k) => cols.indexOf(k));
  const providesIdx = spec.provides ? cols.indexOf('id') : -1;
  const started = performance.now();
  const summary: FileSummary = {
    format: o.format,
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    quarantined: 0,
    removed: 0,
    removalsWithheld: 0,
    expected: o.expected,
    elapsedMs: 0,
    parsedOn: 'inline',
    parsedAhead: o.parsedAhead,
  };
  // Empty table: nothing in the mirror can conflict, so plain INSERTs do (no upsert work), and every accepted row is
  // an inserted one — no count afterwards either.
  const insertOnly = before === 0;
  // How many rows to plan for: the manifest's count is a hint, never trusted beyond what the file's size allows
  // (a row is at least ~16 bytes), so a wrong or hostile count cannot make us reserve gigabytes or drop indexes.
  const bySize = Math.ceil(o.sizeBytes / 16);
  const incoming = Math.min(o.expected ?? Math.round(o.sizeBytes / 64), bySize);
  // An empty table drops its indexes at once; one with rows only once the file shows it really writes most rows.
  const bulk = shouldDropIndexes(incoming, before);
  // An empty rowid table whose key is a unique index (transactions, transfers, greetings, reports by their id;
  // exposures by user and place) holds exactly the rows this file accepted so far. A bulk load into it checks the keys
  // when the key's unique index is built again (no key lookup per row at all, see importFileOnce). Otherwise, keyed
  // on one column, a key twice in the file is one the key's index already holds: INSERT OR IGNORE skips the later
  // row, and the rare batch that wrote fewer rows than it had is looked over (refuseIgnored). Either way the file's
  // key set, a hash and a random probe per row (10 % of a big file's import) and 16 bytes a row, is not needed: only
  // a snapshot's removals and upserts into a table with rows ask it anything.
  const keysAtBuild = keysCheckedAtBuild && insertOnly && bulk && stmts.keyIndexed;
  const duplicatesBySqlite = insertOnly && stmts.insertIgnoreBatch !== null && !keysAtBuild;
  const writeOne = duplicatesBySqlite ? stmts.insertIgnore! : insertOnly ? stmts.insert : stmts.upsert;
  const writeBatch = duplicatesBySqlite ? stmts.insertIgnoreBatch! : insertOnly ? stmts.insertBatch : stmts.upsertBatch;
  let dropped = bulk && insertOnly ? dropSecondaryIndexes(o.db, spec.table, { unique: keysAtBuild }) : null;
  // Users or merchants into an empty table: their keys are made after the rows, at once (bulk-mode.ts).
  const keyTrigger =
    bulk && insertOnly && spec.provides
      ? dropKeyTrigger(o.db, spec.table, KEY_TABLES[spec.provides], KEY_TRIGGERS[spec.provides])
      : null;
  let decideMidway = bulk && !insertOnly;
  // A second handle on the file, to read a record again by its offset when two keys share a hash.
  const rereadFd = openCallerFile(o.path, CALLER_FILE_MAX_BYTES.exportFile).fd;
  const keyAt = (offset: number): string | null => {
    const text = readRecordAt(rereadFd, offset, o.format === 'csv');
    return text === undefined ? null : keyOfRecord(text);
  };
  // The file's key set: for a table with rows (duplicates, and a snapshot's removals) or one keyed on several columns.
  const keysBySet = !duplicatesBySqlite && !keysAtBuild;
  const seen = new FileKeySet(keysBySet ? incoming : 0, keyAt, o.keyHash);
  let changed = 0;
  let accepted = 0;

  // A CSV file's header, once the parser has read it: to read a record's key again by its offset.
  let header: string[] | null = null;
  const keyOfRecord = recordKeyReader(spec, o.format, () => header);

  const quarantine = (line: number, field: string | null, reason: QuarantineReason, message: string, raw: string) => {
    summary.quarantined++;
    o.quarantine(
      fileName,
      line,
      field,
      reason,
      `${fileName} line ${line}${field ? `, field ${field}` : ''}: ${message}`,
      raw,
    );
  };
  const rawAt = (offset: number): string =>
    capChars(readRecordAt(rereadFd, offset, o.format === 'csv') ?? '', RAW_EXCERPT_CHARS);

  const width = cols.length;
  // Accepted rows waiting for the next multi-row write, flattened column by column; reused, never reallocated.
  const pending: SqlValue[] = new Array<SqlValue>(BATCH_ROWS * width).fill(null);
  let pendingRows = 0;
  // The newest payment among the rows accepted (the mirror keeps it: row-counts.ts), when this is its table.
  const newestCol = spec.table === NEWEST_PAYMENT.table ? cols.indexOf(NEWEST_PAYMENT.column) : -1;
  let newest = -Infinity;
  let newestKnown = true;
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
    if (duplicatesBySqlite && written < pendingRows) {
      refuseIgnored(written > 0 ? firstRowid : -1);
      newestKnown = false; // which of the rows were written is no longer one comparison away
    } else if (newestCol >= 0)
      for (let r = 0; r < pendingRows; r++) newest = Math.max(newest, pending[r * width + newestCol] as number);
    changed += written;
    pendingRows = 0;
    if (decideMidway && accepted >= BULK_DECIDE_AFTER_ROWS) {
      decideMidway = false;
      if (shouldDropIndexesMidway(accepted, changed)) dropped = dropSecondaryIndexes(o.db, spec.table);
    }
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
      refuseDuplicate(line, key, pendingOffset[r]!);
    }
  };
  const refuseDuplicate = (line: number, key: string, offset: number): void =>
    quarantine(
      line,
      spec.key.length === 1 ? spec.key[0]! : null,
      'duplicate',
      `${spec.key.join(' + ')} ${JSON.stringify(capChars(key.replaceAll('\u0000', ' + '), 100))} appears more than once in this file`,
      rawAt(offset),
    );

  const sink: ParsedSink = {
    header(cells) {
      header = cells;
    },
    row(values, line, offset) {
      if (keysBySet) {
        const key = keyOfValues(values, keyIdx);
        if (seen.add(key, offset, true) === 'duplicate') {
          refuseDuplicate(line, key, offset);
          return;
        }
      }
      const base = pendingRows * width;
      for (let i = 0; i < width; i++) pending[base + i] = values[i]!;
      pendingLine[pendingRows] = line;
      pendingOffset[pendingRows] = offset;
      accepted++;
      if (providesIdx >= 0) {
        // A user already in the mirror keeps the key it has; a new one has none until its row is written.
        const known = knownIds[spec.provides!];
        const id = values[providesIdx] as string;
        if (!known.has(id)) known.set(ownCopy(id), NO_KEY);
      }
      if (++pendingRows === BATCH_ROWS) flush();
    },
    refused(line, offset, reason, field, message, raw, key) {
      quarantine(line, field, reason, message, raw);
      if (key !== null) seen.add(key, offset, false);
      // An unknown reference has no key on purpose: what it names is gone, so its previous version goes too.
      else if (o.snapshot && reason !== 'unknown_reference') summary.removalsWithheld++;
    },
    chunk(bytesRead, totalBytes) {
      o.progress.report(fileName, bytesRead, totalBytes);
      o.progress.throwIfCancelled();
    },
  };
  const parse = parseOptionsOf(o);

  try {
    const onThread = o.parsedAhead || (o.helperFree && helperShouldParse(o));
    summary.parsedOn = onThread ? 'helper' : 'inline';
    summary.read = onThread ? o.parseHelper().parse(parse, width, sink, o.progress) : parseRecords(parse, sink);
    // The helper is idle from here on: the next file's parsing may begin while this one's indexes are built (the
    // long stretch of one thread alone). Not after upserts into a table with rows that keeps its indexes: such a file
    // goes at the importing thread's pace, not the helper's, and what was read ahead would only wait in memory.
    if (insertOnly || dropped) o.parseNextAhead?.();
    flush();
    if (o.snapshot) {
      // A short or padded file would delete real rows or keep deleted ones: refuse the snapshot whole.
      if (o.expected === null) throw manifestUndeclared(fileName);
      if (o.expected !== summary.read) throw manifestMismatch(fileName, o.expected, summary.read);
      // A table that was empty holds nothing the file could lack.
      if (!insertOnly && summary.removalsWithheld === 0) {
        o.progress.report(`${fileName}: removing`, 0, null);
        summary.removed = deleteAbsent(
          stmts,
          seen,
          spec.provides ? { known: knownIds[spec.provides], erased: o.erased[spec.provides] } : null,
        );
      }
    }
  } finally {
    fs.closeSync(rereadFd);
  }
  if (dropped) {
    o.progress.report(`${fileName}: indexing`, 0, null);
    try {
      rebuildIndexes(o.db, dropped);
    } catch (e) {
      if (keysAtBuild && (e as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new KeyGivenTwice();
      throw e;
    }
  }
  if (keyTrigger) restoreKeyTrigger(o.db, keyTrigger);
  // Into an empty table every row written is an inserted one; otherwise the table is counted once more.
  const rows = insertOnly ? changed : (stmts.count.get() as number);
  summary.inserted = rows + summary.removed - before;
  summary.updated = changed - summary.inserted;
  summary.unchanged = accepted - changed;
  summary.elapsedMs = Math.round(performance.now() - started);
  if (newestCol < 0) return { summary, rows };
  const onlyAdded = newestKnown && summary.updated === 0 && summary.removed === 0;
  return { summary, rows, newest: { accepted: newest === -Infinity ? null : newest, onlyAdded, heldBefore: before } };
}

/**
 * The id as a string of its own. A fast path cuts an id out of its line with `slice`, and V8 keeps a cut of 13
 * characters or more as a view of the whole line: kept in the known ids for the rest of the import, each id kept its
 * user's line alive (a nickname in Chinese makes it ~600 bytes) — 90 MiB more at 100,000 users (361-365 -> 451-458
 * MiB peak), ~500 MiB at a million. Through UTF-8 and back the copy holds only its own characters; a validated id
 * has no lone surrogate, so the copy is exact.
 */
function ownCopy(id: string): string {
  return Buffer.from(id, 'utf8').toString('utf8');
}

/** MANIFEST_MISMATCH for a snapshot's file: which file, what the manifest declares, what it holds. */
export function manifestMismatch(fileName: string, declared: number, read: number): DomainError {
  return new DomainError(
    'MANIFEST_MISMATCH',
    `${fileName}: the manifest declares ${declared} rows, the file holds ${read}; a snapshot whose files are short or padded would delete real rows, so nothing was imported`,
    say('manifestMismatch', { file: fileName, declared, read }),
  );
}

/** MANIFEST_MISMATCH for a snapshot's file the manifest gives no row count (refused before any row is read). */
export function manifestUndeclared(fileName: string): DomainError {
  return new DomainError(
    'MANIFEST_MISMATCH',
    `${fileName}: the manifest declares no row count for it; a snapshot deletes what its files lack, so it must declare every file’s count to show them whole: nothing was imported`,
    say('manifestUndeclared', { file: fileName }),
  );
}

/**
 * Deletes the mirror rows whose key the snapshot's file lacks and returns how many. Ids a deleted user or
 * merchant row had are no longer known to the files after it (their rows then refer to nobody), and are handed to
 * `ids.erased` (the import then removes what other tables hold of them: erased.ts).
 */
function deleteAbsent(
  stmts: TableStatements,
  seen: FileKeySet,
  ids: { known: Map<string, number>; erased: string[] } | null,
): number {
  const gone: string[] = [];
  holdsNow = (exact, key) => {
    const held = exact ? seen.holdsExactly(key) : seen.vouches(key);
    if (!held && ids) gone.push(key);
    return held;
  };
  try {
    let removed = stmts.deleteAbsent.run().changes;
    if (seen.ambiguous()) removed += stmts.deleteAbsentExactly.run().changes;
    for (const id of gone) {
      ids!.known.delete(id);
      ids!.erased.push(id);
    }
    return removed;
  } finally {
    holdsNow = null;
  }
}
