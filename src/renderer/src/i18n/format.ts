import { PLATFORM_TIME_ZONE } from '../../../shared/domain/platform-time';
import type { Locale } from './catalogue';

/** Numbers, money, dates and times in the operator's language. Times are shown in China time (the platform's). */
export function formatters(locale: Locale) {
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const money = new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY' });
  const dateTime = new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: PLATFORM_TIME_ZONE,
  });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: PLATFORM_TIME_ZONE });
  // "a, b and c" (British usage, no serial comma) in English; "a、b和c" in Chinese.
  const list = new Intl.ListFormat(locale === 'en' ? 'en-GB' : locale, { type: 'conjunction' });
  return {
    integer: (n: number) => integer.format(n),
    decimal: (n: number) => decimal.format(n),
    percent: (share: number) => percent.format(share),
    /** Money arrives in integer fen. */
    money: (fen: number) => money.format(fen / 100),
    dateTime: (iso: string | number | Date) => dateTime.format(new Date(iso)),
    date: (iso: string | number | Date) => date.format(new Date(iso)),
    /** Words joined as a sentence joins them. */
    list: (items: readonly string[]) => list.format(items),
    bytes: (n: number) => {
      const units = ['B', 'KiB', 'MiB', 'GiB'];
      let v = n;
      let u = 0;
      while (v >= 1024 && u < units.length - 1) {
        v /= 1024;
        u += 1;
      }
      return `${decimal.format(v)} ${units[u]}`;
    },
  };
}
export type Formatters = ReturnType<typeof formatters>;
