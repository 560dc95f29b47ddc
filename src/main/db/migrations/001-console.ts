import type { Migration } from './migration';

/** The console's own bookkeeping: who did what (append-only). */
export const m001Console: Migration = {
  version: 1,
  name: 'console audit log',
  up(db) {
    db.exec(`
      CREATE TABLE audit_log (
        id        INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,              -- ISO-8601 UTC
        operator  TEXT NOT NULL,
        action    TEXT NOT NULL,              -- e.g. 'import.start', 'ruleset.activate', 'unmask'
        subject   TEXT,                       -- id of what it acted on (never PII)
        details   TEXT NOT NULL DEFAULT '{}'  -- JSON, never PII
      ) STRICT;
      CREATE INDEX audit_log_at ON audit_log(at);
      CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `);
  },
};
