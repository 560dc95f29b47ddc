import { MERCHANT_CATEGORY_EXAMPLES } from './export-format';

/**
 * The vocabulary of places as the masked preview speaks of them: merchant categories with words of their own, the
 * hour bands co-presence is judged in, and the levels a shared place is disclosed at. The engine, the privacy
 * module, the contract and the renderer's words are typed from these lists.
 */

/**
 * Merchant categories the console has words for. Categories are open text upstream (DATA-FORMAT.md names examples):
 * one outside this list is shown with a generic word ("shop"), never raw, and the Mirror page lists it so its words
 * can be added here (a compile error in the catalogue until they are written).
 */
export const KNOWN_CATEGORIES = [
  ...MERCHANT_CATEGORY_EXAMPLES,
  'bakery',
  'pharmacy',
  'tea',
  'bar',
  'fruit',
  'beauty',
  'clothing',
  'hotel',
] as const;
export type KnownCategory = (typeof KNOWN_CATEGORIES)[number];
export const isKnownCategory = (value: string): value is KnownCategory =>
  (KNOWN_CATEGORIES as readonly string[]).includes(value);

/**
 * Hour bands: "the same hour band" is how co-presence is judged, coarse enough that two people queueing at the same
 * café on weekday mornings count; the names are what explanations show (never exact times).
 */
export const HOUR_BANDS = ['night', 'morning', 'midday', 'afternoon', 'evening', 'late'] as const;
export type HourBand = (typeof HOUR_BANDS)[number];
export const isHourBand = (value: string): value is HourBand => (HOUR_BANDS as readonly string[]).includes(value);

/** What a view may show of a shared place, finest first. `district` is the k-anonymity fallback below category. */
export const DISCLOSURE_LEVELS = ['place', 'brand', 'category', 'district'] as const;
export type DisclosureLevel = (typeof DISCLOSURE_LEVELS)[number];
