import { describe, expect, it } from 'vitest';
import { daysFromCivil, isoDateFromDays } from './civil-days';

describe('days since 1970 and calendar dates', () => {
  it('go both ways for every year 0–9999 (every 7th day), and agree with Date', () => {
    for (let days = daysFromCivil(0, 1, 1); days < daysFromCivil(10000, 1, 1); days += 7) {
      const iso = isoDateFromDays(days);
      const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
      expect(daysFromCivil(y, m, d), iso).toBe(days);
    }
    for (const [iso, y, m, d] of [
      ['1970-01-01', 1970, 1, 1],
      ['2000-02-29', 2000, 2, 29],
      ['2100-03-01', 2100, 3, 1],
      ['1969-12-31', 1969, 12, 31],
    ] as const) {
      expect(daysFromCivil(y, m, d)).toBe(Date.UTC(y, m - 1, d) / 86_400_000);
      expect(isoDateFromDays(daysFromCivil(y, m, d))).toBe(iso);
    }
  });
});
