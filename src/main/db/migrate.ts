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
