import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXPORT_FILES, type ExportKind } from '../../shared/domain/export-format';
import { platformIsoTime } from '../../shared/domain/platform-time';

/** Helpers for the importer's tests: real files in a fresh temp directory. */
export function tempDir(prefix = 'encounter-import-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface ManifestOptions {
  /** Default 'increment': rows are upserts and the counts only a hint (a snapshot must declare exact counts). */
  kind?: ExportKind;
  exportedAt?: string;
}

export function writeManifest(
  dir: string,
  exportId = 'test-export',
  files: Record<string, number> = {},
  options: ManifestOptions = {},
): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      format: 1,
      export_id: exportId,
      exported_at: options.exportedAt ?? platformIsoTime('2026-11-24', '03:00:00'),
      kind: options.kind ?? 'increment',
      files,
    }),
  );
}

/**
 * Gives the export in `dir` a new identity, one minute after the last one this helper stamped: a test that
 * imports the same directory again after changing its files imports a new export, not the same one twice.
 */
let stampMinute = 0;
export function restampManifest(dir: string): string {
  const file = path.join(dir, 'manifest.json');
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  stampMinute++;
  m.export_id = `${String(m.export_id).replace(/#\d+$/, '')}#${stampMinute}`;
  m.exported_at = new Date(Date.parse('2026-11-24T03:00:00+08:00') + stampMinute * 60_000).toISOString();
  fs.writeFileSync(file, JSON.stringify(m));
  return m.export_id as string;
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

/** One data file of a test export: rows (objects, or raw lines as strings), as JSONL or CSV. */
export interface TestFile {
  rows: readonly (Record<string, unknown> | string)[];
  format?: 'jsonl' | 'csv';
  /** Added to the true row count in the manifest (a short or padded file). */
  countDelta?: number;
}

/** A CSV cell as upstream writes it: null unquoted and empty, text quoted when it must be (and "" for ""). */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const text = typeof v === 'string' ? v : typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  return text === '' || /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Writes a whole export directory: each file, and a manifest declaring each file's exact row count (plus its
 * `countDelta`). Files of the directory from an earlier export are removed first.
 */
export function writeExport(
  dir: string,
  manifest: { exportId: string; exportedAt: string; kind: ExportKind },
  files: Record<string, TestFile>,
): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const counts: Record<string, number> = {};
  for (const [name, f] of Object.entries(files)) {
    const format = f.format ?? 'jsonl';
    const fileName = `${name}.${format}`;
    let text: string;
    if (format === 'jsonl') text = jsonl(f.rows);
    else {
      const columns = EXPORT_FILES.find((x) => x.name === name)!.fields.map((x) => x.name);
      const lines = f.rows.map((r) => (typeof r === 'string' ? r : columns.map((c) => csvCell(r[c])).join(',')));
      text = [columns.join(','), ...lines].join('\n') + '\n';
    }
    fs.writeFileSync(path.join(dir, fileName), text);
    counts[fileName] = f.rows.length + (f.countDelta ?? 0);
  }
  writeManifest(dir, manifest.exportId, counts, { kind: manifest.kind, exportedAt: manifest.exportedAt });
}

/**
 * After rows were appended to files of an export by hand: the manifest declares them too, so a snapshot stays
 * whole (a snapshot whose files hold other counts than its manifest's is refused).
 */
export function declareAppendedRows(dir: string, added: Record<string, number>): void {
  const file = path.join(dir, 'manifest.json');
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as { files: Record<string, number> };
  for (const [name, n] of Object.entries(added)) m.files[name] = (m.files[name] ?? 0) + n;
  fs.writeFileSync(file, JSON.stringify(m));
}
