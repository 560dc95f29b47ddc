import type { Migration } from './migration';

/**
 * Detector flags, detection runs, the review queue's claims and saved views, and operator decisions (owned by
 * moderation).
 *
 * - A flag is one detector's opinion about one user. At most one flag per (user, detector) is `open`; a later
 *   detection run updates its score, reasons and evidence in place, and never touches decisions. A final decision
 *   (clear, warn, restrict, suspend) resolves the flag; undoing that decision reopens it.
 * - Decisions are append-only like audit_log: an undo is a new row that `reverses` the undone one, so both remain.
 *   AUTOINCREMENT: ids are never reused, so an outbox decision_id names one row forever.
 * - Times are INTEGER unix seconds like the mirror.
 */
export const m004Moderation: Migration = {
  version: 4,
  name: 'moderation flags and decisions',
  up(db) {
    db.exec(`
      CREATE TABLE detect_runs (
        id          INTEGER PRIMARY KEY,
        started_at  INTEGER NOT NULL,
        finished_at INTEGER,
        status      TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
        detectors   TEXT NOT NULL DEFAULT '{}',  -- JSON: detector name → version
        summary     TEXT NOT NULL DEFAULT '{}'   -- JSON: DetectSummary
      ) STRICT;

      CREATE TABLE flags (
        id                INTEGER PRIMARY KEY,
        user_id           TEXT NOT NULL REFERENCES users(id),
        detector          TEXT NOT NULL CHECK (detector IN ('micro_seller', 'spammer')),
        detector_version  INTEGER NOT NULL,
        score             REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
        reasons           TEXT NOT NULL,   -- JSON array of reason codes
        evidence          TEXT NOT NULL,   -- JSON: { transfers: [ids], greetings: [ids], reports: [ids], figures: {…} }
        first_detected_at INTEGER NOT NULL,
        detected_at       INTEGER NOT NULL,
        run_id            INTEGER NOT NULL REFERENCES detect_runs(id),
        state             TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved'))
      ) STRICT;
      CREATE UNIQUE INDEX flags_one_open_per_user_detector ON flags(user_id, detector) WHERE state = 'open';
      CREATE INDEX flags_user ON flags(user_id);
      CREATE INDEX flags_score ON flags(state, score);

      CREATE TABLE decisions (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id     TEXT NOT NULL REFERENCES users(id),
        flag_id     INTEGER REFERENCES flags(id),
        action      TEXT NOT NULL CHECK (action IN ('clear', 'warn', 'restrict', 'suspend', 'hold', 'escalate', 'undo')),
        reason_code TEXT NOT NULL,
        note        TEXT NOT NULL DEFAULT '',
        operator    TEXT NOT NULL,
        role        TEXT NOT NULL,
        decided_at  INTEGER NOT NULL,
        expires_at  INTEGER,
        reverses    INTEGER UNIQUE REFERENCES decisions(id),  -- UNIQUE: a decision is undone at most once
        bulk_id     TEXT,                                     -- shared by the rows of one bulk action
        CHECK ((action = 'undo') = (reverses IS NOT NULL))
      ) STRICT;
      CREATE INDEX decisions_user ON decisions(user_id, id);
      CREATE INDEX decisions_flag ON decisions(flag_id, id);
      CREATE TRIGGER decisions_append_only_update BEFORE UPDATE ON decisions
        BEGIN SELECT RAISE(ABORT, 'decisions is append-only'); END;
      CREATE TRIGGER decisions_append_only_delete BEFORE DELETE ON decisions
        BEGIN SELECT RAISE(ABORT, 'decisions is append-only'); END;

      -- Who is looking at a queue item. Expires after 10 minutes without last_seen_at moving (checked in code).
      CREATE TABLE claims (
        flag_id      INTEGER PRIMARY KEY REFERENCES flags(id),
        operator     TEXT NOT NULL,
        claimed_at   INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE saved_views (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        filter     TEXT NOT NULL,   -- JSON QueueFilter (+ queue and sort)
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (created_by, name)
      ) STRICT;
    `);
  },
};
