import { describe, expect, it } from 'vitest';
import {
  DAY_SECONDS,
  platformDay,
  platformDayOf,
  platformDayPlus,
  platformDaysBetween,
  platformIsoTime,
  platformIsoTimeOf,
  platformMidnight,
  platformNoon,
} from './platform-time';

describe('platform time', () => {
  it('names the same day as the calendar does, for every kind of second (day arithmetic against Date)', () => {
    const viaDate = (t: number): string => new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 10);
    const cases = [
      0,
      -1,
      -28_800,
      -28_801,
      951_782_400 - 28_800,
      4_102_444_800,
      253_402_271_999 - 28_800,
      253_402_271_999,
    ];
    // Leap days, century years (2100 is not a leap year, 2000 is), the last second of a day, fractions.
    for (const day of ['2000-02-29', '2100-02-28', '2100-03-01', '2024-12-31', '1970-01-01', '9999-12-31'])
      cases.push(platformMidnight(day), platformMidnight(day) - 1, platformMidnight(day) + DAY_SECONDS - 0.5);
    let seed = 7;
    const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5_000; i++) cases.push(Math.floor(next() * 8_000_000_000) - 1_000_000_000 + next());
    for (const t of cases) expect(platformDayOf(t), `second ${t}`).toBe(viaDate(t));
  });

  it('puts day boundaries at midnight in China, whatever the machine runs in', () => {
    const midnight = platformMidnight('2026-11-24');
    expect(midnight).toBe(Date.UTC(2026, 10, 23, 16) / 1000);
    expect(platformDayOf(midnight)).toBe('2026-11-24');
    expect(platformDayOf(midnight - 1)).toBe('2026-11-23');
    expect(platformDayOf(midnight + DAY_SECONDS - 1)).toBe('2026-11-24');
    expect(platformDay(0, midnight * 1000)).toBe('2026-11-24');
    expect(platformDay(-1, midnight * 1000)).toBe('2026-11-23');
    expect(platformMidnight('not a date')).toBeNaN();
  });

  it('writes times the way upstream does, and reads them back to the same second', () => {
    expect(platformIsoTime('2026-11-24', '04:00:00')).toBe('2026-11-24T04:00:00+08:00');
    const t = Date.parse('2026-11-24T08:30:05+08:00') / 1000;
    expect(platformIsoTimeOf(t)).toBe('2026-11-24T08:30:05+08:00');
    expect(Date.parse(platformIsoTimeOf(t + 0.9)) / 1000).toBe(t);
    expect(platformNoon('2026-11-24').toISOString()).toBe('2026-11-24T04:00:00.000Z');
  });

  it('counts days across month and year ends', () => {
    expect(platformDayPlus('2026-11-30', 1)).toBe('2026-12-01');
    expect(platformDayPlus('2026-12-31', 1)).toBe('2027-01-01');
    expect(platformDayPlus('2026-03-01', -1)).toBe('2026-02-28');
    expect(platformDaysBetween('2026-11-24', '2026-12-02')).toBe(8);
    expect(platformDaysBetween('2026-12-02', '2026-11-24')).toBe(-8);
  });
});
