import { ABUSE_FAMILIES, BEHAVIOUR_FAMILY_NAMES } from './detection';

/**
 * The upstream export format (../shared/DATA-FORMAT.md, "The export directory"): its files, each file's fields in
 * CSV column order with their types, and the closed vocabularies of its enum fields. The importer builds its
 * tables and checks from this, and the privacy module its whitelist of what a quarantined row may show; nothing
 * else spells a field or an enum value of the format.
 */

/** Tables whose ids other files reference. */
export type IdTable = 'users' | 'merchants';

export type ExportFieldKind =
  | { kind: 'id' }
  | { kind: 'ref'; table: IdTable }
  | { kind: 'string'; max?: number }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'number'; min: number; max: number }
  | { kind: 'bool' }
  /** ISO-8601 with an offset (upstream writes platform time). */
  | { kind: 'time' }
  /** A calendar day, YYYY-MM-DD. */
  | { kind: 'date' };

export type ExportField = ExportFieldKind & { name: string; nullable?: boolean };

export interface ExportFileSpec {
  /** File stem: `users` for users.jsonl. */
  name: string;
  fields: readonly ExportField[];
  /** The row's identity: its `id`, or its natural key (DATA-FORMAT.md) for files without one. */
  key: readonly string[];
  /** Ids that later files may reference once this file has been accepted. */
  provides?: IdTable;
}

