import type { Migration } from './migration';

/**
 * The mirror of upstream's export (../shared/DATA-FORMAT.md), plus import runs and the quarantine.
 *
 * Times are stored as INTEGER unix seconds (`*_at`) with the writer's UTC offset in minutes (`*_tz`) where
 * a local hour matters (transactions, greetings): the engine needs the payer's local hour band and
 * integer columns keep 5 million rows compact and fast to scan. Booleans are 0/1. Ids stay TEXT.
 */
export const m002Mirror: Migration = {
  version: 2,
  name: 'mirror tables, import runs, quarantine',
  up(db) {
    db.exec(`
      CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        nickname      TEXT NOT NULL,
        real_name     TEXT,
        phone         TEXT,
        id_verified   INTEGER NOT NULL CHECK (id_verified IN (0, 1)),
        gender        TEXT NOT NULL CHECK (gender IN ('F', 'M')),
        seeking       TEXT NOT NULL CHECK (seeking IN ('F', 'M', 'any')),
        birth_year    INTEGER NOT NULL CHECK (birth_year BETWEEN 1900 AND 2015),
        city          TEXT NOT NULL,
        district      TEXT,
        registered_at INTEGER NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'closed'))
      ) STRICT, WITHOUT ROWID;

      -- Every consent row is kept; the one with the latest granted_at decides.
      CREATE TABLE consents (
        user_id    TEXT NOT NULL REFERENCES users(id),
        feature    TEXT NOT NULL CHECK (feature = 'meet_similar'),
        granted_at INTEGER NOT NULL,
        revoked_at INTEGER,
        PRIMARY KEY (user_id, feature, granted_at)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE merchants (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        brand       TEXT,
        category    TEXT NOT NULL,
        channel     TEXT NOT NULL CHECK (channel IN ('offline', 'online')),
        city        TEXT,
        district    TEXT,
        lat         REAL,
        lon         REAL,
        price_level INTEGER NOT NULL CHECK (price_level BETWEEN 1 AND 4)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE exposures (
        user_id     TEXT NOT NULL REFERENCES users(id),
        merchant_id TEXT NOT NULL REFERENCES merchants(id),
        level       TEXT NOT NULL CHECK (level IN ('hidden', 'category', 'brand', 'place')),
        PRIMARY KEY (user_id, merchant_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE transactions (
        id          TEXT PRIMARY KEY,
        user_id     TEXT NOT NULL REFERENCES users(id),
        merchant_id TEXT NOT NULL REFERENCES merchants(id),
        amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
        paid_at     INTEGER NOT NULL,
        paid_tz     INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX transactions_paid_at ON transactions(paid_at);
      CREATE INDEX transactions_user ON transactions(user_id, paid_at);

      CREATE TABLE transfers (
        id          TEXT PRIMARY KEY,
        from_user   TEXT NOT NULL REFERENCES users(id),
        to_user     TEXT NOT NULL REFERENCES users(id),
        amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
        paid_at     INTEGER NOT NULL,
        paid_tz     INTEGER NOT NULL,
        memo        TEXT NOT NULL
      ) STRICT;
      CREATE INDEX transfers_to ON transfers(to_user, paid_at);
      CREATE INDEX transfers_from ON transfers(from_user, paid_at);

      CREATE TABLE greetings (
        id          TEXT PRIMARY KEY,
        from_user   TEXT NOT NULL REFERENCES users(id),
        to_user     TEXT NOT NULL REFERENCES users(id),
        sent_at     INTEGER NOT NULL,
        sent_tz     INTEGER NOT NULL,
        text        TEXT NOT NULL,
        replied_at  INTEGER
      ) STRICT;
      CREATE INDEX greetings_from ON greetings(from_user, sent_at);
      CREATE INDEX greetings_to ON greetings(to_user, sent_at);

      CREATE TABLE reports (
        id          TEXT PRIMARY KEY,
        reporter_id TEXT NOT NULL REFERENCES users(id),
        reported_id TEXT NOT NULL REFERENCES users(id),
        created_at  INTEGER NOT NULL,
        reason      TEXT NOT NULL CHECK (reason IN ('selling', 'spam', 'harassment', 'fake_profile', 'other')),
        text        TEXT NOT NULL
      ) STRICT;
      CREATE INDEX reports_reported ON reports(reported_id);

      CREATE TABLE blocks (
        blocker_id TEXT NOT NULL REFERENCES users(id),
        blocked_id TEXT NOT NULL REFERENCES users(id),
        created_at INTEGER NOT NULL,
        PRIMARY KEY (blocker_id, blocked_id)
      ) STRICT, WITHOUT ROWID;

      -- Introductions upstream already delivered; never repeated. user_a < user_b (ordered pair).
      CREATE TABLE introductions (
        user_a  TEXT NOT NULL REFERENCES users(id),
        user_b  TEXT NOT NULL REFERENCES users(id),
        date    TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('pending', 'greeted', 'matched', 'declined', 'reported')),
        PRIMARY KEY (user_a, user_b, date),
        CHECK (user_a < user_b)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE import_runs (
        id          INTEGER PRIMARY KEY,
        export_id   TEXT,
        export_dir  TEXT NOT NULL,
        kind        TEXT,
        exported_at TEXT,
        operator    TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        status      TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
        error       TEXT,
        summary     TEXT NOT NULL DEFAULT '{}'   -- JSON: per file read / inserted / updated / quarantined
      ) STRICT;

      -- Rows an import refused, with where and why. raw is an excerpt (never shown unmasked).
      CREATE TABLE quarantine (
        id            INTEGER PRIMARY KEY,
        import_run_id INTEGER NOT NULL REFERENCES import_runs(id),
        file          TEXT NOT NULL,
        line          INTEGER NOT NULL,
        field         TEXT,
        reason        TEXT NOT NULL,           -- code, e.g. 'wrong_type', 'missing_field', 'unknown_reference'
        message       TEXT NOT NULL,
        raw           TEXT NOT NULL
      ) STRICT;
      CREATE INDEX quarantine_run ON quarantine(import_run_id, file, line);
    `);
  },
};
