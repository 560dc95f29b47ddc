import { calendarDate, DAY_SECONDS as DAY, PLATFORM_OFFSET_SECONDS } from '../../shared/domain/platform-time';

/**
 * Calendar arithmetic for a run date. A "day" of consumption is a platform day, so the window's day boundaries
 * fall at platform midnight whatever the machine's zone.
 */

export interface RunWindow {
  date: string;
  /** Unix seconds, inclusive. */
  start: number;
  /** Unix seconds, exclusive: the end of the run date. */
  end: number;
  days: number;
  year: number;
}

/** Parses `YYYY-MM-DD` strictly (a real calendar date) or throws naming the field. */
export function parseRunDate(date: string, where = 'date'): { year: number; month: number; day: number } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`${where}: expected YYYY-MM-DD, got "${date}"`);
  const parts = calendarDate(date);
  if (!parts) throw new Error(`${where}: "${date}" is not a calendar date`);
  return parts;
}

/** The `days` local days ending with (and including) the run date. */
export function runWindow(date: string, days: number): RunWindow {
  const { year, month, day } = parseRunDate(date);
  const dayStart = Date.UTC(year, month - 1, day) / 1000 - PLATFORM_OFFSET_SECONDS;
  const end = dayStart + DAY;
  return { date, start: end - days * DAY, end, days, year };
}

/** Hour bands (shared/domain/places.ts): an index here is a position in HOUR_BANDS. */
export { HOUR_BANDS, type HourBand } from '../../shared/domain/places';
const BAND_OF_HOUR = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5];

/** Band index of a payment at local time (paid_at + paid_tz minutes). */
export function hourBand(paidAt: number, tzMinutes: number): number {
  const local = paidAt + tzMinutes * 60;
  const hour = Math.floor((((local % DAY) + DAY) % DAY) / 3600);
  return BAND_OF_HOUR[hour]!;
}
