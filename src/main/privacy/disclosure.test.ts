import { describe, expect, it } from 'vitest';
import {
  disclosureLevel,
  labelKey,
  levelsAllowedBy,
  type MerchantFacts,
  placeLabel,
  sharedExposure,
  type VisitorCounts,
} from './disclosure';
import { createMaskingPolicy, DEFAULT_MASKING_POLICY } from './policy';
import { PrivacyInputError } from './errors';

const cafe: MerchantFacts = {
  id: 'm1',
  name: '巷口咖啡',
  brand: '小巷',
  category: 'coffee',
  channel: 'offline',
  district: '静安区',
  lat: 31.2,
  lon: 121.4,
};
const noBrand: MerchantFacts = { ...cafe, id: 'm2', name: '独立书店', brand: null, category: 'bookstore' };

function counts(place: number, brand: number, category: number, district: number): VisitorCounts {
  return {
    place: new Map([
      ['m1', place],
      ['m2', place],
    ]),
    brand: new Map([['小巷', brand]]),
    categoryInDistrict: new Map([
      ['coffee\u0000静安区', category],
      ['bookstore\u0000静安区', category],
    ]),
    district: new Map([['静安区', district]]),
  };
}

describe('place disclosure', () => {
  it('takes the coarser of the two exposures; a missing row is hidden', () => {
    expect(sharedExposure('place', 'brand')).toBe('brand');
    expect(sharedExposure('category', 'place')).toBe('category');
    expect(sharedExposure('place', undefined)).toBe('hidden');
    expect(sharedExposure(null, 'place')).toBe('hidden');
    expect(levelsAllowedBy('hidden')).toEqual([]);
    expect(levelsAllowedBy('brand')).toEqual(['brand', 'category', 'district']);
  });

  it('generalises place → brand → category → district → withheld as visitor counts fall under k', () => {
    const p = DEFAULT_MASKING_POLICY; // k = 5
    expect(disclosureLevel(cafe, 'place', counts(5, 9, 9, 9), p)).toBe('place');
    expect(disclosureLevel(cafe, 'place', counts(4, 5, 9, 9), p)).toBe('brand');
    expect(disclosureLevel(cafe, 'place', counts(4, 4, 5, 9), p)).toBe('category');
    expect(disclosureLevel(cafe, 'place', counts(4, 4, 4, 5), p)).toBe('district');
    expect(disclosureLevel(cafe, 'place', counts(4, 4, 4, 4), p)).toBeNull();
    // Never finer than the exposure allows, however many visitors.
    expect(disclosureLevel(cafe, 'category', counts(99, 99, 99, 99), p)).toBe('category');
    expect(disclosureLevel(cafe, 'hidden', counts(99, 99, 99, 99), p)).toBeNull();
    // No brand: the brand step is skipped.
    expect(disclosureLevel(noBrand, 'place', counts(4, 99, 5, 9), p)).toBe('category');
  });

  it('refuses k below 3, naming the field', () => {
    expect(() => createMaskingPolicy({ k: 2 })).toThrow(PrivacyInputError);
    expect(() => disclosureLevel(cafe, 'place', counts(9, 9, 9, 9), { ...DEFAULT_MASKING_POLICY, k: 1 })).toThrow(
      /k must be an integer of at least 3/,
    );
  });

  it('labels show only what their level allows', () => {
    expect(placeLabel(cafe, 'place')).toEqual({
      level: 'place',
      name: '巷口咖啡',
      brand: null,
      category: 'coffee',
      district: '静安区',
      online: false,
    });
    expect(placeLabel(cafe, 'brand')).toEqual({
      level: 'brand',
      name: null,
      brand: '小巷',
      category: null,
      district: null,
      online: false,
    });
    expect(placeLabel(cafe, 'category')).toEqual({
      level: 'category',
      name: null,
      brand: null,
      category: 'coffee',
      district: '静安区',
      online: false,
    });
    expect(placeLabel(cafe, 'district')).toEqual({
      level: 'district',
      name: null,
      brand: null,
      category: null,
      district: '静安区',
      online: false,
    });
    expect(labelKey(placeLabel(cafe, 'brand'))).toBe(
      labelKey(placeLabel({ ...cafe, channel: 'online', district: null }, 'brand')),
    );
  });
});
