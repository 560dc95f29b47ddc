import fs from 'node:fs';
import { latestSchemaVersion, schemaVersion } from '../db/migrate';
import type { AppServices } from '../services';
import type { Handlers } from './table';

const MIRROR_TABLES = [
  'users', 'consents', 'exposures', 'merchants', 'transactions', 'transfers',
  'greetings', 'reports', 'blocks', 'introductions', 'quarantine', 'audit_log',
] as const;

function fileSize(file: string): number {
  let size = 0;
  for (const f of [file, `${file}-wal`]) {
    try {
      size += fs.statSync(f).size;
    } catch {
      /* no WAL yet */
    }
  }
  return size;
}

export function mirrorTableCounts(services: AppServices): { name: string; rows: number }[] {
  // count(*) on a table of millions costs tens of milliseconds in SQLite; fine for a status call.
  return MIRROR_TABLES.map((name) => ({
    name,
    rows: services.db.prepare(`SELECT count(*) FROM ${name}`).pluck().get() as number,
  }));
}

export const appHandlers: Handlers<'session.get' | 'session.signIn' | 'mirror.status'> = {
  'session.get': (_input, services) => ({ operator: services.session.operator }),
  'session.signIn': (input, services) => {
    services.session.operator = { name: input.name, role: input.role };
    return { operator: services.session.operator };
  },
  'mirror.status': (_input, services) => ({
    dbPath: services.dbPath,
    schemaVersion: schemaVersion(services.db),
    latestSchemaVersion: latestSchemaVersion(),
    sizeBytes: fileSize(services.dbPath),
    tables: mirrorTableCounts(services),
  }),
};
