import { BEHAVIOUR_FAMILIES, type BehaviourFamily, isBehaviourFamily } from '../../shared/domain/detection';
import fs from 'node:fs';
import path from 'node:path';

/**
 * An independent reader and checker of export directories, for the generator's tests: a tiny RFC 4180 parser
 * and per-file row rules written from DATA-FORMAT.md (deliberately not sharing code with the generator, so a
 * generator bug cannot hide behind the same bug here).
 */
export type Row = Record<string, unknown>;

/** RFC 4180: quoted cells may hold commas, doubled quotes and newlines; unquoted empty = null. */
export function parseCsv(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let cell: string | null;
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= n) throw new Error(`unterminated quoted cell in row ${rows.length + 1}`);
        const c = text[i]!;
        if (c === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          value += c;
          i++;
        }
      }
      cell = value;
    } else {
      let j = i;
      while (j < n && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r') j++;
      const raw = text.slice(i, j);
      if (raw.includes('"')) throw new Error(`quote inside unquoted cell in row ${rows.length + 1}: ${raw}`);
      cell = raw === '' ? null : raw;
      i = j;
    }
    row.push(cell);
    if (text[i] === ',') {
      i++;
      if (i >= n) row.push(null);
    } else {
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      rows.push(row);
      row = [];
    }
  }
  return rows;
}

export interface ExportDir {
  manifest: { format: number; export_id: string; exported_at: string; kind: string; files: Record<string, number> };
  /** Rows per file; CSV rows become objects keyed by the header (cells stay text or null). */
  files: Record<string, Row[]>;
}

export function readExport(dir: string): ExportDir {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ExportDir['manifest'];
  const files: Record<string, Row[]> = {};
  for (const name of fs.readdirSync(dir)) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    if (name.endsWith('.jsonl')) {
      files[name] = text
        .split('\n')
        .filter((l) => l !== '')
        .map((l, k) => {
          try {
            return JSON.parse(l) as Row;
          } catch {
            return { __unparsable: l, __line: k + 1 };
          }
        });
    } else if (name.endsWith('.csv')) {
      const [header, ...rows] = parseCsv(text);
      files[name] = rows.map((cells) => Object.fromEntries(header!.map((h, k) => [h, cells[k] ?? null])));
    }
  }
  return { manifest, files };
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
function isTime(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const m = ISO.exec(v);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
}
const chars = (s: string): number => [...s].length;
const isId = (v: unknown): boolean => typeof v === 'string' && chars(v) >= 1 && chars(v) <= 64;
const isStr = (v: unknown, max = Infinity): boolean => typeof v === 'string' && chars(v) <= max;
const isIntCell = (v: unknown): boolean => typeof v === 'string' && /^[1-9]\d*$/.test(v);
const oneOf = (v: unknown, options: readonly string[]): boolean => typeof v === 'string' && options.includes(v);

type Rule = (row: Row) => string | null;
const need =
  (checks: Record<string, (v: unknown) => boolean>): Rule =>
  (row) => {
    for (const [field, ok] of Object.entries(checks)) {
      if (!(field in row)) return `missing ${field}`;
      if (!ok(row[field])) return `bad ${field}: ${JSON.stringify(row[field])}`;
    }
    for (const field of Object.keys(row)) if (!(field in checks)) return `unknown field ${field}`;
    return null;
  };
const nullable = (check: (v: unknown) => boolean) => (v: unknown) => v === null || check(v);

