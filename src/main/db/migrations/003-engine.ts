import type { Migration } from './migration';

/**
 * Matching runs and their introductions, and versioned rule sets (owned by the engine).
 *
 * A rule set version is immutable once written; which one is active is the latest row of ruleset_activations,
 * so activate and roll back are both appends and the history stays readable. A run copies its rule set JSON
 * as well as the version so it can be re-read even if versions were pruned by a later tool.
 */
export const m003Engine: Migration = {
  version: 3,
  name: 'matching runs',
  up(db) {
    db.exec(`
      CREATE TABLE ruleset_versions (
        version    INTEGER PRIMARY KEY,
        ruleset    TEXT NOT NULL,              -- JSON (shared/domain/ruleset.ts)
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,              -- ISO-8601 UTC
        note       TEXT NOT NULL DEFAULT ''
      ) STRICT;

      CREATE TABLE ruleset_activations (
        id           INTEGER PRIMARY KEY,
        version      INTEGER NOT NULL REFERENCES ruleset_versions(version),
        activated_by TEXT NOT NULL,
        activated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE match_runs (
        id              INTEGER PRIMARY KEY,
        date            TEXT NOT NULL,         -- YYYY-MM-DD the introductions are for
        ruleset_version INTEGER REFERENCES ruleset_versions(version),
        ruleset         TEXT NOT NULL,         -- JSON copy of the rule set used
        operator        TEXT NOT NULL,
        started_at      TEXT NOT NULL,
        finished_at     TEXT,
        status          TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled', 'superseded')),
        error           TEXT,
        summary         TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
      CREATE INDEX match_runs_date ON match_runs(date, status);

      CREATE TABLE run_introductions (
        run_id   INTEGER NOT NULL REFERENCES match_runs(id),
        user_a   TEXT NOT NULL REFERENCES users(id),
        user_b   TEXT NOT NULL REFERENCES users(id),
        score    REAL NOT NULL CHECK (score BETWEEN 0 AND 100),
        reasons  TEXT NOT NULL,                -- JSON array of reason codes
        evidence TEXT NOT NULL,                -- JSON: merchant ids and hour bands, never amounts
        PRIMARY KEY (run_id, user_a, user_b),
        CHECK (user_a < user_b)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX run_introductions_pair ON run_introductions(user_a, user_b);
      CREATE INDEX run_introductions_b ON run_introductions(user_b);
    `);
  },
};
