import type { Migration } from './migration';

/**
 * One abuse assessment per account (owned by moderation). A `flags` row is now the account's queue item: its
 * `detector` is the likelier class, its evidence carries both classes' views, and `reach` is how many people the
 * account was in touch with (the queue sorts by risk × reach). At most one item per account is open.
 *
 * Mirrors written before this had one open flag per (account, detector), so an account could sit in two items. The
 * second one is merged into the first: it is kept (its decisions reference it) but closed with `merged_into` naming
 * the item that carries on, and no queue lists it. The item kept is the one a reviewer touched last, else the higher
 * score. A hold or escalation on the merged item keeps acting as before (the exclusions read every item's decisions).
 */
export const m008Assessments: Migration = {
  version: 8,
  name: 'one open assessment per account, reach',
  up(db) {
    db.exec(`
      ALTER TABLE flags ADD COLUMN reach INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE flags ADD COLUMN merged_into INTEGER REFERENCES flags(id);

      WITH open_items AS (
        SELECT f.id, f.user_id, f.score, (SELECT max(d.id) FROM decisions d WHERE d.flag_id = f.id) AS touched
        FROM flags f WHERE f.state = 'open'
      ),
      ranked AS (
        SELECT id, user_id,
               row_number() OVER (PARTITION BY user_id ORDER BY touched IS NULL, touched DESC, score DESC, id DESC) AS rank
        FROM open_items
      )
      UPDATE flags
      SET state = 'resolved',
          merged_into = (SELECT k.id FROM ranked k WHERE k.user_id = flags.user_id AND k.rank = 1)
      WHERE id IN (SELECT id FROM ranked WHERE rank > 1);

      DROP INDEX flags_one_open_per_user_detector;
      CREATE UNIQUE INDEX flags_one_open_per_user ON flags(user_id) WHERE state = 'open';
    `);
  },
};
