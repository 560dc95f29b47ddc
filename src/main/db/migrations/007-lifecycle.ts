import type { Migration } from './migration';

/**
 * What the console has written for upstream, and who is running what (issue 13).
 *
 * - `match_runs.owner`, `detect_runs.owner`: the process a run belongs to (`host/pid`). A run left `running` by a
 *   process that no longer exists was interrupted (kill -9, power loss); the next start says so.
 * - `publications`: a date's introductions published once, from one run, with what was written and what was
 *   dropped at the re-check. `written_at` stays NULL until the outbox file is known to be on disk, so a crash
 *   between the ledger and the file re-writes exactly that file at the next start (and says so).
 * - `published_introductions`: the pairs of each published file, so the file can be written again byte for byte
 *   and later dates never repeat a published pair.
 * - `outbox_decision_files`: decisions by id range, one row per decisions file, recorded before the file is
 *   written (`written_at` NULL until it is). How far decisions went out is read here, never from the files that
 *   happen to be in the outbox (upstream removes the ones it consumed).
 *
 * Decisions made before this version were exported after each decision and at every start; the ledger starts by
 * saying so (one row covering them), rather than sending every decision ever made again.
 */
export const m007Lifecycle: Migration = {
  version: 7,
  name: 'run owners, publications and the outbox ledger',
  up(db) {
    db.exec(`
      ALTER TABLE match_runs ADD COLUMN owner TEXT;
      ALTER TABLE detect_runs ADD COLUMN owner TEXT;

      CREATE TABLE publications (
        date          TEXT PRIMARY KEY,               -- YYYY-MM-DD: a date is published once
        run_id        INTEGER NOT NULL REFERENCES match_runs(id),
        file          TEXT NOT NULL,                  -- outbox file name, introductions-YYYY-MM-DD.jsonl
        introductions INTEGER NOT NULL,               -- pairs written
        dropped       TEXT NOT NULL,                  -- JSON: dropped pairs by reason
        operator      TEXT NOT NULL,
        published_at  TEXT NOT NULL,                  -- ISO-8601 UTC
        written_at    TEXT                            -- NULL until the file is on disk
      ) STRICT;
      CREATE TRIGGER publications_final_update BEFORE UPDATE OF date, run_id, file, introductions, dropped, operator, published_at
        ON publications BEGIN SELECT RAISE(ABORT, 'a published date is final'); END;
      CREATE TRIGGER publications_final_delete BEFORE DELETE ON publications
        BEGIN SELECT RAISE(ABORT, 'a published date is final'); END;

      CREATE TABLE published_introductions (
        date            TEXT NOT NULL REFERENCES publications(date),
        user_a          TEXT NOT NULL,
        user_b          TEXT NOT NULL,
        score           REAL NOT NULL,
        ruleset_version INTEGER,
        reasons         TEXT NOT NULL,                -- JSON array of reason codes
        PRIMARY KEY (date, user_a, user_b),
        CHECK (user_a < user_b)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX published_introductions_pair ON published_introductions(user_a, user_b);
      CREATE TRIGGER published_introductions_final_update BEFORE UPDATE ON published_introductions
        BEGIN SELECT RAISE(ABORT, 'a published date is final'); END;
      CREATE TRIGGER published_introductions_final_delete BEFORE DELETE ON published_introductions
        BEGIN SELECT RAISE(ABORT, 'a published date is final'); END;

      CREATE TABLE outbox_decision_files (
        id            INTEGER PRIMARY KEY,
        from_decision INTEGER NOT NULL,
        to_decision   INTEGER NOT NULL,
        file          TEXT NOT NULL,
        created_at    TEXT NOT NULL,                  -- ISO-8601 UTC
        written_at    TEXT,                           -- NULL until the file is on disk
        CHECK (from_decision <= to_decision)
      ) STRICT;

      INSERT INTO outbox_decision_files (from_decision, to_decision, file, created_at, written_at)
        SELECT min(id), max(id), '(exported before the outbox ledger)', strftime('%Y-%m-%dT%H:%M:%fZ'), strftime('%Y-%m-%dT%H:%M:%fZ')
        FROM decisions HAVING count(*) > 0;
    `);
  },
};
