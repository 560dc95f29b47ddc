import type { Migration } from './migration';

/**
 * Facts about the mirror's data kept as its counts are (migration 009), so that the status call never scans on main's
 * loop: `newest_paid_at`, the newest payment (the day the data ends, from which the date a run is for is suggested).
 * max(paid_at) has no index to use (006 dropped it) and took half a second over 5 M payments — every operator's call
 * waited behind the first status call after each import. Imports set it in their own transaction
 * (mirror/row-counts.ts); NULL while the mirror holds no payment.
 */
export const m012MirrorFacts: Migration = {
  version: 12,
  name: 'mirror facts kept',
  up(db) {
    db.exec(`
      CREATE TABLE mirror_facts (
        name  TEXT PRIMARY KEY,
        value INTEGER
      ) STRICT;
      INSERT INTO mirror_facts (name, value) SELECT 'newest_paid_at', max(paid_at) FROM transactions;
    `);
  },
};
