/**
 * Calendar arithmetic for a run date. Upstream writes times at +08:00 and a "day" of consumption is a local day
 * there, so the window's day boundaries fall at 00:00 +08:00 whatever the machine's zone.
 */
export const UPSTREAM_OFFSET_MINUTES = 480;
const DAY = 86_400;

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
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`${where}: expected YYYY-MM-DD, got "${date}"`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(year, month - 1, day));
  if (t.getUTCFullYear() !== year || t.getUTCMonth() !== month - 1 || t.getUTCDate() !== day) {
    throw new Error(`${where}: "${date}" is not a calendar date`);
  }
  return { year, month, day };
}

/** The `days` local days ending with (and including) the run date. */
export function runWindow(date: string, days: number): RunWindow {
  const { year, month, day } = parseRunDate(date);
  const dayStart = Date.UTC(year, month - 1, day) / 1000 - UPSTREAM_OFFSET_MINUTES * 60;
  const end = dayStart + DAY;
  return { date, start: end - days * DAY, end, days, year };
}

/** The local day of the run date's upstream zone that a unix time falls in, as YYYY-MM-DD. */
export function localDate(unixSeconds: number): string {
  return new Date((unixSeconds + UPSTREAM_OFFSET_MINUTES * 60) * 1000).toISOString().slice(0, 10);
}

/**
 * Hour bands: "the same hour band" is how co-presence is judged, coarse enough that two people queueing at the
 * same café on weekday mornings count, and the names are what explanations show (never exact times).
 */
export const HOUR_BANDS = ['night', 'morning', 'midday', 'afternoon', 'evening', 'late'] as const;
export type HourBand = (typeof HOUR_BANDS)[number];
const BAND_OF_HOUR = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5];

/** Band index of a payment at local time (paid_at + paid_tz minutes). */
export function hourBand(paidAt: number, tzMinutes: number): number {
  const local = paidAt + tzMinutes * 60;
  const hour = Math.floor((((local % DAY) + DAY) % DAY) / 3600);
  return BAND_OF_HOUR[hour]!;
}
