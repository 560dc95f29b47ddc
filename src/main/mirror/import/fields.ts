import type { ExportField, IdTable } from '../../../shared/domain/export-format';
import { daysFromCivil } from '../../../shared/domain/civil-days';
import { platformIsoTime } from '../../../shared/domain/platform-time';
import { RowProblem } from './row-problem';
import { holdsHalfCharacter } from '../../util/half-character';

export type { IdTable } from '../../../shared/domain/export-format';

/** Where a value came from: JSON keeps its types; a CSV cell is text that must be read as the field's type. */
export type Source = 'json' | 'csv';

/**
 * A field of the export format as the mirror stores it: a time becomes unix seconds, plus its offset in minutes in
 * `tzColumn` where the table keeps it; a reference the mirror keys (KEY_TABLES; tables.ts says which) is stored as the
 * id's integer key, in `keyColumn` (set on such references only: tables.ts).
 */
export type FieldSpec = ExportField & { tzColumn?: string; keyColumn?: string };

/**
 * The ids a row may name: the mirror's, plus each this import accepted (and less each a snapshot erased), each with
 * its integer key (KEY_TABLES; db/migrations/016-user-keys.ts, 017-merchant-keys.ts). An id
 * accepted by the file being read has NO_KEY until the file is written (its key is made by the database as the row
 * is inserted) — no file names the ids it provides, so no row asks for it meanwhile.
 */
export type KnownIds = Record<IdTable, Map<string, number>>;
export const NO_KEY = -1;

/** The table that gives each id of an id table its integer key (made by a trigger as the id's row is first inserted). */
export const KEY_TABLES: Readonly<Record<IdTable, string>> = { users: 'user_keys', merchants: 'merchant_keys' };
/** The trigger on each id table that makes a new id its key (a bulk load into an empty table makes them at once). */
export const KEY_TRIGGERS: Readonly<Record<IdTable, string>> = { users: 'users_key', merchants: 'merchants_key' };

export type SqlValue = string | number | null;

/** Ids are opaque text, 1–64 Unicode characters (DATA-FORMAT.md). */
const ID_MAX = 64;

