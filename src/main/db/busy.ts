import type { Db } from './database';

/**
 * Another writer's lock (a long import in a worker or another process holds it for its whole transaction).
 *
 * Main's loop never waits on it: main's connection has busy_timeout 0 (services.ts), so a write that meets the
 * lock fails at once, and the call is tried again on timers — other calls are served in between — until
 * BUSY_WAIT_MS have passed; then it answers BUSY. This is THE wait, said here only: a call meeting the lock answers
 * within BUSY_WAIT_MS plus one try. (Worker threads and CLI processes wait in SQLite, off main's loop: database.ts.)
 * One second: operators are promised a refusal within two (`npm run bench -- contention`), and on a loaded two-core
 * machine the last timers fire late — at 1.5 s the slowest refusals took 2.2 s.
 */
export const BUSY_WAIT_MS = 1000;

/** Pauses between tries: short first (most locks are a run's or a decision's own short transaction), then 100 ms. */
const RETRY_DELAYS_MS = [5, 10, 20, 40, 80, 100];

/** MirrorLockedError's code (database.ts), kept here so isBusy needs nothing from database.ts at run time. */
export const MIRROR_LOCKED = 'MIRROR_LOCKED';

/**
 * SQLITE_BUSY and its extended codes (BUSY_SNAPSHOT: a read transaction that fell behind another's commit), and a
 * mirror that could not be opened for another process's lock (database.ts MirrorLockedError: a job's worker opening
 * the file then answers BUSY, as a write meeting the lock does).
 */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code === MIRROR_LOCKED);
}

/**
 * Runs a small write on `db` without waiting for another writer: false (nothing written) when the lock is held,
 * whatever the connection's own busy timeout — for bookkeeping that may simply happen later.
 */
export function withoutWaiting(db: Db, write: () => void): boolean {
  const previous = db.pragma('busy_timeout', { simple: true }) as number;
  if (previous !== 0) db.pragma('busy_timeout = 0');
  try {
    write();
    return true;
  } catch (err) {
    if (isBusy(err)) return false;
    throw err;
  } finally {
    if (previous !== 0) db.pragma(`busy_timeout = ${previous}`);
  }
}

/**
 * Rows this connection has inserted, updated or deleted since it opened (statements that completed, SQLite's
 * total_changes()). Unchanged across a try that met the lock means the try wrote nothing. (The connection keeps the
 * statement: database.ts.)
 */
export function totalChanges(db: Db): number {
  return db.prepare('SELECT total_changes()').pluck().get() as number;
}

export interface RetryWhileBusyOptions {
  /** Give up after this long (default BUSY_WAIT_MS). */
  waitMs?: number;
  /** Asked after a try met the lock: may it be tried again? (Not when the try left something behind.) */
  mayRetry?: () => boolean;
}

/**
 * Runs `attempt`; when it meets another writer's lock, tries it again after a pause on a timer — the loop serves
 * other work meanwhile — until `waitMs` have passed, then lets the last BUSY error through. `attempt` must leave
 * nothing behind when it fails busy (one transaction), or `mayRetry` must say no.
 */
export async function retryWhileBusy<T>(
  attempt: () => T | Promise<T>,
  options: RetryWhileBusyOptions = {},
): Promise<T> {
  const waitMs = options.waitMs ?? BUSY_WAIT_MS;
  const started = performance.now();
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isBusy(err) || (options.mayRetry && !options.mayRetry())) throw err;
      const pause = RETRY_DELAYS_MS[Math.min(tries, RETRY_DELAYS_MS.length - 1)]!;
      const left = waitMs - (performance.now() - started);
      if (left <= 0) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
    }
  }
}