/** Per-file row rules (types, enums, ranges, limits in Unicode characters). References are checked separately. */
export const RULES: Record<string, Rule> = {
  'users.jsonl': need({
    id: isId,
    nickname: (v) => isStr(v, 40),
    real_name: nullable(isStr),
    phone: nullable(isStr),
    id_verified: (v) => typeof v === 'boolean',
    gender: (v) => oneOf(v, ['F', 'M']),
    seeking: (v) => oneOf(v, ['F', 'M', 'any']),
    birth_year: (v) => Number.isInteger(v) && (v as number) >= 1900 && (v as number) <= 2015,
    city: isStr,
    district: nullable(isStr),
    registered_at: isTime,
    status: (v) => oneOf(v, ['active', 'suspended', 'closed']),
  }),
  'consents.jsonl': need({
    user_id: isId,
    feature: (v) => v === 'meet_similar',
    granted_at: isTime,
    revoked_at: nullable(isTime),
  }),
  'exposures.jsonl': need({
    user_id: isId,
    merchant_id: isId,
    level: (v) => oneOf(v, ['hidden', 'category', 'brand', 'place']),
  }),
  'merchants.jsonl': (row) => {
    const base = need({
      id: isId,
      name: isStr,
      brand: nullable(isStr),
      category: isStr,
      channel: (v) => oneOf(v, ['offline', 'online']),
      city: nullable(isStr),
      district: nullable(isStr),
      lat: nullable((v) => typeof v === 'number'),
      lon: nullable((v) => typeof v === 'number'),
      price_level: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 4,
    })(row);
    if (base) return base;
    if (row.channel === 'online' && (row.lat !== null || row.lon !== null || row.district !== null))
      return 'online store with a place';
    return null;
  },
  'transactions.csv': need({ id: isId, user_id: isId, merchant_id: isId, amount_fen: isIntCell, paid_at: isTime }),
  'transfers.csv': need({
    id: isId,
    from_user: isId,
    to_user: isId,
    amount_fen: isIntCell,
    paid_at: isTime,
    memo: (v) => isStr(v, 200),
  }),
  'greetings.jsonl': need({
    id: isId,
    from_user: isId,
    to_user: isId,
    sent_at: isTime,
    text: (v) => isStr(v, 500),
    replied_at: nullable(isTime),
  }),
  'reports.jsonl': need({
    id: isId,
    reporter_id: isId,
    reported_id: isId,
    created_at: isTime,
    reason: (v) => oneOf(v, ['selling', 'spam', 'harassment', 'fake_profile', 'other']),
    text: (v) => isStr(v, 500),
  }),
  'blocks.jsonl': need({ blocker_id: isId, blocked_id: isId, created_at: isTime }),
  'introductions.jsonl': (row) =>
    need({
      user_a: isId,
      user_b: isId,
      date: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && isTime(`${v}T00:00:00Z`),
      outcome: (v) => oneOf(v, ['pending', 'greeted', 'matched', 'declined', 'reported']),
    })(row) ?? ((row.user_a as string) < (row.user_b as string) ? null : 'user_a must be < user_b'),
  'labels.jsonl': (row) =>
    row.label === 'kindred'
      ? need({ user_id: isId, label: isStr, partner_id: isId, family: (v) => v === 'kindred' })(row)
      : need({
          user_id: isId,
          label: (v) => oneOf(v, ['normal', 'micro_seller', 'spammer']),
          family: (v) => isBehaviourFamily(String(v)) && BEHAVIOUR_FAMILIES[v as BehaviourFamily].label === row.label,
        })(row),
};

/** References each file's rows make, as [field, target file]. */
export const REFERENCES: Record<string, [string, 'users' | 'merchants'][]> = {
  'consents.jsonl': [['user_id', 'users']],
  'exposures.jsonl': [
    ['user_id', 'users'],
    ['merchant_id', 'merchants'],
  ],
  'transactions.csv': [
    ['user_id', 'users'],
    ['merchant_id', 'merchants'],
  ],
  'transfers.csv': [
    ['from_user', 'users'],
    ['to_user', 'users'],
  ],
  'greetings.jsonl': [
    ['from_user', 'users'],
    ['to_user', 'users'],
  ],
  'reports.jsonl': [
    ['reporter_id', 'users'],
    ['reported_id', 'users'],
  ],
  'blocks.jsonl': [
    ['blocker_id', 'users'],
    ['blocked_id', 'users'],
  ],
  'introductions.jsonl': [
    ['user_a', 'users'],
    ['user_b', 'users'],
  ],
  'labels.jsonl': [['user_id', 'users']],
};
