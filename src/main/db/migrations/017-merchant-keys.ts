import type { Migration } from './migration';

/**
 * Transactions name their merchant by an integer key too, as migration 016 made them name their payer. The merchant
 * id was the last text of the largest table: written 49 M times by a province import, kept in every row, and read
 * back by every run, where each window row's id was looked up to find its place. As a key it is a few bytes, and the
 * run finds the place with one read of an array. Upstream's merchant ids are any text of up to 64 characters (real
 * ones are 10–32); the key does not depend on what they look like.
 *
 * `merchant_keys` works as `user_keys`: the database makes a merchant's key when its row is first inserted (the
 * trigger, whatever inserts it), an update or INSERT OR REPLACE keeps it, AUTOINCREMENT never hands an erased
 * merchant's key to another, and only the import removes keys, with the rows that named them (mirror/import/erased.ts).
 * Exposures keep the merchant's id: a small table, read one user at a time.
 *
 * Transactions are rebuilt once, with their rowids (the window scan's order), every merchant id replaced by its key.
 */
export const m017MerchantKeys: Migration = {
  version: 17,
  name: 'transactions name their merchant by an integer key',
  up(db) {
    db.exec(`
      CREATE TABLE merchant_keys (
        key INTEGER PRIMARY KEY AUTOINCREMENT,
        id  TEXT NOT NULL UNIQUE
      ) STRICT;
      INSERT INTO merchant_keys (id) SELECT id FROM merchants ORDER BY id;
      CREATE TRIGGER merchants_key AFTER INSERT ON merchants
      BEGIN
        INSERT INTO merchant_keys (id) SELECT new.id WHERE NOT EXISTS (SELECT 1 FROM merchant_keys WHERE id = new.id);
      END;

      CREATE TABLE transactions_rebuilt (
        id           TEXT NOT NULL,
        user_key     INTEGER NOT NULL REFERENCES user_keys(key),
        merchant_key INTEGER NOT NULL REFERENCES merchant_keys(key),
        amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
        paid_at      INTEGER NOT NULL,
        paid_tz      INTEGER NOT NULL
      ) STRICT;
      INSERT INTO transactions_rebuilt (rowid, id, user_key, merchant_key, amount_fen, paid_at, paid_tz)
        SELECT t.rowid, t.id, t.user_key, k.key, t.amount_fen, t.paid_at, t.paid_tz
        FROM transactions t JOIN merchant_keys k ON k.id = t.merchant_id ORDER BY t.rowid;
      DROP TABLE transactions;
      ALTER TABLE transactions_rebuilt RENAME TO transactions;
      CREATE UNIQUE INDEX transactions_id ON transactions(id);
      CREATE INDEX transactions_user ON transactions(user_key, paid_at);
    `);
  },
};
