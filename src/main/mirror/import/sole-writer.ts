import { isBusy } from '../../db/busy';
import { type Db, withPragma } from '../../db/database';

/**
 * How an import's transaction reached the disk. 'wal': through the write-ahead log, as every write of the console
 * does — readers go on reading while it runs, and its commit copies every page it wrote from the log into the mirror
 * (a province's first import: 8 GB written twice, 30–34 s of checkpoint at commit). 'rollback': straight into the
 * file under SQLite's rollback journal, which keeps the pages as they were before the transaction — and a first
 * import has almost none: the pages it appends are not journaled (a rollback cuts the file back), so each page is
 * written once. Atomic all the same: a crash leaves a hot journal that the next open rolls back.
 */
export type ImportJournal = 'wal' | 'rollback';

const sql = {
  completedImport: `SELECT 1 FROM import_runs WHERE status = 'completed' LIMIT 1`,
  touch: `SELECT count(*) FROM sqlite_master`,
};

/**
 * Runs `fn` (the import's one transaction, not yet begun) with the rollback journal when the caller said it is the
 * mirror's only user (`soleWriter`: the CLI's `import --exclusive`, the scale bench's own mirror) and this is the
 * mirror's first import; else through the WAL as always. The rollback journal holds the file's exclusive lock from
 * the transaction's first cache spill to its commit, so nobody could read meanwhile anyway; this takes that lock
 * up front (`locking_mode = EXCLUSIVE`), and where another connection has the mirror open (the console serving
 * it), the switch is refused at once and the import goes through the WAL. Afterwards the lock is let go and the
 * mirror is put back in WAL, its mode for every other writer.
 */
export function withImportJournal<T>(db: Db, soleWriter: boolean, fn: (journal: ImportJournal) => T): T {
  if (!soleWriter || db.prepare(sql.completedImport).get() !== undefined) return fn('wal');
  if (!takeRollbackJournal(db)) return fn('wal');
  try {
    return fn('rollback');
  } finally {
    giveBackWal(db);
  }
}

/** Switches to the rollback journal holding the file's lock; false (nothing changed) when another connection has it open. */
function takeRollbackJournal(db: Db): boolean {
  db.pragma('locking_mode = EXCLUSIVE');
  try {
    // Leaving WAL needs every other connection gone; with no wait, a served mirror answers SQLITE_BUSY now.
    withPragma(db, 'busy_timeout', 0, () => db.pragma('journal_mode = DELETE'));
  } catch (err) {
    if (!isBusy(err)) throw err;
  }
  if (db.pragma('journal_mode', { simple: true }) === 'delete') return true;
  releaseLock(db);
  return false;
}

function giveBackWal(db: Db): void {
  releaseLock(db);
  // WAL again, as openDatabase leaves every mirror. The lock was just let go, so a console that opened the mirror
  // in that instant may hold it: its own open set WAL already, and this waits for it as any writer does.
  db.pragma('journal_mode = WAL');
}

/** Normal locking; SQLite lets the exclusive lock go at the next access of the file, so one is made. */
function releaseLock(db: Db): void {
  db.pragma('locking_mode = NORMAL');
  db.prepare(sql.touch).get();
}
