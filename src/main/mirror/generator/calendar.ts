import { PLATFORM_OFFSET_SECONDS, PLATFORM_UTC_OFFSET } from '../../../shared/domain/platform-time';

/**
 * Local time in the exported city: platform time, written as ISO-8601 strings with its offset.
 * 5 million timestamps are formatted per 100k users, so a day's date prefix and every second-of-day suffix
 * are built once and concatenated, instead of going through Date per row.
 */
export const CITY_OFFSET_SECONDS = PLATFORM_OFFSET_SECONDS;
const OFFSET_SUFFIX = PLATFORM_UTC_OFFSET;

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

let timeOfDayCache: string[] | undefined;
/** "HH:MM:SS+08:00" (platform time) for every second of a day. */
function timesOfDay(): string[] {
  if (!timeOfDayCache) {
    const out = new Array<string>(86400);
    for (let s = 0; s < 86400; s++)
      out[s] = `${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}${OFFSET_SUFFIX}`;
    timeOfDayCache = out;
  }
  return timeOfDayCache;
}

/** Local ISO time of a unix second. */
export function isoLocal(unixSeconds: number): string {
  const local = Math.floor(unixSeconds) + CITY_OFFSET_SECONDS;
  const day = Math.floor(local / 86400);
  const d = new Date(day * 86400_000);
  return `${d.toISOString().slice(0, 10)}T${timesOfDay()[local - day * 86400]}`;
}

/** Parses 'YYYY-MM-DD' (strictly) to the unix second of local midnight. */
export function localMidnight(date: string, where: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new Error(`${where}: expected a date 'YYYY-MM-DD', got "${date}"`);
  }
  return ms / 1000 - CITY_OFFSET_SECONDS;
}

/** The generated window: `days` whole local days ending the day before `endDate` (the export's date). */
export class WindowCalendar {
  readonly days: number;
  /** Unix second of local midnight of day 0. */
  readonly start: number;
  /** Local midnight of endDate: the export is taken early that morning. */
  readonly end: number;
  /** 0 = Monday … 6 = Sunday, per window day. */
  readonly weekday: Uint8Array;
  /** Local day-of-month per window day (rent is paid at the start of a month). */
  readonly dayOfMonth: Uint8Array;
  private readonly prefix: string[];
  private readonly dates: string[];
  private readonly tod = timesOfDay();
  /** "YYYY-MM-DDT" per window day, 11 ASCII bytes each (for writing rows without strings). */
  readonly prefixBytes: Buffer;
  /** "HH:MM:SS+08:00" per second of day, 14 ASCII bytes each. */
  readonly timeBytes: Buffer;
  /** "YYYYMMDD" per window day, 8 ASCII bytes each (the date inside platform row ids). */
  readonly date8Bytes: Buffer;

  constructor(endDate: string, days: number) {
    this.end = localMidnight(endDate, 'endDate');
    this.days = days;
    this.start = this.end - days * 86400;
    this.weekday = new Uint8Array(days);
    this.dayOfMonth = new Uint8Array(days);
    this.prefix = new Array<string>(days);
    this.dates = new Array<string>(days);
    for (let d = 0; d < days; d++) {
      const noonUtc = new Date((this.start + d * 86400 + CITY_OFFSET_SECONDS + 43200) * 1000);
      this.weekday[d] = (noonUtc.getUTCDay() + 6) % 7;
      this.dayOfMonth[d] = noonUtc.getUTCDate();
      this.dates[d] = noonUtc.toISOString().slice(0, 10);
      this.prefix[d] = `${this.dates[d]}T`;
    }
    this.prefixBytes = Buffer.from(this.prefix.join(''), 'latin1');
    this.timeBytes = Buffer.from(this.tod.join(''), 'latin1');
    this.date8Bytes = Buffer.from(this.dates.map((d) => d.replaceAll('-', '')).join(''), 'latin1');
  }

  /** ISO time of second `second` (0–86399) of window day `day`. */
  iso(day: number, second: number): string {
    return (this.prefix[day] as string) + (this.tod[second] as string);
  }

  /** 'YYYY-MM-DD' of window day `day`. */
  date(day: number): string {
    return this.dates[day] as string;
  }

  unix(day: number, second: number): number {
    return this.start + day * 86400 + second;
  }
}
