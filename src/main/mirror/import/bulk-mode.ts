import { type Db, withForeignKeysOff, withPragma } from '../../db/database';

/**
 * Secondary indexes of a table, dropped before a bulk load and rebuilt after it, in the same transaction. Adding
 * millions of rows one by one to indexes keyed on random values (user_id, paid_at) touches a random page per row;
 * CREATE INDEX sorts once instead. Only worth it when the load is large next to what the table already holds.
 * Definitions are read from sqlite_master, so indexes later migrations add are rebuilt exactly as they were.
 */
export interface DroppedIndexes {
  table: string;
  definitions: string[];
}

/** Drop only when the incoming rows are at least this many, and at least half the table's current size. */
export const BULK_MIN_ROWS = 50_000;
/**
 * Into a table that already has rows, most of a file may change nothing (the next snapshot of the same data: its
 * upsert writes only rows that differ), and then rebuilding the indexes costs far more than the few rows written
 * would (the 100,000-user second snapshot: ~5 s to rebuild the transactions index for 1 % changed). So there the
 * decision waits until this many rows were accepted, and drops only if at least half of them were written.
 */
export const BULK_DECIDE_AFTER_ROWS = 50_000;

const sql = {
  indexes: `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name`,
  trigger: `SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ? AND tbl_name = ?`,
};

export function shouldDropIndexes(incomingRows: number, existingRows: number): boolean {
  return incomingRows >= BULK_MIN_ROWS && incomingRows * 2 >= existingRows;
}

/** For a table that had rows: after BULK_DECIDE_AFTER_ROWS accepted, were enough of them written to drop? */
export function shouldDropIndexesMidway(accepted: number, written: number): boolean {
  return written * 2 >= accepted;
}

/** An identifier as SQL text, quoted. */
const quoted = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * The table's UNIQUE indexes made by CREATE UNIQUE INDEX, with their columns: the unique ones a bulk load may drop
 * (a primary key's or a UNIQUE constraint's index cannot be dropped).
 */
export function createdUniqueIndexes(db: Db, table: string): { name: string; columns: string[] }[] {
  return (db.pragma(`index_list(${quoted(table)})`) as { name: string; unique: number; origin: string }[])
    .filter((i) => i.unique === 1 && i.origin === 'c')
    .map((i) => ({
      name: i.name,
      columns: (db.pragma(`index_info(${quoted(i.name)})`) as { name: string }[]).map((c) => c.name),
    }));
}

/**
 * Drops the table's secondary indexes. A UNIQUE index is kept unless `unique` is asked for: it is what upserts
 * conflict on and what refuses a key twice, so only a load into an empty table that checks its keys when the index
 * is built again may drop it (file-importer.ts); the key's index is then rebuilt first (see rebuildIndexes).
 */
export function dropSecondaryIndexes(db: Db, table: string, options: { unique?: boolean } = {}): DroppedIndexes {
  const uniqueNames = new Set(createdUniqueIndexes(db, table).map((i) => i.name));
  const rows = (db.prepare(sql.indexes).all(table) as { name: string; sql: string }[]).filter(
    (r) => options.unique === true || !uniqueNames.has(r.name),
  );
  for (const r of rows) db.exec(`DROP INDEX ${quoted(r.name)}`);
  // Unique ones first: if one refuses the rows, nothing is spent building the others.
  const ordered = [...rows.filter((r) => uniqueNames.has(r.name)), ...rows.filter((r) => !uniqueNames.has(r.name))];
  return { table, definitions: ordered.map((r) => r.sql) };
}

/**
 * Page cache while CREATE INDEX sorts, in KiB. SQLite sizes the sorter's in-memory runs by the page cache (one run
 * per cache's worth of entries, each sorted in memory, then merged from temp files). A run that fits the CPU's caches
 * sorts far faster than one the size of the import cache: measured on 1.47M transactions (30k users), the
 * transactions(user_id, paid_at) build took 2.2 s with 64 MiB runs, 1.6 s with 16 MiB and 1.1 s at 1–3 MiB (the
 * sorter's floor is 250 pages). The new index is written in key order, so it needs no larger cache either.
 */
export const INDEX_BUILD_CACHE_KIB = 2048;

/** Helper threads SQLite's sorter may use while CREATE INDEX sorts (`PRAGMA threads`). */
export const INDEX_BUILD_SORTER_THREADS = 1;

