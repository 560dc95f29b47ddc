import { describe, expect, it } from 'vitest';
import type { DisclosureContext, MerchantFacts } from './disclosure';
import { explainReasons } from './explanations';
import { buildGuessCard, type GuessInput, type ViewerPlace } from './guess';
import { DEFAULT_MASKING_POLICY } from './policy';

/** Hand-built cases of the guess card and the reasons; the properties over random mirrors are in guess.property.test.ts. */

const shop = (id: string, category: string, district: string, brand: string | null = null): MerchantFacts => ({
  id,
  name: `店${id}`,
  brand,
  category,
  channel: 'offline',
  district,
  lat: null,
  lon: null,
});

const real = shop('r', 'coffee', '静安区');
const mine = [
  shop('m1', 'coffee', '徐汇区'),
  shop('m2', 'gym', '徐汇区'),
  shop('m3', 'bookstore', '黄浦区'),
  shop('m4', 'cinema', '静安区'),
];

/** Every place, brand, category and district has 20 visitors: k never stands in the way unless a test says so. */
function context(merchants: MerchantFacts[], few: string[] = []): DisclosureContext {
  const count = (key: string) => (few.includes(key) ? 2 : 20);
  const place = new Map(merchants.map((m) => [m.id, count(m.id)]));
  const categoryInDistrict = new Map(
    merchants.map((m) => [`${m.category}\u0000${m.district}`, count(`${m.category}@${m.district}`)]),
  );
  const district = new Map(merchants.map((m) => [m.district!, count(m.district!)]));
  return {
    merchants: new Map(merchants.map((m) => [m.id, m])),
    counts: { place, brand: new Map(), categoryInDistrict, district },
  };
}

function input(over: Partial<GuessInput> = {}): GuessInput {
  const viewerPlaces: ViewerPlace[] = [real, ...mine].map((merchant) => ({ merchant, exposure: 'place' }));
  return {
    shared: [{ merchant: real, level: 'place' }],
    viewerPlaces,
    otherDistrict: null,
    context: context([real, ...mine]),
    policy: DEFAULT_MASKING_POLICY,
    seed: 'run|a|b|a',
    ...over,
  };
}

describe('the guess card', () => {
  it("offers the answer among three of the viewer's own places, coffee shops first", () => {
    const card = buildGuessCard(input());
    if (typeof card === 'string') throw new Error(card);
    expect(card.level).toBe('place');
    const names = card.choices.map((c) => c.label.name);
    expect(names).toContain('店r');
    expect(names.filter((n) => n !== '店r').every((n) => ['店m1', '店m2', '店m3', '店m4'].includes(n!))).toBe(true);
    // The one other coffee shop of the viewer is always among the decoys (most alike first).
    expect(names).toContain('店m1');
    expect(buildGuessCard(input())).toEqual(card);
  });

  it('never offers what the viewer hid, nor a place the pair shares as disclosed', () => {
    const hidden = input({
      viewerPlaces: [real, ...mine].map((merchant) => ({
        merchant,
        exposure: merchant.id === 'm2' ? 'hidden' : 'place',
      })),
    });
    const card0 = buildGuessCard(hidden);
    if (typeof card0 === 'string') throw new Error(card0);
    expect(card0.choices.map((c) => c.label.name).sort()).toEqual(['店m1', '店m3', '店m4', '店r']);
    const twoShared = input({
      shared: [
        { merchant: real, level: 'place' },
        { merchant: mine[0]!, level: 'place' },
      ],
    });
    // m1 would be a second right answer: it is never a decoy.
    const card = buildGuessCard(twoShared);
    if (typeof card === 'string') throw new Error(card);
    expect(card.choices.map((c) => c.label.name).sort()).toEqual(['店m2', '店m3', '店m4', '店r']);
  });

  it("makes no card where the other's district would point at the answer", () => {
    // The other lives in 静安区, like the answer; only one decoy (m4) is in 静安区 too: the district would tell.
    expect(buildGuessCard(input({ otherDistrict: '静安区' }))).toBe('not_enough_decoys');
    // A district in none of the choices points at none of them.
    expect(typeof buildGuessCard(input({ otherDistrict: '嘉定区' }))).toBe('object');
  });

  it('moves one level coarser when the place level has too few fair decoys, and keeps decoys k-anonymous', () => {
    const few = context([real, ...mine], ['m1', 'm2']);
    const card = buildGuessCard(input({ context: few }));
    if (typeof card === 'string') throw new Error(card);
    expect(card.level).toBe('category');
    const where = card.choices.map((c) => `${c.label.category}@${c.label.district}`);
    expect(where).toContain('coffee@静安区');
    expect(where).toContain('coffee@徐汇区');
    expect(new Set(where).size).toBe(4);
    expect(card.choices.every((c) => c.label.name === null)).toBe(true);
  });

  it('says why there is no card', () => {
    expect(buildGuessCard(input({ shared: [] }))).toBe('no_disclosed_place');
    expect(buildGuessCard(input({ viewerPlaces: [{ merchant: real, exposure: 'place' }] }))).toBe('not_enough_decoys');
  });
});

describe('reasons in words', () => {
  const label = {
    level: 'category' as const,
    name: null,
    brand: null,
    category: 'coffee',
    district: '静安区',
    online: false,
  };

  it('says they may have crossed paths only about a place the card may show', () => {
    expect(explainReasons(['may_have_met'], [{ label, hourBands: ['morning'] }], null)).toEqual([
      {
        code: 'may_have_met',
        key: 'preview.reason.may_have_met.full',
        params: { category: 'coffee', district: '静安区', hourBand: 'morning' },
      },
    ]);
    // The co-presence place was withheld: a disclosed place without an hour band does not stand in for it.
    expect(explainReasons(['may_have_met'], [{ label, hourBands: [] }], null)).toEqual([]);
    expect(explainReasons(['may_have_met', 'close_in_age'], [], null).map((r) => r.code)).toEqual(['close_in_age']);
    const brand = { ...label, level: 'brand' as const, category: null, district: null, brand: '小巷' };
    expect(explainReasons(['may_have_met'], [{ label: brand, hourBands: ['evening'] }], null)[0]).toMatchObject({
      key: 'preview.reason.may_have_met.brand',
      params: { brand: '小巷', hourBand: 'evening' },
    });
  });
});
