import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { isBusy, MIRROR_LOCKED } from './busy';
import { latestSchemaVersion, migrate, SchemaTooNewError, SchemaTooOldError, schemaVersion } from './migrate';

export type Db = Database.Database;

export interface OpenOptions {
  /**
   * Open without running migrations or writing anything (status, read-only tools). The schema must then be this
   * console's (SchemaTooOldError / SchemaTooNewError otherwise), unless `anySchema` (status, which reports it).
   */
  readonly?: boolean;
  anySchema?: boolean;
  /**
   * Path to a better-sqlite3 binary built for another ABI. Electron's main sets ENCOUNTER_SQLITE_BINDING once at
   * start so every connection, worker threads included, loads the Electron build without threading it through.
   */
  nativeBinding?: string;
}

/**
 * Page size of a new mirror file, in bytes. An import writes ~5M transaction rows per 100k users; with SQLite's
 * default 4 KiB pages, each table and index B-tree splits and links twice as many pages. Measured on a realistic
 * 100k-user export (4.92M rows, 28-digit text ids, time-ordered): the transactions load took 22.7–25.3 s at 4 KiB
 * and 21.4–21.8 s at 8 KiB, no better at 16 or 32 KiB (which would make every small commit's WAL frames larger).
 */
export const NEW_FILE_PAGE_SIZE = 8192;

/** How long opening the mirror waits for another process's lock before it gives up (SQLite's busy timeout). */
export const OPEN_BUSY_TIMEOUT_MS = 5000;

/**
 * The mirror file is locked by another process for longer than opening waits: an `import --exclusive` holds it from
 * its start to its commit (mirror/import/sole-writer.ts), and a console or CLI migrating the file holds it while a
 * migration rewrites a table. Said in those words instead of SQLite's "database is locked"; nothing was changed.
 */
export class MirrorLockedError extends Error {
  readonly code = MIRROR_LOCKED;
  constructor(readonly file: string) {
    super(
      `${file}: another process holds the mirror's lock (an \`import --exclusive\` keeps it until it commits; a ` +
        `console or CLI updating the file's schema keeps it while it migrates). Nothing was changed: open it again ` +
        `once that process has finished.`,
    );
  }
}

/**
 * Opens the mirror and brings its schema up to date.
 *
 * WAL lets the UI read while a worker thread imports or matches. `synchronous=FULL` is the default for
 * every connection: operator decisions must survive kill -9 and power loss, and bulk imports are one
 * transaction each, so the extra fsync per commit costs them nothing measurable.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (!options.readonly) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const binding = options.nativeBinding ?? process.env.ENCOUNTER_SQLITE_BINDING;
  const db = new Database(file, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
    ...(binding ? { nativeBinding: binding } : {}),
  });
  db.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
  try {
    setUp(db, file, options);
  } catch (error) {
    db.close();
    throw isBusy(error) ? new MirrorLockedError(file) : error;
  }
  return db;
}

/** openDatabase's settings and schema check (or migration) on a new connection. */
function setUp(db: Db, file: string, options: OpenOptions): void {
  if (!options.readonly) {
    // Only a file with no pages yet takes a page size (an existing one keeps its own: changing it means a VACUUM).
    if (db.pragma('page_count', { simple: true }) === 0) db.pragma(`page_size = ${NEW_FILE_PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma(`journal_size_limit = ${WAL_KEPT_BYTES}`);
  }
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -65536'); // 64 MiB page cache per connection
  db.pragma('temp_store = MEMORY');
  keepPreparedStatements(db);
  if (!options.readonly) {
    // A database that already had a schema is being updated: some migrations rewrite a table (016 rewrote every
    // transaction: 22 s for 100,000 users' 4.9 M), so whoever waits is told why (a new file's schema takes a moment).
    const found = schemaVersion(db);
    if (found > 0 && found < latestSchemaVersion())
      console.error(`[encounter] updating ${file} from schema version ${found} to ${latestSchemaVersion()}…`);
    migrate(db);
  } else if (!options.anySchema) {
    const found = schemaVersion(db);
    if (found !== latestSchemaVersion()) {
      throw found > latestSchemaVersion()
        ? new SchemaTooNewError(found, latestSchemaVersion())
        : new SchemaTooOldError(found, latestSchemaVersion());
    }
  }
}

/**
 * Runs `fn` with one of this connection's pragmas set to `value`, then puts back what it was: the setting is the
 * connection's, not the caller's. (A pragma that cannot change inside a transaction, such as foreign_keys, changes
 * nothing when called inside one.)
 */
export function withPragma<T>(db: Db, name: string, value: number | string, fn: () => T): T {
  const before = db.pragma(name, { simple: true }) as number;
  db.pragma(`${name} = ${value}`);
  try {
    return fn();
  } finally {
    db.pragma(`${name} = ${before}`);
  }
}

/**
 * Runs `fn` with this connection's foreign-key checks off, then puts them back as they were. For writers that check
 * references themselves (an import against the ids it knows, a run's persist against the imports since it read the
 * mirror). The pragma cannot change inside a transaction: called inside one, it changes nothing and the checks stay.
 */
export function withForeignKeysOff<T>(db: Db, fn: () => T): T {
  return withPragma(db, 'foreign_keys', 'OFF', fn);
}

/**
 * Bytes of WAL a connection leaves on disk once a checkpoint has emptied it (`journal_size_limit`): the next write
 * that starts the WAL over trims it to this. Without it the WAL keeps the size of the largest transaction ever
 * written for as long as any connection is open — the console's whole session: a province's import left ~10 GB
 * beside its 10 GB mirror, counted in the mirror's size on the status page. (Main's own connection opts out:
 * services.ts.)
 */
export const WAL_KEPT_BYTES = 64 * 2 ** 20;

/** How many statements a connection keeps: every SQL text the console writes, with room to spare. */
const KEPT_STATEMENTS = 512;

/**
 * The connection keeps the statements it prepared, by their SQL text: preparing (SQLite compiling the SQL) cost
 * main's loop more than running the queue's and the item page's queries did — 15 % of its time under the contention
 * bench. The SQL lives beside the code that runs it, as named text; this makes every `db.prepare(sql)` after the
 * first a lookup. A kept statement comes back in the default mode (a caller's `.pluck()`, `.raw()` or `.expand()`
 * was for that caller); one still iterating (`busy`) is not shared: the caller gets a fresh one.
 */
function keepPreparedStatements(db: Db): void {
  const prepare = db.prepare.bind(db);
  const kept = new Map<string, Database.Statement>();
  db.prepare = ((source: string) => {
    const statement = kept.get(source);
    if (statement && !statement.busy) {
      kept.delete(source);
      kept.set(source, statement);
      return statement.reader ? statement.pluck(false).raw(false).expand(false) : statement;
    }
    const fresh = prepare(source);
    if (!statement) {
      if (kept.size >= KEPT_STATEMENTS) kept.delete(kept.keys().next().value!);
      kept.set(source, fresh);
    }
    return fresh;
  }) as Db['prepare'];
}
