import type { Migration } from './migration';

/**
 * A run's introductions, found by either member: `run_introduction_members` holds each introduction twice, once under
 * each of its two accounts, keyed (run_id, user_id, other_id). It replaces two indexes of `run_introductions`:
 *
 * - `run_introductions_b` (user_b) took the new run's entries at random places among every earlier run's. The persist
 *   writes introductions in (user_a, user_b) order, so the table and `run_introductions_pair` grow page after page, but
 *   the user_b entries do not: 2.3–2.9 s of the province's 347,854 introductions went into that one index (measured
 *   without it: 0.9–1.4 s for the rows and the pair index, against 2.8–5.5 s), and more with every run the mirror
 *   keeps (six earlier runs made the persist 13–15 s). The lookup it was for — a user's introductions in a run — was
 *   not even served by it: SQLite scanned the run instead (`… AND (user_a = ? OR user_b = ?)`).
 * - `run_introductions_pair` (user_a, user_b) was read by no query: every lookup of a pair names its run, which the
 *   primary key serves.
 *
 * The two indexes also served the foreign keys to users: with them gone, deleting a user with foreign keys on scans
 * `run_introductions` twice. Nothing does that today — users leave the mirror only with an import, which runs with
 * foreign keys off (mirror/import) — and anything that would (an erase command) must do the same, or index
 * user_a and user_b again.
 *
 * The members of a run are written from its rows by one INSERT … SELECT in key order after them (engine/store.ts):
 * sorted by SQLite, appended after every earlier run's (run ids only grow), ~0.75 s for the province's run. Not
 * unique on (run_id, user_id): a run introduces a user once, but a mirror that broke that must still open and show it.
 */
export const m018IntroductionMembers: Migration = {
  version: 18,
  name: "a run's introductions found by either member",
  up(db) {
    db.exec(`
      CREATE TABLE run_introduction_members (
        run_id   INTEGER NOT NULL REFERENCES match_runs(id),
        user_id  TEXT NOT NULL,
        other_id TEXT NOT NULL,
        PRIMARY KEY (run_id, user_id, other_id)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO run_introduction_members (run_id, user_id, other_id)
        SELECT run_id, user_a, user_b FROM run_introductions
        UNION ALL SELECT run_id, user_b, user_a FROM run_introductions
        ORDER BY 1, 2, 3;
      DROP INDEX run_introductions_b;
      DROP INDEX run_introductions_pair;
    `);
  },
};
