import type { Migration } from './migration';

/**
 * Operators are accounts, not names typed at sign-in (issue 14): who they are, their role, a password hash
 * (scrypt, its parameters stored with each hash so they can be raised later), and the bookkeeping of failed
 * sign-ins and locks that admins see. Sessions (an Electron window, a browser session) are stored by the SHA-256 of
 * their random id, never the id itself: a copy of the mirror file signs nobody in.
 *
 * Records elsewhere keep the operator's name (decisions, runs, audit): names are unique and never change, so those
 * records stay readable even for an account disabled years later.
 */
export const m010Operators: Migration = {
  version: 10,
  name: 'operator accounts and sessions',
  up(db) {
    db.exec(`
      CREATE TABLE operators (
        id                   INTEGER PRIMARY KEY,
        name                 TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role                 TEXT NOT NULL CHECK (role IN ('reviewer', 'lead', 'admin')),
        enabled              INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        password_hash        TEXT NOT NULL,           -- scrypt$N$r$p$salt$key (base64url): never the password
        must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
        created_at           TEXT NOT NULL,           -- ISO-8601 UTC
        created_by           TEXT NOT NULL,
        last_sign_in_at      TEXT,
        failed_attempts      INTEGER NOT NULL DEFAULT 0,
        locked_until         INTEGER,                 -- unix seconds
        lockouts             INTEGER NOT NULL DEFAULT 0
      ) STRICT;

      CREATE TABLE operator_sessions (
        id           INTEGER PRIMARY KEY,
        token_hash   BLOB NOT NULL UNIQUE,            -- SHA-256 of the 256-bit session id
        operator_id  INTEGER NOT NULL REFERENCES operators(id),
        transport    TEXT NOT NULL CHECK (transport IN ('web', 'window', 'test', 'bench')),
        started_at   INTEGER NOT NULL,                -- unix seconds
        last_seen_at INTEGER NOT NULL,
        ended_at     INTEGER,
        end_reason   TEXT CHECK (end_reason IN ('signed out', 'idle', 'disabled', 'password changed', 'replaced', 'window closed'))
      ) STRICT;
      CREATE INDEX operator_sessions_open ON operator_sessions(operator_id) WHERE ended_at IS NULL;

      -- The audit page filters by operator and by action, newest first.
      CREATE INDEX audit_log_operator ON audit_log(operator, id);
      CREATE INDEX audit_log_action ON audit_log(action, id);
    `);
  },
};
