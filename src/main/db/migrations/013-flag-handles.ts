import type { Migration } from './migration';

/**
 * Which accounts sent which contact handle in the greetings detection kept as evidence — written by each detection
 * run (in its worker, in the run's transaction: moderation/related.ts `recordFlagHandles`) so that an item's related
 * accounts ("the same WeChat id, sent by 14 accounts") are one indexed join on main's loop instead of half a second
 * of reading and parsing every item's greetings after each run. The handle is kept as a keyed hash, never as text:
 * the console needs to know that two accounts sent the same handle, not which. Empty until the next detection run.
 */
export const m013FlagHandles: Migration = {
  version: 13,
  name: 'contact handles of assessed accounts',
  up(db) {
    db.exec(`
      CREATE TABLE flag_handles (
        handle_key TEXT NOT NULL,
        kind       TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        PRIMARY KEY (handle_key, user_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX flag_handles_user ON flag_handles(user_id, handle_key);
    `);
  },
};
