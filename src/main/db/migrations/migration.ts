import type Database from 'better-sqlite3';

/** One step of the schema: each migration file exports one, the runner (../migrate.ts) applies them in order. */
export interface Migration {
  /** The `PRAGMA user_version` this migration brings the database to. Consecutive from 1. */
  version: number;
  name: string;
  up(db: Database.Database): void;
}
