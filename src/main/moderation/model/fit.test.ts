import { describe, expect, it } from 'vitest';
import type { UserFeatures } from '../features';
import { fitDetectorModel, fitWithoutFamily, type FitOptions, HARD_NEGATIVE_WEIGHT, type LabelledAccount } from './fit';
import { DETECTOR_NAMES } from '../../../shared/domain/detection';
import { MODEL_INPUTS } from './inputs';
import { assess, type DetectorModel, isFlagged, MAX_PROBABILITY, scoreOf } from './model';

/**
 * Fitting on hand-made behaviour figures (no generator): two seller families that show the same signal (many new
 * payers at price points), one that shows only handles sent to strangers, spammers, ordinary people and gathering
 * hosts (many payers within a few days). Leaving a family out of the fit tells whether the model knows its kind
 * from the others — and it must be able to say "no".
 */

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function blank(userId: string): UserFeatures {
  return {
    userId,
    accountAgeDays: 400,
    incomingTransfers: 0,
    distinctPayers: 0,
    repeatedPriceShare: 0,
    orderMemoShare: 0,
    eventMemoShare: 0,
    peakPayerShare: 0,
    steadyPayers: 0,
    newPayerWeeks: 0,
    repeatPayerShare: 0,
    reciprocalPayerShare: 0,
    otherDistrictPayerShare: 0,
    greetingsSent: 0,
    greetingRecipients: 0,
    replyRate: 0,
    otherDistrictRecipientShare: 0,
    unansweredRecipients: 0,
    handleGreetings: 0,
    coldHandleGreetings: 0,
    topHandleReach: 0,
    linkGreetings: 0,
    templateReach: 0,
    maxPerHour: 0,
    activeDays: 0,
    sellingWordShare: 0,
    promoWordShare: 0,
    reportsByReason: {},
    distinctReporters: 0,
    blockedBy: 0,
    evidence: { transfers: [], greetings: [], reports: [] },
  };
}

type Family = 'ordinary' | 'seller_payers' | 'seller_payers_too' | 'seller_handles' | 'spammer' | 'gathering_host';
const Y: Record<Family, number> = {
  ordinary: 0,
  gathering_host: 0,
  seller_payers: 1,
  seller_payers_too: 1,
  seller_handles: 1,
  spammer: 2,
};

function account(family: Family, id: string, r: () => number): UserFeatures {
  const f = blank(id);
  const between = (lo: number, hi: number): number => Math.round(lo + r() * (hi - lo));
  const greet = (n: number, reply: number): void => {
    f.greetingsSent = n;
    f.greetingRecipients = n;
    f.replyRate = reply;
    f.unansweredRecipients = Math.round(n * (1 - reply));
    f.activeDays = Math.max(1, Math.round(n / 3));
    f.maxPerHour = Math.min(n, 2);
  };
  const payers = (n: number, peak: number, steady: number): void => {
    f.distinctPayers = n;
    f.incomingTransfers = n;
    f.peakPayerShare = peak;
    f.steadyPayers = Math.round(n * steady);
    f.newPayerWeeks = Math.round(steady * 10);
  };
  switch (family) {
    case 'ordinary':
      payers(between(0, 4), r(), r());
      greet(between(0, 6), 0.3 + 0.5 * r());
      break;
    case 'gathering_host':
      payers(between(15, 50), 0.8 + 0.2 * r(), 0.1 * r());
      f.repeatedPriceShare = 0.6 + 0.4 * r();
      f.eventMemoShare = 0.3 * r();
      greet(between(0, 6), 0.5);
      break;
    case 'seller_payers':
    case 'seller_payers_too':
      payers(between(15, 60), 0.2 * r(), 0.7 + 0.3 * r());
      f.repeatedPriceShare = 0.5 + 0.5 * r();
      f.orderMemoShare = family === 'seller_payers' ? 0.5 * r() : 0;
      greet(between(0, 8), 0.4);
      break;
    case 'seller_handles':
      greet(between(10, 40), 0.2 * r());
      f.handleGreetings = f.greetingsSent;
      f.coldHandleGreetings = f.greetingsSent;
      f.topHandleReach = f.greetingRecipients;
      break;
    case 'spammer':
      greet(between(30, 120), 0.05 * r());
      f.templateReach = Math.round(f.greetingsSent * (0.6 + 0.4 * r()));
      f.linkGreetings = Math.round(f.greetingsSent * r());
      f.maxPerHour = between(10, 30);
      break;
  }
  return f;
}

