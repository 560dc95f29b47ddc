import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { platformIsoTime } from '../../shared/domain/platform-time';

/** Helpers for the importer's tests: real files in a fresh temp directory. */
export function tempDir(prefix = 'encounter-import-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeManifest(dir: string, exportId = 'test-export', files: Record<string, number> = {}): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      format: 1,
      export_id: exportId,
      exported_at: platformIsoTime('2026-11-24', '03:00:00'),
      kind: 'snapshot',
      files,
    }),
  );
}

export function user(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    nickname: `nick ${id}`,
    real_name: null,
    phone: null,
    id_verified: true,
    gender: 'F',
    seeking: 'any',
    birth_year: 1990,
    city: 'Shanghai',
    district: 'Xuhui',
    registered_at: platformIsoTime('2025-03-01', '09:00:00'),
    status: 'active',
    ...overrides,
  };
}

export function merchant(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: `shop ${id}`,
    brand: null,
    category: 'coffee',
    channel: 'offline',
    city: 'Shanghai',
    district: 'Xuhui',
    lat: 31.2,
    lon: 121.4,
    price_level: 2,
    ...overrides,
  };
}

export function transaction(
  id: string,
  userId: string,
  merchantId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    user_id: userId,
    merchant_id: merchantId,
    amount_fen: 1500,
    paid_at: platformIsoTime('2026-11-01', '08:30:00'),
    ...overrides,
  };
}

export function jsonl(rows: readonly (Record<string, unknown> | string)[], eol = '\n'): string {
  return rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join(eol) + eol;
}