export function charLength(s: string): number {
  // UTF-16 length over-counts only for astral characters; count code points only when it could matter.
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

/**
 * What a refused value was, without the value: a quarantined row is upstream's raw data (a name, a phone, the
 * minute someone paid) and its message is shown to operators, so messages say the field and what was wrong,
 * never what was there. The masked excerpt beside it shows the row's harmless parts.
 */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string')
    return v === '' ? 'an empty string' : `text of ${charLength(v)} character${charLength(v) === 1 ? '' : 's'}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return 'a number';
  return String(v);
}

/**
 * A NUL character in text: CSV refuses the raw byte, and JSON's escape `\u0000` must not smuggle one in either
 * (C strings and many tools end text at a NUL; upstream never means one).
 */
function refuseNul(name: string, v: string, source: Source): void {
  if (v.indexOf('\0') !== -1)
    throw new RowProblem(
      source === 'json' ? 'bad_json' : 'bad_csv',
      name,
      `${name} contains a NUL character (${source === 'json' ? 'the escape \\u0000' : 'a zero byte'}), which text never holds`,
    );
}

/** A number in a CSV cell: JSON's number syntax, leading zeros allowed (no sign +, no spaces, no hex). */
const CSV_NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/**
 * Whether a number as written (JSON's syntax, leading zeros allowed) is exactly an integer: `1400`, `1400.0`, `1.4e3`,
 * `14000e-1` are; `14.5` and `1400.00000000000001` are not. Read by its digits, not as a double: a double rounds
 * 1400.00000000000001 to 1400, and an amount upstream wrote with a fraction would be stored as a whole one.
 */
export function isIntegerLiteral(text: string): boolean {
  // Hand-written, allocating nothing: a CSV file whose columns come in another order reads every amount through here.
  let i = text.charCodeAt(0) === 0x2d ? 1 : 0;
  const intFrom = i;
  while (digit(text, i) >= 0) i++;
  const intLen = i - intFrom;
  if (intLen === 0) return false;
  let fracFrom = i;
  if (text.charCodeAt(i) === 0x2e) {
    fracFrom = ++i;
    while (digit(text, i) >= 0) i++;
    if (i === fracFrom) return false;
  }
  const fracLen = i - fracFrom;
  let exponent = 0;
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    const expFrom = ++i;
    if (text.charCodeAt(i) === 0x2b || text.charCodeAt(i) === 0x2d) i++;
    const digitsFrom = i;
    while (digit(text, i) >= 0) i++;
    if (i === digitsFrom) return false;
    exponent = Number(text.slice(expFrom, i));
  }
  if (i !== text.length) return false;
  // Every digit after the decimal point, once the exponent has moved it, must be 0.
  for (let k = Math.max(intLen + exponent, 0); k < intLen + fracLen; k++)
    if (text.charCodeAt(k < intLen ? intFrom + k : fracFrom + k - intLen) !== 0x30) return false;
  return true;
}

/**
 * JSON's `\ud83d` escape can name half a character (a writer that cut an emoji by UTF-16 units): valid JSON, but not
 * text — SQLite would store bytes that are not UTF-8 and read them back as three U+FFFD, so the row would no longer be
 * the one upstream sent (a snapshot would not even recognise its key). Raw bytes cannot carry one (invalid UTF-8 is
 * refused when read), so only JSON's general path needs the check: the fast path takes no escapes.
 */
function refuseLoneSurrogate(name: string, v: string, source: Source): void {
  if (source === 'json' && holdsHalfCharacter(v))
    throw new RowProblem(
      'bad_json',
      name,
      `${name} holds half of a character (a lone UTF-16 surrogate escape, as when text is cut inside an emoji)`,
    );
}

function wrongType(field: string, want: string, got: unknown): RowProblem {
  return new RowProblem('wrong_type', field, `${field} must be ${want}, got ${typeName(got)}`);
}

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

function num(s: string, i: number, len: number): number {
  let v = 0;
  for (let k = 0; k < len; k++) {
    const d = digit(s, i + k);
    if (d < 0) return -1;
    v = v * 10 + d;
  }
  return v;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function parseDate(s: string): { y: number; m: number; d: number } | undefined {
  if (s.length < 10 || s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d) return undefined;
  const y = num(s, 0, 4);
  const m = num(s, 5, 2);
  const d = num(s, 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return { y, m, d };
}

/** Written by parseIsoTimeAt: the last parsed time, so the hot path allocates nothing per row. */
export const parsedTime = { seconds: 0, offsetMinutes: 0 };

// Per-day cache: an export's times fall on a few hundred days, so the calendar arithmetic runs once per day seen
// in a row rather than once per row.
let cachedDateKey = -1;
let cachedDayStart = 0;

/**
 * Parses `s[from, to)` as `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM|±HHMM|±HH)` into `parsedTime` (fractions of a second are
 * dropped: the mirror keeps seconds); false when malformed or without
 * an offset (a local time without offset is ambiguous, so it is refused). Works on offsets so a CSV cell need not
 * be cut out of its record first. Hand-written: it runs 5 million times.
 */
export function parseIsoTimeAt(s: string, from: number, to: number): boolean {
  if (to - from < 20 || s.charCodeAt(from + 4) !== 0x2d || s.charCodeAt(from + 7) !== 0x2d) return false;
  const t = s.charCodeAt(from + 10);
  if ((t !== 0x54 && t !== 0x74) || s.charCodeAt(from + 13) !== 0x3a || s.charCodeAt(from + 16) !== 0x3a) return false;
  const y = num(s, from, 4);
  const m = num(s, from + 5, 2);
  const d = num(s, from + 8, 2);
  // Years upstream can mean: a payment in 0000 or 9999 is a broken clock or a placeholder, not a time.
  if (y < 1970 || y > 2100 || m < 0 || d < 0) return false;
  const dateKey = y * 10000 + m * 100 + d;
  if (dateKey !== cachedDateKey) {
    if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return false;
    cachedDayStart = daysFromCivil(y, m, d) * 86400;
    cachedDateKey = dateKey;
  }
  const hh = num(s, from + 11, 2);
  const mi = num(s, from + 14, 2);
  const ss = num(s, from + 17, 2);
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59) return false;
  let i = from + 19;
  if (s.charCodeAt(i) === 0x2e) {
    i++;
    const digitsFrom = i;
    while (i < to && digit(s, i) >= 0) i++;
    if (i === digitsFrom) return false;
  }
  let offset: number;
  const c = s.charCodeAt(i);
  if ((c === 0x5a || c === 0x7a) && i + 1 === to) offset = 0;
  else if (c === 0x2b || c === 0x2d) {
    // ±HH:MM as upstream writes it; ±HHMM (strftime's %z) and ±HH are the same offsets in ISO 8601's other spellings.
    const colon = i + 6 === to && s.charCodeAt(i + 3) === 0x3a;
    if (!colon && i + 5 !== to && i + 3 !== to) return false;
    const oh = num(s, i + 1, 2);
    const om = i + 3 === to ? 0 : num(s, colon ? i + 4 : i + 3, 2);
    if (oh < 0 || om < 0 || om > 59 || oh * 60 + om > 14 * 60) return false; // offsets end at ±14:00
    offset = c === 0x2d ? 0 - (oh * 60 + om) : oh * 60 + om; // 0 - x: -00:00 is offset 0, not -0
  } else return false;
  parsedTime.seconds = cachedDayStart + hh * 3600 + mi * 60 + ss - offset * 60;
  parsedTime.offsetMinutes = offset;
  return true;
}

/** `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)` → [unix seconds, offset minutes], or undefined when malformed. */
export function parseIsoTime(s: string): [number, number] | undefined {
  return parseIsoTimeAt(s, 0, s.length) ? [parsedTime.seconds, parsedTime.offsetMinutes] : undefined;
}

/**
 * Checks one field's value and appends its column value(s) to `out`. Throws RowProblem naming the field.
 * `undefined` means the key is absent (JSON) or the column is missing (CSV header): refused as `missing_field`.
 * `numberText`: a JSON number's text as written, where it may not be what the double says (see isIntegerLiteral).
 */
export function convertField(
  f: FieldSpec,
  v: unknown,
  source: Source,
  knownIds: KnownIds,
  out: SqlValue[],
  numberText?: string,
): void {
  const name = f.name;
  // Absent is not null, even where null is allowed: an increment's consent row without `revoked_at` would
  // otherwise restore a withdrawn consent, a users row without `phone` erase the phone. Only a written null is null.
  if (v === undefined)
    throw new RowProblem(
      'missing_field',
      name,
      `${name} is missing${f.nullable ? ' (it may be null, but must be written: null for none)' : ''}`,
    );
  if (v === null) {
    if (f.nullable) {
      out.push(null);
      if (f.kind === 'time' && f.tzColumn) out.push(null);
      return;
    }
    throw new RowProblem(
      'wrong_type',
      name,
      `${name} must not be null${source === 'csv' ? ' (an unquoted empty cell is null; write "" for an empty string)' : ''}`,
    );
  }
  switch (f.kind) {
    case 'id':
    case 'ref': {
      if (typeof v !== 'string') throw wrongType(name, 'a string id (ids are text, even when numeric-looking)', v);
      refuseNul(name, v, source);
      refuseLoneSurrogate(name, v, source);
      if (v.length === 0 || (v.length > ID_MAX && charLength(v) > ID_MAX)) {
        throw new RowProblem(
          v.length === 0 ? 'out_of_range' : 'too_long',
          name,
          `${name} must be 1–${ID_MAX} characters, got ${charLength(v)}`,
        );
      }
      const key = f.kind === 'ref' ? knownIds[f.table].get(v) : undefined;
      if (f.kind === 'ref' && key === undefined) {
        throw new RowProblem(
          'unknown_reference',
          name,
          `${name} "${v.length > 64 ? v.slice(0, 64) : v}" is not a known ${f.table === 'users' ? 'user' : 'merchant'} (not in the mirror or erased by this snapshot, and no row of ${f.table} accepted by this import: see whether its own row was refused)`,
        );
      }
      out.push(f.keyColumn !== undefined ? key! : v);
      return;
    }
    case 'string': {
      if (typeof v !== 'string') throw wrongType(name, 'a string', v);
      refuseNul(name, v, source);
      refuseLoneSurrogate(name, v, source);
      if (f.max !== undefined && v.length > f.max && charLength(v) > f.max) {
        throw new RowProblem('too_long', name, `${name} must be at most ${f.max} characters, got ${charLength(v)}`);
      }
      out.push(v);
      return;
    }
    case 'enum': {
      if (typeof v !== 'string') throw wrongType(name, `one of ${f.values.join(', ')}`, v);
      if (!f.values.includes(v))
        throw new RowProblem('out_of_range', name, `${name} must be one of ${f.values.join(', ')}, got ${typeName(v)}`);
      out.push(v);
      return;
    }
    case 'int':
    case 'number': {
      let n: number;
      if (source === 'csv' && typeof v === 'string') {
        // A cell is read as JSON reads a number (plus leading zeros), so a value means the same in either format:
        // 1400.0 and 1.4e3 are the integer 1400 in both, and a fraction is refused in both (below).
        if (!CSV_NUMBER.test(v)) throw wrongType(name, f.kind === 'int' ? 'an integer' : 'a number', v);
        n = Number(v);
      } else if (typeof v === 'number') n = v;
      else throw wrongType(name, f.kind === 'int' ? 'an integer' : 'a number', v);
      // A fraction too small for a double to keep (1400.00000000000001) is still a fraction: refused, not rounded.
      // (A JSON number comes with its text only when written with a fraction or an exponent: a plain one is exact.)
      if (
        f.kind === 'int' &&
        (!Number.isInteger(n) ||
          (typeof v === 'string' ? !isIntegerLiteral(v) : numberText !== undefined && !isIntegerLiteral(numberText)))
      )
        throw wrongType(name, 'an integer', v);
      if (!Number.isFinite(n) || n < f.min || n > f.max || (f.kind === 'int' && !Number.isSafeInteger(n))) {
        throw new RowProblem(
          'out_of_range',
          name,
          `${name} must be between ${f.min} and ${f.max}, got ${typeof v === 'number' ? 'a number outside that range' : typeName(v)}`,
        );
      }
      out.push(n);
      return;
    }
    case 'bool': {
      // JSON has booleans; only a CSV cell spells them as text.
      if (v === true || (source === 'csv' && v === 'true')) out.push(1);
      else if (v === false || (source === 'csv' && v === 'false')) out.push(0);
      else throw wrongType(name, 'true or false', v);
      return;
    }
    case 'time': {
      if (typeof v !== 'string') throw wrongType(name, 'an ISO-8601 time string', v);
      if (!parseIsoTimeAt(v, 0, v.length))
        throw new RowProblem(
          'bad_time',
          name,
          `${name} must be an ISO-8601 time with an offset between 1970 and 2100 (e.g. ${platformIsoTime('2026-11-24', '08:30:00')}), got ${typeName(v)}`,
        );
      out.push(parsedTime.seconds);
      if (f.tzColumn) out.push(parsedTime.offsetMinutes);
      return;
    }
    case 'date': {
      if (typeof v !== 'string') throw wrongType(name, 'a date string YYYY-MM-DD', v);
      // The same years as a time's: 0001-01-01 (Go's zero time, a default nobody set) is no day an introduction
      // was made, and as the oldest day it would sort before every real one.
      const date = v.length === 10 ? parseDate(v) : undefined;
      if (!date || date.y < 1970 || date.y > 2100)
        throw new RowProblem(
          'bad_time',
          name,
          `${name} must be a date YYYY-MM-DD between 1970 and 2100, got ${typeName(v)}`,
        );
      out.push(v);
      return;
    }
  }
}
