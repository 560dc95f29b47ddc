/**
 * The documented fields of each upstream export file, in the column order CSV files use
 * (/work/shared/DATA-FORMAT.md, "The export directory"). The privacy module needs them to know which cell of a
 * quarantined CSV line is a name, a phone number or free text.
 */
export const EXPORT_FIELDS = {
  users: [
    'id',
    'nickname',
    'real_name',
    'phone',
    'id_verified',
    'gender',
    'seeking',
    'birth_year',
    'city',
    'district',
    'registered_at',
    'status',
  ],
  consents: ['user_id', 'feature', 'granted_at', 'revoked_at'],
  exposures: ['user_id', 'merchant_id', 'level'],
  merchants: ['id', 'name', 'brand', 'category', 'channel', 'city', 'district', 'lat', 'lon', 'price_level'],
  transactions: ['id', 'user_id', 'merchant_id', 'amount_fen', 'paid_at'],
  transfers: ['id', 'from_user', 'to_user', 'amount_fen', 'paid_at', 'memo'],
  greetings: ['id', 'from_user', 'to_user', 'sent_at', 'text', 'replied_at'],
  reports: ['id', 'reporter_id', 'reported_id', 'created_at', 'reason', 'text'],
  blocks: ['blocker_id', 'blocked_id', 'created_at'],
  introductions: ['user_a', 'user_b', 'date', 'outcome'],
  labels: ['user_id', 'label', 'partner_id'],
} as const satisfies Record<string, readonly string[]>;

export type ExportFileKind = keyof typeof EXPORT_FIELDS;

/** How each PII field is masked wherever it appears in an export row. */
export const PII_FIELD_MASKS = {
  real_name: 'name',
  nickname: 'name',
  phone: 'phone',
  memo: 'text',
  text: 'text',
} as const satisfies Record<string, 'name' | 'phone' | 'text'>;

export type PiiField = keyof typeof PII_FIELD_MASKS;

export function isPiiField(field: string): field is PiiField {
  return Object.prototype.hasOwnProperty.call(PII_FIELD_MASKS, field);
}

/** `users.jsonl`, `some/dir/transactions.csv` → `users`, `transactions`; anything else → null. */
export function exportFileKind(file: string): ExportFileKind | null {
  const base = file.split(/[\\/]/).pop() ?? '';
  const stem = base.replace(/\.(jsonl|csv)$/i, '').toLowerCase();
  return Object.prototype.hasOwnProperty.call(EXPORT_FIELDS, stem) ? (stem as ExportFileKind) : null;
}
