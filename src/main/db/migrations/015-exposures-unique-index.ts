import type { Migration } from './migration';

/**
 * Exposures (which level of a place each user lets a match see) become a rowid table whose (user_id, merchant_id)
 * is kept unique by a UNIQUE INDEX, as the row ids of transactions and the others became in migration 014. Kept in
 * key order (WITHOUT ROWID), every row of an export — whose users come in no key order — went into the B-tree at a
 * random place: a province's 6.66 M exposures took 17.9–19.3 s to import, a city's 1.8–1.9 s. A rowid table takes
 * them in file order and the import builds the key's index once, after the rows, checking in the same pass that no
 * user named a place twice (mirror/import/file-importer.ts): on 2.66 M real exposures, 6.5–7.3 s in key order against
 * 1.4 s of rows plus 1.5 s of index. The one reader (privacy/preview.ts, a user's exposures) finds them through the
 * index; `ON CONFLICT (user_id, merchant_id)` upserts work against it as against the primary key.
 *
 * The table is rebuilt (SQLite cannot change a primary key in place), copied in key order; nothing references it.
 */
export const m015ExposuresUniqueIndex: Migration = {
  version: 15,
  name: 'exposures kept unique by an index, not a primary key',
  up(db) {
    db.exec(`
      CREATE TABLE exposures_rebuilt (
        user_id     TEXT NOT NULL REFERENCES users(id),
        merchant_id TEXT NOT NULL REFERENCES merchants(id),
        level       TEXT NOT NULL CHECK (level IN ('hidden', 'category', 'brand', 'place'))
      ) STRICT;
      INSERT INTO exposures_rebuilt (user_id, merchant_id, level)
        SELECT user_id, merchant_id, level FROM exposures ORDER BY user_id, merchant_id;
      DROP TABLE exposures;
      ALTER TABLE exposures_rebuilt RENAME TO exposures;
      CREATE UNIQUE INDEX exposures_key ON exposures(user_id, merchant_id);
    `);
  },
};
