/**
 * Field-level masks: pure functions from one raw value to what a view may show. Views, exports and logs get
 * these through the higher-level functions (profiles, places, redaction); they are exported for those and
 * for tests.
 */

/** What a masked value shows when there is nothing to show, and what any unparseable text becomes. */
export const REDACTED = '[redacted]';

/**
 * A nickname or legal name: its first character plus one `*` (`张*三` → `张*`, `Alice` → `A*`, empty → `*`).
 * Characters are counted by code point, so an emoji or a CJK extension character outside the BMP is kept
 * whole instead of being split into half a surrogate pair. One `*` whatever the length, so the mask does not
 * leak the name's length either.
 */
export function maskName(name: string | null | undefined): string {
  const trimmed = (name ?? '').trim();
  const first = trimmed.codePointAt(0);
  return first === undefined ? '*' : `${String.fromCodePoint(first)}*`;
}

/** A mainland mobile number, after removing separators and an optional +86 / 0086 / 86 country prefix. */
const MAINLAND_MOBILE = /^1\d{10}$/;

/**
 * A phone number: `138****5678` for an 11-digit mainland mobile (first 3 and last 4 digits kept); any other
 * shape keeps only its last 2 digits behind a fixed `****` (the length of a foreign or landline number is not
 * shown). Fewer than 3 digits shows nothing but `****`.
 */
export function maskPhone(phone: string | null | undefined): string {
  const digits = (phone ?? '').replace(/\D/g, '');
  const national = digits.replace(/^(?:0086|86)(?=1\d{10}$)/, '');
  if (MAINLAND_MOBILE.test(national)) return `${national.slice(0, 3)}****${national.slice(7)}`;
  if (digits.length < 3) return '****';
  return `****${digits.slice(-2)}`;
}

/**
 * Free text (a transfer memo, a greeting, a report): never shown in a masked view, not even in part, because
 * people write phone numbers, addresses and WeChat ids in it. Only its length in characters remains.
 */
export function maskFreeText(text: string | null | undefined): string {
  const n = [...(text ?? '')].length;
  return n === 0 ? '' : `[text, ${n} chars]`;
}

/**
 * The age band for a birth year at a reference date: `25–29` for 5-year bands. Upstream gives only the
 * year of birth, so age is the age reached during the reference year, in the local calendar of
 * `tzOffsetMinutes`.
 */
export function ageBand(birthYear: number, reference: Date, bandYears: number, tzOffsetMinutes: number): string {
  if (!Number.isInteger(birthYear)) throw new RangeError(`ageBand: birth year must be an integer (got ${birthYear})`);
  const refYear = new Date(reference.getTime() + tzOffsetMinutes * 60_000).getUTCFullYear();
  const age = refYear - birthYear;
  if (age < 0) throw new RangeError(`ageBand: birth year ${birthYear} is after the reference year ${refYear}`);
  const low = Math.floor(age / bandYears) * bandYears;
  return `${low}–${low + bandYears - 1}`;
}

export type DayKind = 'weekday' | 'weekend';
export type DayPart = 'night' | 'morning' | 'afternoon' | 'evening';

/** The finest a time may be shown: the kind of day and the part of it, in the payer's local time. */
export interface TimeBand {
  dayKind: DayKind;
  dayPart: DayPart;
  /** e.g. `weekday morning`, `weekend evening`. */
  label: string;
}

function localDate(unixSeconds: number, tzOffsetMinutes: number): Date {
  if (!Number.isFinite(unixSeconds)) throw new RangeError(`time must be finite unix seconds (got ${unixSeconds})`);
  return new Date((unixSeconds + tzOffsetMinutes * 60) * 1000);
}

/**
 * A coarse time band: weekday or weekend, and night (0–5 h), morning (6–11 h), afternoon (12–17 h) or
 * evening (18–23 h) in the local time given by the row's own `*_tz` offset.
 */
export function timeBand(unixSeconds: number, tzOffsetMinutes: number): TimeBand {
  const local = localDate(unixSeconds, tzOffsetMinutes);
  const dow = local.getUTCDay();
  const hour = local.getUTCHours();
  const dayKind: DayKind = dow === 0 || dow === 6 ? 'weekend' : 'weekday';
  const dayPart: DayPart = hour < 6 ? 'night' : hour < 12 ? 'morning' : hour < 18 ? 'afternoon' : 'evening';
  return { dayKind, dayPart, label: `${dayKind} ${dayPart}` };
}

/**
 * A date bucket in the local calendar: an ISO week (`2026-W48`) or a month (`2026-11`). Never a day:
 * a day plus a place is often enough to find a person on a camera or a receipt.
 */
export function dateBucket(unixSeconds: number, tzOffsetMinutes: number, size: 'week' | 'month'): string {
  const local = localDate(unixSeconds, tzOffsetMinutes);
  if (size === 'month') {
    return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
  }
  // ISO 8601 week: the week belongs to the year of its Thursday.
  const day = (local.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - day + 3));
  const isoYear = thursday.getUTCFullYear();
  const jan4 = new Date(Date.UTC(isoYear, 0, 4));
  const firstThursday = Date.UTC(isoYear, 0, 4 - ((jan4.getUTCDay() + 6) % 7) + 3);
  const week = 1 + Math.round((thursday.getTime() - firstThursday) / (7 * 86_400_000));
  return `${isoYear}-W${String(week).padStart(2, '0')}`;
}
