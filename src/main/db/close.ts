import { isBusy } from './busy';
import type { Db } from './database';

/** How long closing a connection may hold the console's writers back while it waits for readers to leave the WAL. */
const WAL_TRUNCATE_WAIT_MS = 250;

/**
 * Closes a connection; one that wrote gives the WAL's disk back first. A job (import, matching, detection) writes
 * its work in one transaction on its own connection while main's stays open, so SQLite's own cleanup (the last
 * connection to close deletes the WAL) never happens during a session. Here, on the job's thread: a passive
 * checkpoint copies whatever the commit's own could not (it holds no writer back), and only when the WAL is then
 * wholly in the mirror does a truncating one empty the file, waiting at most WAL_TRUNCATE_WAIT_MS for readers (it
 * holds writers meanwhile; main's retry for a held lock, busy.ts, outlasts that). A mirror still busy keeps its WAL
 * until the next job's write trims it (`WAL_KEPT_BYTES`, database.ts). Emptying a WAL drops its cached pages too: 0.9 s
 * for 3 GiB, 2.9 s for 10 GiB (a province's import) on this machine, on the job's thread, before the job reports
 * its end.
 */
export function closeDatabase(db: Db): void {
  try {
    if (db.open && !db.readonly) giveWalBack(db);
  } catch (error) {
    // Busy: the next job's write trims it. Anything else (the disk failing) is the operator's to see.
    if (!isBusy(error)) throw error;
  } finally {
    db.close();
  }
}

/**
 * Runs `use` with a connection opened for it, then closes it as `closeDatabase` does, however `use` ends: the one
 * way a job's thread holds its connection (workers/*.worker.ts).
 */
export async function usingConnection<T>(db: Db, use: (db: Db) => T | Promise<T>): Promise<T> {
  try {
    return await use(db);
  } finally {
    closeDatabase(db);
  }
}

function giveWalBack(db: Db): void {
  const [passive] = db.pragma('wal_checkpoint(PASSIVE)') as WalCheckpoint[];
  if (passive && passive.busy === 0 && passive.log > 0 && passive.checkpointed === passive.log) {
    db.pragma(`busy_timeout = ${WAL_TRUNCATE_WAIT_MS}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
}

interface WalCheckpoint {
  busy: number;
  log: number;
  checkpointed: number;
}