function population(): LabelledAccount[] {
  const out: LabelledAccount[] = [];
  const sizes: Record<Family, number> = {
    ordinary: 900,
    gathering_host: 60,
    seller_payers: 60,
    seller_payers_too: 60,
    seller_handles: 60,
    spammer: 60,
  };
  for (const seed of [1, 2]) {
    const r = rng(seed);
    for (const [family, n] of Object.entries(sizes) as [Family, number][])
      for (let i = 0; i < n; i++)
        out.push({ seed, features: account(family, `s${seed}-${family}-${i}`, r), y: Y[family], family });
  }
  return out;
}

const options: FitOptions = {
  detectorVersion: 99,
  command: 'test',
  fittedOn: { generatorVersion: 0, seeds: [1, 2], users: 0, days: 90, accounts: 0, labels: {} },
};

describe('fitting the detection model', () => {
  const accounts = population();

  it('separates the kinds it was shown, with thresholds not under the floor and held-out figures per family', () => {
    const model = fitDetectorModel(accounts, options);
    expect(model.thresholds.micro_seller).toBeGreaterThanOrEqual(0.5);
    expect(model.holdThreshold).toBeGreaterThanOrEqual(model.thresholds.spammer);
    const fam = model.heldOut.families as Record<string, { rate: number }>;
    expect(fam.seller_handles!.rate).toBeGreaterThan(0.9);
    expect(fam.spammer!.rate).toBeGreaterThan(0.9);
    expect(fam.gathering_host!.rate).toBeLessThan(0.05);
    const host = accounts.find((a) => a.family === 'gathering_host')!;
    expect(isFlagged(scoreOf(host.features, model), model)).toBe(false);
  });

  it("each weight stays on its input's side of zero: more greetings never lower the odds of spam", () => {
    const model = fitDetectorModel(accounts, options);
    const crossed = MODEL_INPUTS.flatMap((input) =>
      DETECTOR_NAMES.filter((c) => {
        const w = model.classes[c].weights[input.name]!;
        return input.direction === 'raises' ? w < 0 : w > 0;
      }).map((c) => `${c}.${input.name}`),
    );
    expect(crossed).toEqual([]);
    // A spammer writing every greeting anew (no near-duplicates, no links, no bursts) and answered by nobody:
    // sending more of them can only make it look more like spam, never less.
    const scoreWith = (sent: number): number => {
      const f = blank(`fresh-${sent}`);
      f.greetingsSent = sent;
      f.greetingRecipients = sent;
      f.unansweredRecipients = sent;
      f.activeDays = 10;
      return scoreOf(f, model).probability;
    };
    expect(scoreWith(200)).toBeGreaterThanOrEqual(scoreWith(20));
    expect(scoreWith(20)).toBeGreaterThanOrEqual(scoreWith(2));
  });

  it('an assessment names only what the account shows, and never says certain', () => {
    const model = fitDetectorModel(accounts, options);
    const everything = new Set(MODEL_INPUTS.map((i) => i.reason));
    const reasonsOf = (f: UserFeatures) => assess(f, model).classes;
    // A seller with no regular payer at all and a quiet account: what is below average raises or lowers the odds
    // (see the contributions), but "mostly regular payers" is not why a seller is flagged, and "many greetings"
    // is not what speaks for someone who sent none.
    const seller = account('seller_payers', 'x-seller', rng(3));
    seller.repeatPayerShare = 0;
    seller.replyRate = 0;
    const quiet = blank('x-quiet');
    for (const view of [...Object.values(reasonsOf(seller)), ...Object.values(reasonsOf(quiet))]) {
      for (const r of view.reasons)
        expect(MODEL_INPUTS.find((i) => i.reason === r)!.direction, `reason ${r}`).toBe('raises');
      for (const r of view.counterSignals)
        expect(MODEL_INPUTS.find((i) => i.reason === r)!.direction, `counter-signal ${r}`).toBe('lowers');
      for (const r of [...view.reasons, ...view.counterSignals]) expect(everything.has(r)).toBe(true);
    }
    expect(reasonsOf(seller).micro_seller.reasons).toContain('repeated_price_points');
    expect(reasonsOf(seller).micro_seller.reasons).not.toContain('regular_payers');
    expect(reasonsOf(quiet).spammer.counterSignals).not.toContain('many_greetings');
    // Every signal of both kinds far past anything in the fit: a high probability, not 1.
    const extreme = account('spammer', 'x-extreme', rng(5));
    Object.assign(extreme, {
      greetingsSent: 5000,
      greetingRecipients: 5000,
      unansweredRecipients: 5000,
      templateReach: 5000,
      maxPerHour: 500,
      coldHandleGreetings: 5000,
      handleGreetings: 5000,
      topHandleReach: 5000,
      distinctPayers: 500,
      steadyPayers: 500,
      repeatedPriceShare: 1,
      orderMemoShare: 1,
      promoWordShare: 1,
      sellingWordShare: 1,
      blockedBy: 300,
    });
    const p = assess(extreme, model).probability;
    expect(p).toBeGreaterThan(0.99);
    expect(p).toBeLessThanOrEqual(MAX_PROBABILITY);
  });

  it('leaving a family out: a kind like one it saw is still caught, a kind with a signal of its own is not', () => {
    const like = fitWithoutFamily(accounts, 'seller_payers_too', options);
    expect(like).toMatchObject({ family: 'seller_payers_too', y: 1, accounts: 120 });
    expect(like.rate).toBeGreaterThan(0.9);
    // Nothing else sent handles to strangers: without that family the model has no reason to weigh handles.
    const own = fitWithoutFamily(accounts, 'seller_handles', options);
    expect(own.rate).toBeLessThan(0.5);
    // Never shown a gathering, the model takes many payers at a few amounts for selling.
    const host = fitWithoutFamily(accounts, 'gathering_host', options);
    expect(host).toMatchObject({ y: 0, accounts: 120 });
    expect(host.rate).toBeGreaterThan(0.5);
  });

  it('weighing hard negatives: shops that look like sellers but for where their payers live score lower', () => {
    // Sellers' buyers come from all over the city, a shop's regulars mostly from its own district, and the two
    // overlap. Shops are rare among ordinary accounts: weighed like anyone, the fit hardly notices them.
    const r = rng(7);
    const withShops: LabelledAccount[] = accounts.map((a) =>
      a.y === 1 && a.family !== 'seller_handles'
        ? { ...a, features: { ...a.features, otherDistrictPayerShare: 0.4 + 0.55 * r() } }
        : a,
    );
    for (const seed of [1, 2])
      for (let i = 0; i < 20; i++) {
        const f = account('seller_payers', `s${seed}-shop-${i}`, r);
        f.otherDistrictPayerShare = 0.05 + 0.5 * r();
        withShops.push({ seed, features: f, y: 0, family: 'shop_owner' });
      }
    const shops = withShops.filter((a) => a.family === 'shop_owner');
    const sellers = withShops.filter((a) => a.family === 'seller_payers');
    const fit = (weight: number) => fitDetectorModel(withShops, { ...options, hardNegativeWeight: weight });
    const meanScore = (model: DetectorModel, group: readonly LabelledAccount[]): number =>
      group.reduce((sum, a) => sum + scoreOf(a.features, model).probability, 0) / group.length;
    const unweighted = fit(1);
    const weighted = fit(HARD_NEGATIVE_WEIGHT);
    expect(meanScore(weighted, shops)).toBeLessThan(meanScore(unweighted, shops));
    // The weighted model leans on where payers live, and sellers are still caught.
    expect(weighted.classes.micro_seller.weights.other_district_payer_share).toBeGreaterThan(
      unweighted.classes.micro_seller.weights.other_district_payer_share!,
    );
    expect(sellers.filter((a) => isFlagged(scoreOf(a.features, weighted), weighted)).length).toBeGreaterThan(
      0.8 * sellers.length,
    );
    expect(weighted.method).toContain(`hard-negative accounts weighted ${HARD_NEGATIVE_WEIGHT}`);
  });
});