export function rebuildIndexes(db: Db, dropped: DroppedIndexes): void {
  withPageCache(db, INDEX_BUILD_CACHE_KIB, () => {
    // One helper thread for the sort's runs: the 100,000-user transactions index built in 4.8–4.9 s against 5.2–5.6 s
    // alone (two alternating pairs). It is SQLite's own, started from the importing thread, so it inherits its nice
    // value: beside a busy console it takes only what the console leaves idle.
    withPragma(db, 'threads', INDEX_BUILD_SORTER_THREADS, () => {
      for (const definition of dropped.definitions) db.exec(definition);
    });
  });
}

/**
 * An id table's key trigger (fields.ts KEY_TRIGGERS: users, merchants), dropped while a bulk load fills the table
 * from empty and made again after it. Fired once a row, the trigger looked the id up in its key table, inserted it
 * there at a random place of the key table's id index, and read and wrote AUTOINCREMENT's counter: a province's
 * million users took 15.2–15.7 s in SQLite with it against 7.8–8.2 s without it plus the keys made afterwards by one
 * statement in id order (which appends to that index). The keys then follow the ids' order, not the file's: a key is
 * any number that stands for one id for ever, whatever its order.
 */
export interface DroppedKeyTrigger {
  table: string;
  keyTable: string;
  definition: string;
}

export function dropKeyTrigger(db: Db, table: string, keyTable: string, trigger: string): DroppedKeyTrigger {
  const definition = db.prepare(sql.trigger).pluck().get(trigger, table) as string | undefined;
  if (definition === undefined) throw new Error(`the mirror has no trigger ${trigger} on ${table}`);
  db.exec(`DROP TRIGGER ${quoted(trigger)}`);
  return { table, keyTable, definition };
}

/** Makes each id of the table that has no key its key, in id order, then the trigger again. */
export function restoreKeyTrigger(db: Db, dropped: DroppedKeyTrigger): void {
  const [t, k] = [quoted(dropped.table), quoted(dropped.keyTable)];
  // NOT EXISTS: an id whose key outlived its row keeps that key, as the trigger would have kept it.
  db.exec(`INSERT INTO ${k} (id) SELECT id FROM ${t} WHERE NOT EXISTS (SELECT 1 FROM ${k} WHERE ${k}.id = ${t}.id)
           ORDER BY id`);
  db.exec(dropped.definition);
}

/**
 * Runs `fn` with foreign-key enforcement off on this connection (it cannot change inside a transaction, so this
 * wraps the whole import), a larger page cache and sorts spilled to disk. Safe because the importer checks every
 * reference itself against the mirror's ids plus the ids this import accepted; FK checks would repeat two B-tree
 * lookups per row.
 */
export function withBulkPragmas<T>(db: Db, cacheKib: number, fn: () => T): T {
  return withForeignKeysOff(db, () =>
    withPageCache(db, cacheKib, () => {
      // The sorter's helper thread is asked for only while indexes are rebuilt (rebuildIndexes): with the sort runs
      // that small it is faster, where with the import's cache it had added ~60 MiB and no measurable speed.
      // The sort behind CREATE INDEX (and the statement journal) spill to temp files, not RAM: the connection's
      // temp_store=MEMORY would make peak memory grow with the rows rebuilt, and the import must stay flat.
      return withPragma(db, 'temp_store', 'FILE', fn);
    }),
  );
}

/** Runs `fn` with `kib` KiB of page cache on this connection, then gives the connection its own setting back. */
function withPageCache<T>(db: Db, kib: number, fn: () => T): T {
  return withPragma(db, 'cache_size', -kib, fn);
}

/**
 * Runs `fn` with at least `kib` KiB of page cache on this connection (nothing changes when it already has that
 * much), then gives the connection its own setting back.
 */
export function withLargerPageCache<T>(db: Db, kib: number, fn: () => T): T {
  const cache = db.pragma('cache_size', { simple: true }) as number;
  // A negative cache_size is in KiB, a positive one in pages.
  const currentKib = cache < 0 ? -cache : (cache * (db.pragma('page_size', { simple: true }) as number)) / 1024;
  return kib <= currentKib ? fn() : withPageCache(db, kib, fn);
}
