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
