/**
 * The platform's calendar is China time: a run's date and "today" are days there, wherever the console runs.
 * (No daylight saving in Asia/Shanghai, so whole days are exactly 86,400 s.)
 */
export const PLATFORM_TIME_ZONE = 'Asia/Shanghai';

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: PLATFORM_TIME_ZONE });

/** YYYY-MM-DD in the platform's calendar, `offsetDays` from `now` (−1 = yesterday). */
export function platformDay(offsetDays = 0, now = Date.now()): string {
  return dayFormat.format(new Date(now + offsetDays * 86_400_000));
}
