import type { Migration } from './migration';

/**
 * The upstream id of a payment, transfer, greeting or report becomes a UNIQUE INDEX instead of the table's PRIMARY
 * KEY. The rows, their rowids (the window scan's order) and every other index stay as they were; only what enforces
 * "one row per id" changes. A PRIMARY KEY's index cannot be dropped, so every row an import adds went into it one by
 * one: at 49 M province transactions, most of the import's time (5 M real rows: 14.4–15.5 s with it, against 4.1–4.2 s
 * without it plus 4.9–5.6 s to build the same index afterwards). A unique index can be dropped for a bulk load into
 * an empty table and built once after it, as the other indexes are (mirror/import/bulk-mode.ts); the import then finds
 * an id given twice when that build refuses it (mirror/import/file-importer.ts), and `ON CONFLICT (id)` upserts
 * work against a unique index exactly as against a primary key.
 *
 * Each table is rebuilt (SQLite cannot change a primary key in place): copied with its rowids into a new table, the
 * old one dropped, the new one renamed. Nothing references these tables, and they have no triggers.
 */
const TABLES: readonly { name: string; columns: string; indexes: string }[] = [
  {
    name: 'transactions',
    columns: `
      id          TEXT NOT NULL,
      user_id     TEXT NOT NULL REFERENCES users(id),
      merchant_id TEXT NOT NULL REFERENCES merchants(id),
      amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
      paid_at     INTEGER NOT NULL,
      paid_tz     INTEGER NOT NULL`,
    indexes: `
      CREATE UNIQUE INDEX transactions_id ON transactions(id);
      CREATE INDEX transactions_user ON transactions(user_id, paid_at);`,
  },
  {
    name: 'transfers',
    columns: `
      id          TEXT NOT NULL,
      from_user   TEXT NOT NULL REFERENCES users(id),
      to_user     TEXT NOT NULL REFERENCES users(id),
      amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
      paid_at     INTEGER NOT NULL,
      paid_tz     INTEGER NOT NULL,
      memo        TEXT NOT NULL`,
    indexes: `
      CREATE UNIQUE INDEX transfers_id ON transfers(id);
      CREATE INDEX transfers_to ON transfers(to_user, paid_at);
      CREATE INDEX transfers_from ON transfers(from_user, paid_at);`,
  },
  {
    name: 'greetings',
    columns: `
      id          TEXT NOT NULL,
      from_user   TEXT NOT NULL REFERENCES users(id),
      to_user     TEXT NOT NULL REFERENCES users(id),
      sent_at     INTEGER NOT NULL,
      sent_tz     INTEGER NOT NULL,
      text        TEXT NOT NULL,
      replied_at  INTEGER`,
    indexes: `
      CREATE UNIQUE INDEX greetings_id ON greetings(id);
      CREATE INDEX greetings_from ON greetings(from_user, sent_at);
      CREATE INDEX greetings_to ON greetings(to_user, sent_at);`,
  },
  {
    name: 'reports',
    columns: `
      id          TEXT NOT NULL,
      reporter_id TEXT NOT NULL REFERENCES users(id),
      reported_id TEXT NOT NULL REFERENCES users(id),
      created_at  INTEGER NOT NULL,
      reason      TEXT NOT NULL CHECK (reason IN ('selling', 'spam', 'harassment', 'fake_profile', 'other')),
      text        TEXT NOT NULL`,
    indexes: `
      CREATE UNIQUE INDEX reports_id ON reports(id);
      CREATE INDEX reports_reported ON reports(reported_id);`,
  },
];

export const m014RowIdsUniqueIndex: Migration = {
  version: 14,
  name: 'upstream row ids kept unique by an index, not a primary key',
  up(db) {
    for (const t of TABLES) {
      const names = t.columns
        .trim()
        .split(',\n')
        .map((line) => line.trim().split(/\s+/)[0]!)
        .join(', ');
      db.exec(`
        CREATE TABLE ${t.name}_rebuilt (${t.columns}
        ) STRICT;
        INSERT INTO ${t.name}_rebuilt (rowid, ${names}) SELECT rowid, ${names} FROM ${t.name} ORDER BY rowid;
        DROP TABLE ${t.name};
        ALTER TABLE ${t.name}_rebuilt RENAME TO ${t.name};
        ${t.indexes}
      `);
    }
  },
};
