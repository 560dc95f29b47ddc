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
  setNewestPayment: `INSERT OR REPLACE INTO mirror_facts (name, value) VALUES ('newest_paid_at', ?)`,
};

/** The mirror's newest payment (migration 012) is the newest of this column of this table. */
export const NEWEST_PAYMENT = { table: 'transactions', column: 'paid_at' } as const;

/** A table as the import that wrote it counted it (file-importer.ts), so that it need not be read again. */
export interface CountedTable {
  /** Rows it holds now. */
  rows: number;
  /**
   * Only for NEWEST_PAYMENT's table: its column's newest value among the rows the import accepted (null: none);
   * whether the import only added rows (none updated, none removed, none refused after the write), so that no kept
   * row's value could have changed; and how many rows the table held before.
   */
  newest?: { accepted: number | null; onlyAdded: boolean; heldBefore: number };
}

/**
 * Counts every mirror table again and keeps the counts, and the mirror's facts (migration 012: the newest payment);
 * call it inside the transaction that changed them.
 */
export function recountMirrorRows(db: Db): void {
  keepMirrorCounts(db, new Map());
}

/**
 * Keeps the row counts and the newest payment after an import, inside its transaction. A table it wrote has the count
 * it counted (a province's transactions: 49 M rows, ~1 s to count again and ~2 s to find the newest payment); any
 * other is counted again, as is the newest payment unless the import only added payments.
 */
export function keepMirrorCounts(db: Db, counted: ReadonlyMap<string, CountedTable>): void {
  const set = db.prepare(sql.set);
  for (const { name } of TABLES)
    set.run(name, counted.get(name)?.rows ?? (db.prepare(`SELECT count(*) FROM ${name}`).pluck().get() as number));
  const payments = counted.get(NEWEST_PAYMENT.table)?.newest;
  // The kept newest payment stands for the rows held before, so with rows only added it is the newer of the two;
  // looked for again when a kept row may have changed, or when the kept fact is missing for a table that held rows.
  const kept = payments?.onlyAdded && payments.heldBefore > 0 ? keptNewestPayment(db) : null;
  if (!payments?.onlyAdded || (payments.heldBefore > 0 && kept === null)) {
    db.prepare(sql.keepNewestPayment).run();
    return;
  }
  const { accepted } = payments;
  db.prepare(sql.setNewestPayment).run(kept === null ? accepted : accepted === null ? kept : Math.max(kept, accepted));
}

/** The newest payment's time (seconds), as kept; null when the mirror holds no payment. */
export function keptNewestPayment(db: Db): number | null {
  return (db.prepare(sql.newestPayment).pluck().get() as number | null | undefined) ?? null;
}

/** Every kept count, by table name. */
export function keptRowCounts(db: Db): Map<string, number> {
  return new Map((db.prepare(sql.all).raw().all() as [string, number][]).map(([t, n]) => [t, n]));
}
