import {
  ALL_EXPORT_FILES,
  EXPORT_FIELD_NAMES,
  type ExportFieldName,
  fieldsOfKind,
  MERCHANT_CATEGORY_EXAMPLES,
} from '../../shared/domain/export-format';
import { maskFreeText, maskName, maskPhone } from './mask-fields';

/** Longest excerpt an operator sees: enough to spot the broken field, short enough not to become a data dump. */
export const EXCERPT_MAX_CHARS = 240;

/** Ids and references: opaque ids, shown when shaped like one (checked in safeFor). */
const ID_FIELDS = new Set<string>(fieldsOfKind('id', 'ref'));

/** The closed vocabularies of the export format: values that say nothing about a person. */
const VOCABULARY = new Set<string>([
  ...ALL_EXPORT_FILES.flatMap((f) => f.fields.flatMap((x) => (x.kind === 'enum' ? x.values : []))),
  ...MERCHANT_CATEGORY_EXAMPLES,
  'true',
  'false',
  'null',
]);

/**
 * Fields of a parsed row whose values may be shown when they pass their check; the rest are reduced to a shape.
 * Ids and enums by their kind; beside them, the few fields whose values describe a place or a verification, never
 * a person (a city, a merchant's brand, a calendar day).
 */
const SHOWN_FIELDS = new Set<string>([
  ...ID_FIELDS,
  ...fieldsOfKind('enum'),
  ...([
    'id_verified',
    'city',
    'district',
    'category',
    'brand',
    'price_level',
    'date',
  ] as const satisfies readonly ExportFieldName[]),
]);

/** Every documented field name: a key an excerpt may name (an undocumented key is shown as `[key]`). */
const KNOWN_FIELDS = EXPORT_FIELD_NAMES;

const CALENDAR_DAY = /^\d{4}-\d{2}-\d{2}$/;
const PLACE_NAME = /^\p{Script=Han}{1,6}(市|区|县)$/u;

/**
 * A value harmless whatever column it stands in (CSV cells and unparsable text, where columns cannot be trusted):
 * a word of the format's vocabulary, an id shaped like upstream's (`u000123`, `m42`), a single digit, a calendar
 * day, a city or district name. Never free text, a name, an amount, a time of day, or a handle.
 */
function safeToken(value: string): boolean {
  return (
    value === '' ||
    VOCABULARY.has(value) ||
    /^[A-Za-z]{1,2}\d{1,9}$/.test(value) ||
    /^[A-Za-z0-9]$/.test(value) ||
    CALENDAR_DAY.test(value) ||
    PLACE_NAME.test(value)
  );
}

/** A value of a parsed row's shown field: checked against what that field can hold. */
function safeFor(key: string, value: string): boolean {
  if (ID_FIELDS.has(key)) return /^[\x21-\x7e]{1,64}$/.test(value) && !/\d{7,}/.test(value);
  if (key === 'brand') return [...value].length <= 40 && !/\d{5,}/.test(value);
  return safeToken(value);
}

function shapeOf(value: unknown): string {
  if (typeof value === 'number') return '[number]';
  if (typeof value === 'string') return `[${[...value].length} chars]`;
  if (value === null || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? '[list]' : '[object]';
}

/** One field of a row that parsed: shown, masked the way every view masks it, or reduced to its shape. */
function maskField(key: string, value: unknown): unknown {
  const text = typeof value === 'string' ? value : null;
  if (key === 'nickname' && text !== null) return maskName(text);
  if (key === 'phone' && text !== null) return maskPhone(text);
  if ((key === 'text' || key === 'memo') && text !== null) return maskFreeText(text);
  if (SHOWN_FIELDS.has(key)) {
    if (
      value === null ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 9)
    )
      return value;
    if (text !== null && safeFor(key, text)) return text;
  }
  return shapeOf(value);
}

/** Splits one CSV record (RFC 4180 quoting); good enough for an excerpt, and never throws. */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

/** Text that is neither a JSON object nor CSV we can trust: structure kept, each token shown only if safe. */
function maskTokens(text: string): string {
  // Digits spread over tokens (`1 3 8 1 2 3 4 5 6 7 8`, `138-1234-5678`) are one number: never shown in pieces.
  return text
    .replace(/\d(?:[\s.-]*\d){3,}/g, '[number]')
    .replace(/"(?:[^"\\]|\\.)*("?)(\s*:)?|[^\s{}[\]:,"]+/g, (token, closed: string, colon: string | undefined) => {
      if (!token.startsWith('"'))
        return token === '[number]' || safeToken(token) ? token : `[${[...token].length} chars]`;
      const inner = token.slice(1, token.length - (closed ? 1 : 0) - (colon?.length ?? 0));
      if (colon) return KNOWN_FIELDS.has(inner) ? token : `"[key]"${colon}`;
      return safeToken(inner) ? token : `"[${[...inner].length} chars]"`;
    });
}

function clip(text: string): string {
  const chars = [...text];
  return chars.length <= EXCERPT_MAX_CHARS ? text : `${chars.slice(0, EXCERPT_MAX_CHARS).join('')}…`;
}

/**
 * What an operator may see of a row the import refused. A quarantined row is raw upstream data — a user row
 * carries the legal name and phone, a transaction an amount and the minute someone paid — so the excerpt shows
 * only what is known to be harmless: the row's structure, field names, ids and codes. A JSON object is masked
 * field by field (nickname and phone as every view masks them); CSV cells and text that would not parse are
 * masked token by token, since a refused line's columns cannot be trusted. The raw row stays in the mirror.
 */
export function maskQuarantineExcerpt(file: string, raw: string): string {
  const trimmed = raw.replace(/^\uFEFF/, '').trim();
  if (trimmed.startsWith('{')) {
    try {
      const row = JSON.parse(trimmed) as unknown;
      if (row && typeof row === 'object' && !Array.isArray(row)) {
        const masked = Object.fromEntries(
          Object.entries(row as Record<string, unknown>).map(([k, v]) =>
            KNOWN_FIELDS.has(k) ? [k, maskField(k, v)] : ['[key]', shapeOf(v)],
          ),
        );
        return clip(JSON.stringify(masked));
      }
    } catch {
      // not JSON after all: masked token by token below
    }
    return clip(maskTokens(trimmed));
  }
  if (file.toLowerCase().endsWith('.csv')) {
    return clip(
      csvCells(trimmed)
        .map((cell) => (safeToken(cell) ? cell : `[${[...cell].length} chars]`))
        .join(','),
    );
  }
  return clip(maskTokens(trimmed));
}

/**
 * A quarantine message as an operator sees it. The importer already words its messages without values; what
 * they may still quote — an unknown field name, an id that references nothing — is shown only if it passes the
 * id check, and any long digit run is hidden, so a message can never be the way a name or phone gets out.
 */
export function maskQuarantineMessage(message: string): string {
  return message
    .replace(/"([^"]*)"/g, (quoted, inner: string) =>
      safeFor('id', inner) ? quoted : `"[${[...inner].length} chars]"`,
    )
    .replace(/\d(?:[\s.-]*\d){6,}/g, (run) => (/^\d{4}-\d{2}-\d{2}$/.test(run) ? run : '[number]')); // a calendar day (an example in a message) is no phone
}
