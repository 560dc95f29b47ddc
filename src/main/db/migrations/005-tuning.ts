import type { Migration } from './migration';

/**
 * Shadow runs (owned by tuning): a draft rule set run beside the active one for a date without publishing. Kept
 * apart from match_runs on purpose, so a shadow run never takes part in match_runs' supersede logic and never
 * reaches the outbox. Rule set JSON is copied like match_runs does, so a shadow run reads back even for a draft
 * that was never saved as a version.
 */
export const m005Tuning: Migration = {
  version: 5,
  name: 'shadow runs',
  up(db) {
    db.exec(`
      CREATE TABLE shadow_runs (
        id              INTEGER PRIMARY KEY,
        date            TEXT NOT NULL,            -- YYYY-MM-DD
        ruleset         TEXT NOT NULL,            -- JSON of the draft
        ruleset_version INTEGER REFERENCES ruleset_versions(version), -- when the draft equals a saved version
        active_version  INTEGER REFERENCES ruleset_versions(version), -- active when the shadow ran (NULL = defaults)
        operator        TEXT NOT NULL,
        created_at      TEXT NOT NULL,            -- ISO-8601 UTC
        summary         TEXT NOT NULL             -- JSON AssignmentSummary
      ) STRICT;
      CREATE INDEX shadow_runs_date ON shadow_runs(date, id);

      CREATE TABLE shadow_introductions (
        shadow_id INTEGER NOT NULL REFERENCES shadow_runs(id),
        user_a    TEXT NOT NULL,
        user_b    TEXT NOT NULL,
        score     REAL NOT NULL CHECK (score BETWEEN 0 AND 100),
        PRIMARY KEY (shadow_id, user_a, user_b),
        CHECK (user_a < user_b)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
