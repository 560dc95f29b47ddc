import type { Migration } from './migration';

/**
 * Transactions name their payer by an integer key instead of the platform's id. Real ids are long (28-character open
 * ids), and a province's 49 M transactions repeated them in every row and again in the (user, paid_at) index: on a
 * real-looking 100,000-user export the table and that index took 400 + 184 MiB with the id, 294 + 78 MiB with the key,
 * and writing them 18–39 % less time (docs/SCALING.md, "5 December 2026, afternoon") — the largest table of every
 * import, and the one the engine reads at every run (a key finds its pool index through an array, not an id index).
 *
 * `user_keys` gives each user id its key. The key is made by the database when a user row is first inserted (the
 * trigger), by whatever writes it — an import, a test's fixture —, and AUTOINCREMENT never hands an erased user's key
 * to anybody else. An upsert that updates a user keeps the key, and so does INSERT OR REPLACE: the trigger's insert
 * cannot conflict (NOT EXISTS), because a conflict clause in a trigger's body gives way to the one of the statement
 * that fired it (REPLACE would have made the user a new key, FAIL refused the row). The import removes an erased user's transactions and
 * then the user's key (mirror/import/erased.ts); nothing else removes users. The dictionary does not reference
 * users(id) on purpose: the import deletes a snapshot's erased users before it removes what named them.
 *
 * Transactions are rebuilt once, with their rowids (the window scan's order), every payer's id replaced by its key.
 */
export const m016UserKeys: Migration = {
  version: 16,
  name: 'transactions name their payer by an integer key',
  up(db) {
    db.exec(`
      CREATE TABLE user_keys (
        key INTEGER PRIMARY KEY AUTOINCREMENT,
        id  TEXT NOT NULL UNIQUE
      ) STRICT;
      INSERT INTO user_keys (id) SELECT id FROM users ORDER BY id;
      CREATE TRIGGER users_key AFTER INSERT ON users
      BEGIN
        INSERT INTO user_keys (id) SELECT new.id WHERE NOT EXISTS (SELECT 1 FROM user_keys WHERE id = new.id);
      END;

      CREATE TABLE transactions_rebuilt (
        id          TEXT NOT NULL,
        user_key    INTEGER NOT NULL REFERENCES user_keys(key),
        merchant_id TEXT NOT NULL REFERENCES merchants(id),
        amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
        paid_at     INTEGER NOT NULL,
        paid_tz     INTEGER NOT NULL
      ) STRICT;
      INSERT INTO transactions_rebuilt (rowid, id, user_key, merchant_id, amount_fen, paid_at, paid_tz)
        SELECT t.rowid, t.id, k.key, t.merchant_id, t.amount_fen, t.paid_at, t.paid_tz
        FROM transactions t JOIN user_keys k ON k.id = t.user_id ORDER BY t.rowid;
      DROP TABLE transactions;
      ALTER TABLE transactions_rebuilt RENAME TO transactions;
      CREATE UNIQUE INDEX transactions_id ON transactions(id);
      CREATE INDEX transactions_user ON transactions(user_key, paid_at);
    `);
  },
};
