import type { FieldSpec, IdTable } from './fields';

/** One importable file of the export and the mirror table it lands in (DATA-FORMAT.md's table, column for column). */
export interface TableSpec {
  /** File stem: `users` for users.jsonl; transactions and transfers may also come as `.csv`. */
  name: string;
  table: string;
  fields: readonly FieldSpec[];
  /** Columns of the primary key: the upsert target and the "same id twice in one file" check. */
  key: readonly string[];
  /** Ids that later files may reference once this file has been accepted. */
  provides?: IdTable;
}

const userRef = (name: string): FieldSpec => ({ name, kind: 'ref', table: 'users' });
const SAFE = Number.MAX_SAFE_INTEGER;

/** Import order matters: users and merchants first, so rows of the same import may reference them. */
export const TABLES: readonly TableSpec[] = [
  {
    name: 'users',
    table: 'users',
    provides: 'users',
    key: ['id'],
    fields: [
      { name: 'id', kind: 'id' },
      { name: 'nickname', kind: 'string', max: 40 },
      { name: 'real_name', kind: 'string', nullable: true },
      { name: 'phone', kind: 'string', nullable: true },
      { name: 'id_verified', kind: 'bool' },
      { name: 'gender', kind: 'enum', values: ['F', 'M'] },
      { name: 'seeking', kind: 'enum', values: ['F', 'M', 'any'] },
      { name: 'birth_year', kind: 'int', min: 1900, max: 2015 },
      { name: 'city', kind: 'string' },
      { name: 'district', kind: 'string', nullable: true },
      { name: 'registered_at', kind: 'time' },
      { name: 'status', kind: 'enum', values: ['active', 'suspended', 'closed'] },
    ],
  },
  {
    name: 'merchants',
    table: 'merchants',
    provides: 'merchants',
    key: ['id'],
    fields: [
      { name: 'id', kind: 'id' },
      { name: 'name', kind: 'string' },
      { name: 'brand', kind: 'string', nullable: true },
      { name: 'category', kind: 'string' },
      { name: 'channel', kind: 'enum', values: ['offline', 'online'] },
      { name: 'city', kind: 'string', nullable: true },
      { name: 'district', kind: 'string', nullable: true },
      { name: 'lat', kind: 'number', min: -90, max: 90, nullable: true },
      { name: 'lon', kind: 'number', min: -180, max: 180, nullable: true },
      { name: 'price_level', kind: 'int', min: 1, max: 4 },
    ],
  },
  {
    name: 'consents',
    table: 'consents',
    key: ['user_id', 'feature', 'granted_at'],
    fields: [
      userRef('user_id'),
      { name: 'feature', kind: 'enum', values: ['meet_similar'] },
      { name: 'granted_at', kind: 'time' },
      { name: 'revoked_at', kind: 'time', nullable: true },
    ],
  },
  {
    name: 'exposures',
    table: 'exposures',
    key: ['user_id', 'merchant_id'],
    fields: [
      userRef('user_id'),
      { name: 'merchant_id', kind: 'ref', table: 'merchants' },
      { name: 'level', kind: 'enum', values: ['hidden', 'category', 'brand', 'place'] },
    ],
  },
  {
    name: 'transactions',
    table: 'transactions',
    key: ['id'],
    fields: [
      { name: 'id', kind: 'id' },
      userRef('user_id'),
      { name: 'merchant_id', kind: 'ref', table: 'merchants' },
      { name: 'amount_fen', kind: 'int', min: 1, max: SAFE },
      { name: 'paid_at', kind: 'time', tzColumn: 'paid_tz' },
    ],
  },
  {
    name: 'transfers',
    table: 'transfers',
    key: ['id'],
    fields: [
      { name: 'id', kind: 'id' },
      userRef('from_user'),
      userRef('to_user'),
      { name: 'amount_fen', kind: 'int', min: 1, max: SAFE },
      { name: 'paid_at', kind: 'time', tzColumn: 'paid_tz' },
      { name: 'memo', kind: 'string', max: 200 },
    ],
  },
  {
    name: 'greetings',
    table: 'greetings',
    key: ['id'],
    fields: [
      { name: 'id', kind: 'id' },
      userRef('from_user'),
      userRef('to_user'),
      { name: 'sent_at', kind: 'time', tzColumn: 'sent_tz' },
      { name: 'text', kind: 'string', max: 500 },
      { name: 'replied_at', kind: 'time', nullable: true },
    ],
  },
  {
    name: 'reports',
    table: 'reports',
    key: ['id'],
    fields: [
      { name: 'id', kind: 'id' },
      userRef('reporter_id'),
      userRef('reported_id'),
      { name: 'created_at', kind: 'time' },
      { name: 'reason', kind: 'enum', values: ['selling', 'spam', 'harassment', 'fake_profile', 'other'] },
      { name: 'text', kind: 'string', max: 500 },
    ],
  },
  {
    name: 'blocks',
    table: 'blocks',
    key: ['blocker_id', 'blocked_id'],
    fields: [userRef('blocker_id'), userRef('blocked_id'), { name: 'created_at', kind: 'time' }],
  },
  {
    name: 'introductions',
    table: 'introductions',
    key: ['user_a', 'user_b', 'date'],
    fields: [
      userRef('user_a'),
      userRef('user_b'),
      { name: 'date', kind: 'date' },
      { name: 'outcome', kind: 'enum', values: ['pending', 'greeted', 'matched', 'declined', 'reported'] },
    ],
  },
];

/** Files that may come as CSV (DATA-FORMAT.md: "large files come as CSV"). */
export const CSV_ALLOWED = new Set(['transactions', 'transfers']);

/** The table's column names in insert order: a time field with a tz column is followed by that column. */
export function columnsOf(spec: TableSpec): string[] {
  const cols: string[] = [];
  for (const f of spec.fields) {
    cols.push(f.name);
    if (f.kind === 'time' && f.tzColumn) cols.push(f.tzColumn);
  }
  return cols;
}
