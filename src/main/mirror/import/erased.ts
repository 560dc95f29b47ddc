import type { Db } from '../../db/database';
import { KEY_TABLES, type IdTable } from './fields';
import { columnOf, TABLES } from './tables';

/**
 * What the mirror holds of the accounts a snapshot erased (DATA-FORMAT.md: a user or merchant row the snapshot
 * lacks was deleted upstream, "an erased account"). The mirror never holds a row that names an unknown id — an
 * import refuses one — so a snapshot that carries users but not, say, transactions still takes the erased users'
 * payments, consents, greetings… with them: left behind they would name nobody, and an erased account's data has no
 * business staying. Tables the snapshot carries have lost those rows already (refused as unknown references, their
 * previous versions with them); the console's own records (flags, decisions, audit) are not the mirror's and stay.
 */

/**
 * How many of the users a snapshot erased had a flag still open: the moderation queues list an account the mirror
 * holds, so those flags leave them — said in the import's summary, so that it is not silent (a seller who closed the
 * account once flagged is worth knowing about).
 */
export function openFlagsOfErased(db: Db, erasedUsers: readonly string[]): number {
  if (erasedUsers.length === 0) return 0;
  return db
    .prepare(
      `SELECT count(DISTINCT user_id) FROM flags WHERE state = 'open' AND user_id IN (SELECT value FROM json_each(?))`,
    )
    .pluck()
    .get(JSON.stringify(erasedUsers)) as number;
}

/**
 * Each mirror table's columns that name an account, by the table of accounts they name, and how a column names the
 * erased ones: by id, or (a keyed reference) by the erased ids' keys.
 */
const NAMING_COLUMNS: { table: string; column: string; names: IdTable; erasedSql: string }[] = TABLES.flatMap((spec) =>
  spec.fields.flatMap((f) =>
    f.kind === 'ref'
      ? [
          {
            table: spec.table,
            column: columnOf(f),
            names: f.table,
            erasedSql: f.keyColumn
              ? `SELECT key FROM ${KEY_TABLES[f.table]} WHERE id IN (SELECT id FROM temp.erased_ids)`
              : 'SELECT id FROM temp.erased_ids',
          },
        ]
      : [],
  ),
);

/**
 * Removes every mirror row that names an erased id, and the erased ids' keys, inside the import's transaction;
 * returns the rows removed by table (tables with none left out; the keys are not the export's rows, not counted).
 * One statement per naming column, each a single pass through the column's index where it has one.
 */
export function removeRowsOfErased(db: Db, erased: Record<IdTable, readonly string[]>): Record<string, number> {
  const removed: Record<string, number> = {};
  if (erased.users.length === 0 && erased.merchants.length === 0) return removed;
  db.exec('CREATE TEMP TABLE erased_ids (id TEXT PRIMARY KEY) WITHOUT ROWID');
  try {
    const add = db.prepare('INSERT OR IGNORE INTO temp.erased_ids (id) VALUES (?)');
    for (const names of ['users', 'merchants'] as const) {
      if (erased[names].length === 0) continue;
      db.exec('DELETE FROM temp.erased_ids');
      for (const id of erased[names]) add.run(id);
      for (const c of NAMING_COLUMNS) {
        if (c.names !== names) continue;
        const n = db.prepare(`DELETE FROM ${c.table} WHERE ${c.column} IN (${c.erasedSql})`).run().changes;
        if (n > 0) removed[c.table] = (removed[c.table] ?? 0) + n;
      }
      // Nothing names their keys any more: the keys go too (never handed out again: AUTOINCREMENT).
      db.exec(`DELETE FROM ${KEY_TABLES[names]} WHERE id IN (SELECT id FROM temp.erased_ids)`);
    }
  } finally {
    db.exec('DROP TABLE temp.erased_ids');
  }
  return removed;
}
