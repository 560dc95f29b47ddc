import type { Db } from '../db/database';
import { TABLES } from './import/tables';

/**
 * The row counts the mirror keeps (migration 009), read by its status instead of a count(*) per table on main's
 * loop. A mirror table's count is set by whatever writes the table, in the same transaction: an import, for the
 * tables it touched (counted in its worker); the console's own growing tables are kept by triggers.
 */

const sql = {
  set: `INSERT INTO row_counts (table_name, rows) VALUES (?, ?)
    ON CONFLICT (table_name) DO UPDATE SET rows = excluded.rows`,
  all: `SELECT table_name, rows FROM row_counts`,
  keepNewestPayment: `INSERT OR REPLACE INTO mirror_facts (name, value) SELECT 'newest_paid_at', max(paid_at) FROM transactions`,
  newestPayment: `SELECT value FROM mirror_facts WHERE name = 'newest_paid_at'`,
};

/**
 * Counts every mirror table again and keeps the counts, and the mirror's facts (migration 012: the newest payment);
 * call it inside the transaction that changed them (a deletion can reach past the tables written, so all of them).
 */
export function recountMirrorRows(db: Db): void {
  const set = db.prepare(sql.set);
  for (const { name } of TABLES) set.run(name, db.prepare(`SELECT count(*) FROM ${name}`).pluck().get() as number);
  db.prepare(sql.keepNewestPayment).run();
}

/** The newest payment's time (seconds), as kept; null when the mirror holds no payment. */
export function keptNewestPayment(db: Db): number | null {
  return (db.prepare(sql.newestPayment).pluck().get() as number | null | undefined) ?? null;
}

/** Every kept count, by table name. */
export function keptRowCounts(db: Db): Map<string, number> {
  return new Map((db.prepare(sql.all).raw().all() as [string, number][]).map(([t, n]) => [t, n]));
}