// The enums of the format.
export const GENDERS = ['F', 'M'] as const;
export const SEEKING = ['F', 'M', 'any'] as const;
/** Upstream's own account state (not moderation's). */
export const UPSTREAM_STATUSES = ['active', 'suspended', 'closed'] as const;
export const CONSENT_FEATURES = ['meet_similar'] as const;
/** What a user lets a match see of a place, coarsest first (the order is the rank); no row = hidden. */
export const EXPOSURE_LEVELS = ['hidden', 'category', 'brand', 'place'] as const;
export type ExposureLevel = (typeof EXPOSURE_LEVELS)[number];
export const MERCHANT_CHANNELS = ['offline', 'online'] as const;
export const REPORT_REASONS = ['selling', 'spam', 'harassment', 'fake_profile', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
export const INTRODUCTION_OUTCOMES = ['pending', 'greeted', 'matched', 'declined', 'reported'] as const;
/** Merchant categories are open text; these are the ones the format names as examples. */
export const MERCHANT_CATEGORY_EXAMPLES = [
  'convenience',
  'coffee',
  'restaurant',
  'gym',
  'bookstore',
  'cinema',
  'supermarket',
  'online_store',
] as const;
/** Ground truth of generated data: ordinary users, one label per abuse family, and planted kindred pairs. */
export const GROUND_TRUTH_LABELS = ['normal', ...ABUSE_FAMILIES, 'kindred'] as const;
export type GroundTruthLabel = (typeof GROUND_TRUTH_LABELS)[number];

/** `manifest.json`'s format number and kinds of export. */
export const MANIFEST_FORMAT = 1;
export const EXPORT_KINDS = ['snapshot', 'increment'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

const userRef = <N extends string>(name: N) => ({ name, kind: 'ref', table: 'users' }) as const;
const SAFE = Number.MAX_SAFE_INTEGER;

/** The files the mirror imports, in import order: users and merchants first, so rows may reference them. */
export const EXPORT_FILES = [
  {
    name: 'users',
    provides: 'users',
    key: ['id'],
    fields: [
      { name: 'id', kind: 'id' },
      { name: 'nickname', kind: 'string', max: 40 },
      { name: 'real_name', kind: 'string', nullable: true },
      { name: 'phone', kind: 'string', nullable: true },
      { name: 'id_verified', kind: 'bool' },
      { name: 'gender', kind: 'enum', values: GENDERS },
      { name: 'seeking', kind: 'enum', values: SEEKING },
      { name: 'birth_year', kind: 'int', min: 1900, max: 2015 },
      { name: 'city', kind: 'string' },
      { name: 'district', kind: 'string', nullable: true },
      { name: 'registered_at', kind: 'time' },
      { name: 'status', kind: 'enum', values: UPSTREAM_STATUSES },
    ],
  },
  {
    name: 'merchants',
    provides: 'merchants',
    key: ['id'],
    fields: [
      { name: 'id', kind: 'id' },
      { name: 'name', kind: 'string' },
      { name: 'brand', kind: 'string', nullable: true },
      { name: 'category', kind: 'string' },
      { name: 'channel', kind: 'enum', values: MERCHANT_CHANNELS },
      { name: 'city', kind: 'string', nullable: true },
      { name: 'district', kind: 'string', nullable: true },
      { name: 'lat', kind: 'number', min: -90, max: 90, nullable: true },
      { name: 'lon', kind: 'number', min: -180, max: 180, nullable: true },
      { name: 'price_level', kind: 'int', min: 1, max: 4 },
    ],
  },
  {
    name: 'consents',
    key: ['user_id', 'feature', 'granted_at'],
    fields: [
      userRef('user_id'),
      { name: 'feature', kind: 'enum', values: CONSENT_FEATURES },
      { name: 'granted_at', kind: 'time' },
      { name: 'revoked_at', kind: 'time', nullable: true },
    ],
  },
  {
    name: 'exposures',
    key: ['user_id', 'merchant_id'],
    fields: [
      userRef('user_id'),
      { name: 'merchant_id', kind: 'ref', table: 'merchants' },
      { name: 'level', kind: 'enum', values: EXPOSURE_LEVELS },
    ],
  },
  {
    name: 'transactions',
    key: ['id'],
    fields: [
      { name: 'id', kind: 'id' },
      userRef('user_id'),
      { name: 'merchant_id', kind: 'ref', table: 'merchants' },
      { name: 'amount_fen', kind: 'int', min: 1, max: SAFE },
      { name: 'paid_at', kind: 'time' },
    ],
  },
  {
    name: 'transfers',
    key: ['id'],
    fields: [
      { name: 'id', kind: 'id' },
      userRef('from_user'),
      userRef('to_user'),
      { name: 'amount_fen', kind: 'int', min: 1, max: SAFE },
      { name: 'paid_at', kind: 'time' },
      { name: 'memo', kind: 'string', max: 200 },
    ],
  },
  {
    name: 'greetings',
    key: ['id'],
    fields: [
      { name: 'id', kind: 'id' },
      userRef('from_user'),
      userRef('to_user'),
      { name: 'sent_at', kind: 'time' },
      { name: 'text', kind: 'string', max: 500 },
      { name: 'replied_at', kind: 'time', nullable: true },
    ],
  },
  {
    name: 'reports',
    key: ['id'],
    fields: [
      { name: 'id', kind: 'id' },
      userRef('reporter_id'),
      userRef('reported_id'),
      { name: 'created_at', kind: 'time' },
      { name: 'reason', kind: 'enum', values: REPORT_REASONS },
      { name: 'text', kind: 'string', max: 500 },
    ],
  },
  {
    name: 'blocks',
    key: ['blocker_id', 'blocked_id'],
    fields: [userRef('blocker_id'), userRef('blocked_id'), { name: 'created_at', kind: 'time' }],
  },
  {
    name: 'introductions',
    key: ['user_a', 'user_b', 'date'],
    fields: [
      userRef('user_a'),
      userRef('user_b'),
      { name: 'date', kind: 'date' },
      { name: 'outcome', kind: 'enum', values: INTRODUCTION_OUTCOMES },
    ],
  },
] as const satisfies readonly ExportFileSpec[];

export type ExportFileName = (typeof EXPORT_FILES)[number]['name'];

/** Files that may come as CSV (DATA-FORMAT.md: "large files come as CSV"); the rest are JSONL only. */
export const CSV_FILES: readonly ExportFileName[] = ['transactions', 'transfers'];

/** `labels.jsonl`: only in generated test data, ground truth for the evaluation — never imported into the mirror. */
export const GROUND_TRUTH_FILE = {
  name: 'labels',
  key: ['user_id'],
  fields: [
    userRef('user_id'),
    { name: 'label', kind: 'enum', values: GROUND_TRUTH_LABELS },
    { ...userRef('partner_id'), nullable: true },
    { name: 'family', kind: 'enum', values: BEHAVIOUR_FAMILY_NAMES, nullable: true },
  ],
} as const satisfies ExportFileSpec;

/** Every file of an export directory that carries rows, the ground truth included. */
export const ALL_EXPORT_FILES = [...EXPORT_FILES, GROUND_TRUTH_FILE] as const;

/** A field name the format documents, in any file. */
export type ExportFieldName = (typeof ALL_EXPORT_FILES)[number]['fields'][number]['name'];
export const EXPORT_FIELD_NAMES: ReadonlySet<string> = new Set<ExportFieldName>(
  ALL_EXPORT_FILES.flatMap((f) => f.fields.map((x): ExportFieldName => x.name)),
);

/** Every field of the given kinds, in any file. */
export function fieldsOfKind(...kinds: ExportField['kind'][]): ExportFieldName[] {
  return [
    ...new Set(ALL_EXPORT_FILES.flatMap((f) => f.fields.filter((x) => kinds.includes(x.kind)).map((x) => x.name))),
  ];
}

/** Why the importer refused a row (quarantine.reason): the Mirror page filters on these and words each. */
export const QUARANTINE_REASONS = [
  'wrong_type',
  'missing_field',
  'unknown_field',
  'out_of_range',
  'too_long',
  'bad_time',
  'unknown_reference',
  'duplicate',
  'invalid_utf8',
  'line_too_long',
  'truncated',
  'bad_json',
  'bad_csv',
] as const;
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];
