/**
 * Platform time: the platform's calendar is China time. Upstream writes every time with `+08:00`, a run's date
 * and "today" are days there, and rows without an offset of their own (flags, decisions, reports) are shown in
 * it — wherever the console runs. Asia/Shanghai has no daylight saving, so the offset is fixed and whole days are
 * exactly 86,400 s. Every place that needs the offset, a platform day or a platform midnight takes it from here.
 */
import { isoDateFromDays } from './civil-days';

export const PLATFORM_TIME_ZONE = 'Asia/Shanghai';

/** The offset as ISO-8601 writes it. */
export const PLATFORM_UTC_OFFSET = '+08:00';
export const PLATFORM_OFFSET_MINUTES = 8 * 60;
export const PLATFORM_OFFSET_SECONDS = PLATFORM_OFFSET_MINUTES * 60;

export const DAY_SECONDS = 86_400;
export const DAY_MS = DAY_SECONDS * 1000;

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: PLATFORM_TIME_ZONE });

/** YYYY-MM-DD in the platform's calendar, `offsetDays` from `now` (−1 = yesterday). */
export function platformDay(offsetDays = 0, now = Date.now()): string {
  return dayFormat.format(new Date(now + offsetDays * DAY_MS));
}

/** Days from 1970-01-01 to 10000-01-01: the days the calendar arithmetic is used for. */
const DAYS_TO_YEAR_10000 = 2_932_897;

/**
 * The platform day (YYYY-MM-DD) a unix time falls in. Every timeline row, decision and flag a reviewer sees gets
 * one, so it is computed from the day number (civil-days.ts) instead of formatting a Date per row (6 % of an item
 * pane's masking); times before 1970 or past 9999 go the Date way, which writes those years its own way.
 */
export function platformDayOf(unixSeconds: number): string {
  const local = unixSeconds + PLATFORM_OFFSET_SECONDS;
  const days = Math.floor(local / DAY_SECONDS);
  if (!(days >= 0 && days < DAYS_TO_YEAR_10000)) return new Date(local * 1000).toISOString().slice(0, 10);
  return isoDateFromDays(days);
}

/** ISO-8601 time of a wall-clock time (`HH:MM:SS`) on a platform date: `2026-11-24T04:00:00+08:00`. */
export function platformIsoTime(date: string, time: string): string {
  return `${date}T${time}${PLATFORM_UTC_OFFSET}`;
}

/** Unix seconds of 00:00 on a platform date (YYYY-MM-DD; NaN when it is not one). */
export function platformMidnight(date: string): number {
  return Date.parse(platformIsoTime(date, '00:00:00')) / 1000;
}

/**
 * Noon of a platform date: the instant that stands for the whole day (an age on that day, the day shown in any
 * time zone) — 12 hours from either edge, so no offset can move it to another date.
 */
export function platformNoon(date: string): Date {
  return new Date(platformIsoTime(date, '12:00:00'));
}

/** The ISO-8601 platform time of a unix second: `2026-11-24T08:30:00+08:00`. */
export function platformIsoTimeOf(unixSeconds: number): string {
  const local = new Date((Math.floor(unixSeconds) + PLATFORM_OFFSET_SECONDS) * 1000).toISOString();
  return `${local.slice(0, 19)}${PLATFORM_UTC_OFFSET}`;
}

/**
 * A platform date as YYYY-MM-DD that names a real day of the calendar (`2026-02-30` does not), as its parts; null
 * otherwise. The one check behind the contract's dates, the engine's run dates and the CLI's date options.
 */
export function calendarDate(date: string): { year: number; month: number; day: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(year, month - 1, day));
  if (t.getUTCFullYear() !== year || t.getUTCMonth() !== month - 1 || t.getUTCDate() !== day) return null;
  return { year, month, day };
}

/** The platform day `days` after (or, negative, before) a platform day. */
export function platformDayPlus(day: string, days: number): string {
  return platformDayOf(platformMidnight(day) + days * DAY_SECONDS);
}

/** Whole days from platform day `from` to platform day `to` (negative when `to` is earlier). */
export function platformDaysBetween(from: string, to: string): number {
  return Math.round((platformMidnight(to) - platformMidnight(from)) / DAY_SECONDS);
}
