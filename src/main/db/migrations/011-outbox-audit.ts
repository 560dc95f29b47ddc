import type { Migration } from './migration';

/**
 * The audit trail goes to the outbox with the decisions (issue 14): `outbox_audit_files` records it by audit id
 * range, one row per `audit-<from>-<to>.jsonl`, exactly as `outbox_decision_files` records decisions — before the
 * file is written, `written_at` NULL until it is on disk. The trail never left the mirror before this version, so
 * the ledger starts empty: the first export carries the whole trail.
 */
export const m011OutboxAudit: Migration = {
  version: 11,
  name: 'the audit trail in the outbox ledger',
  up(db) {
    db.exec(`
      CREATE TABLE outbox_audit_files (
        id          INTEGER PRIMARY KEY,
        from_audit  INTEGER NOT NULL,
        to_audit    INTEGER NOT NULL,
        file        TEXT NOT NULL,
        created_at  TEXT NOT NULL,                    -- ISO-8601 UTC
        written_at  TEXT,                             -- NULL until the file is on disk
        CHECK (from_audit <= to_audit)
      ) STRICT;
    `);
  },
};
