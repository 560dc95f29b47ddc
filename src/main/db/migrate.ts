import type Database from 'better-sqlite3';
import { migrations } from './migrations';
import type { Migration } from './migrations/migration';

export class SchemaTooNewError extends Error {
  readonly code = 'SCHEMA_TOO_NEW';
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `This database has schema version ${found}, but this Encounter Console only knows versions up to ${supported}. ` +
        `It was written by a newer console; open it with that version instead (nothing was changed).`,
    );
  }
}

/**
 * A database opened read-only (which never migrates) whose schema is older than this console's: its queries would
 * fail on columns and tables it does not have yet (transactions.user_key before migration 016) — said up front.
 */
export class SchemaTooOldError extends Error {
  readonly code = 'SCHEMA_TOO_OLD';
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `This database has schema version ${found}, and this Encounter Console reads version ${supported}: it has not ` +
        `been opened for writing by this version yet, and a read-only open does not update it. Open it once with the ` +
        `console (npm start -- --db FILE) or a CLI command that writes to it; that updates its schema (nothing was changed).`,
    );
  }
}

export function latestSchemaVersion(list: readonly Migration[] = migrations): number {
  return list.length === 0 ? 0 : list[list.length - 1]!.version;
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every migration above the database's `user_version`, each in its own transaction together with
 * the version bump, so a crash leaves the database at a whole version. Shipped migrations are never edited:
 * fix forward with a new one.
 */
export function migrate(db: Database.Database, list: readonly Migration[] = migrations, upTo?: number): number {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list is not consecutive at ${m.name} (version ${m.version})`);
  });
  const target = upTo ?? latestSchemaVersion(list);
  const current = schemaVersion(db);
  if (current > latestSchemaVersion(list)) throw new SchemaTooNewError(current, latestSchemaVersion(list));
  for (const m of list) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return schemaVersion(db);
}
