import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../db/database';
import { runWindow } from '../engine/window';
import { buildPrivacyFixture, FIXTURE_DATE, type PrivacyFixture } from '../testing/privacy-mirror';
import { tempDir } from '../testing/temp';
import type { PlaceLabel } from './disclosure';
import { createMaskingPolicy } from './policy';
import { answerGuess, guessCard, pairPreview, type Side } from './preview';

/**
 * The guess card over more than 1,000 introductions of random mirrors, checked against expectations computed here
 * with their own SQL (not the module's counters):
 *  - every choice is a place of the viewer (paid at, shown by the viewer at least at the card's level), so
 *    familiarity points at none of them;
 *  - the answer is a place the pair shares as disclosed; no decoy names one (a decoy is never a second answer);
 *  - decoys are k-anonymous like the answer;
 *  - nothing else on the card points at the answer: same level and shape for all four, and whatever text of the
 *    answer appears elsewhere on the card (the other's profile, the value) appears in every decoy too;
 *  - the answer's position is uniform, and the card is the same every time it is asked for.
 */
const dir = tempDir('guess-prop-');
const k = 5;
const policy = createMaskingPolicy({ k });
const window = runWindow(FIXTURE_DATE, 30);
const SEEDS = [21, 22, 23];

interface MerchantRow {
  id: string;
  name: string;
  brand: string | null;
  category: string;
  channel: string;
  district: string | null;
}

const RANK: Record<string, number> = { hidden: 0, category: 1, brand: 2, place: 3 };
/** The exposure a user must have set for a label of this level to show that place. */
const NEEDS: Record<PlaceLabel['level'], number> = { place: 3, brand: 2, category: 1, district: 1 };

/** Does a label name (cover) this merchant at the label's level? */
function covers(label: PlaceLabel, m: MerchantRow): boolean {
  const online = m.channel === 'online';
  switch (label.level) {
    case 'place':
      return label.name === m.name && label.district === (online ? null : m.district);
    case 'brand':
      return m.brand !== null && label.brand === m.brand;
    case 'category':
      return label.category === m.category && label.online === online && (online || label.district === m.district);
    case 'district':
      return !online && label.district === m.district;
  }
}

class Mirror {
  readonly merchants: MerchantRow[];
  private readonly visits = new Map<string, Set<string>>();
  private readonly everPaid = new Map<string, Set<string>>();
  private readonly exposure = new Map<string, number>();
  private readonly consenting: Set<string>;
  private readonly counted = new Map<string, number>();

  constructor(readonly db: Db) {
    this.merchants = db
      .prepare(`SELECT id, name, brand, category, channel, district FROM merchants`)
      .all() as MerchantRow[];
    for (const r of db
      .prepare(
        `SELECT DISTINCT k.id AS user_id, mk.id AS merchant_id FROM transactions t JOIN user_keys k ON k.key = t.user_key
         JOIN merchant_keys mk ON mk.key = t.merchant_key
         WHERE t.paid_at >= ? AND t.paid_at < ?`,
      )
      .all(window.start, window.end) as { user_id: string; merchant_id: string }[]) {
      if (!this.visits.has(r.user_id)) this.visits.set(r.user_id, new Set());
      this.visits.get(r.user_id)!.add(r.merchant_id);
    }
    for (const r of db
      .prepare(
        `SELECT DISTINCT k.id AS user_id, mk.id AS merchant_id FROM transactions t JOIN user_keys k ON k.key = t.user_key
         JOIN merchant_keys mk ON mk.key = t.merchant_key`,
      )
      .all() as {
      user_id: string;
      merchant_id: string;
    }[]) {
      if (!this.everPaid.has(r.user_id)) this.everPaid.set(r.user_id, new Set());
      this.everPaid.get(r.user_id)!.add(r.merchant_id);
    }
    for (const r of db.prepare(`SELECT user_id, merchant_id, level FROM exposures`).all() as {
      user_id: string;
      merchant_id: string;
      level: string;
    }[])
      this.exposure.set(`${r.user_id}|${r.merchant_id}`, RANK[r.level] ?? 0);
    this.consenting = new Set(
      db.prepare(`SELECT user_id FROM consents WHERE revoked_at IS NULL`).pluck().all() as string[],
    );
  }

  /** Where the user paid in the window. */
  placesOf(user: string): MerchantRow[] {
    const ids = this.visits.get(user) ?? new Set();
    return this.merchants.filter((m) => ids.has(m.id));
  }

  /** Every place the user ever paid at: the places they know. */
  knownTo(user: string): MerchantRow[] {
    const ids = this.everPaid.get(user) ?? new Set();
    return this.merchants.filter((m) => ids.has(m.id));
  }

  exposureOf(user: string, merchant: string): number {
    return this.exposure.get(`${user}|${merchant}`) ?? 0;
  }

  /** Distinct consenting users who paid in the window at anything the label names. */
  visitors(label: PlaceLabel): number {
    const key = JSON.stringify(label);
    const known = this.counted.get(key);
    if (known !== undefined) return known;
    const users = new Set<string>();
    for (const [user, ids] of this.visits) {
      if (!this.consenting.has(user)) continue;
      if (this.merchants.some((m) => ids.has(m.id) && covers(label, m))) users.add(user);
    }
    this.counted.set(key, users.size);
    return users.size;
  }

  /** The merchants the pair shares as disclosed: both paid there, both showed it, k-anonymous at an allowed level. */
  disclosedShared(a: string, b: string): MerchantRow[] {
    const inB = new Set(this.placesOf(b).map((m) => m.id));
    return this.placesOf(a).filter((m) => {
      if (!inB.has(m.id)) return false;
      const min = Math.min(this.exposureOf(a, m.id), this.exposureOf(b, m.id));
      const levels: PlaceLabel['level'][] = ['place', 'brand', 'category', 'district'];
      return levels.some((level) => {
        if (NEEDS[level] > min || (level === 'brand' && m.brand === null)) return false;
        if (level === 'district' && (m.channel === 'online' || m.district === null)) return false;
        return this.visitors(labelOf(m, level)) >= k;
      });
    });
  }
}

function labelOf(m: MerchantRow, level: PlaceLabel['level']): PlaceLabel {
  const online = m.channel === 'online';
  const none = { name: null, brand: null, category: null, district: null };
  if (level === 'place')
    return { ...none, level, name: m.name, category: m.category, district: online ? null : m.district, online };
  if (level === 'brand') return { ...none, level, brand: m.brand, online };
  if (level === 'category')
    return { ...none, level, category: m.category, district: online ? null : m.district, online };
  return { ...none, level, district: m.district, online: false };
}

const shape = (l: PlaceLabel) =>
  [l.level, l.name !== null, l.brand !== null, l.category !== null, l.district !== null, l.online].join();
const texts = (l: PlaceLabel) => [l.name, l.brand, l.category, l.district].filter((x): x is string => x !== null);

describe('the guess card, over more than 1,000 introductions', () => {
  const mirrors = SEEDS.map((seed) => {
    const db = openDatabase(path.join(dir, `guess-${seed}.db`));
    const fixture: PrivacyFixture = buildPrivacyFixture(db, { seed, users: 200 });
    return { db, fixture, mirror: new Mirror(db) };
  });
  const introductions = mirrors.reduce((n, m) => n + m.fixture.pairs.length, 0);

  it('checks enough introductions, with cards and without', () => {
    expect(introductions).toBeGreaterThanOrEqual(1000);
  });

  it('offers every viewer their own places, the answer among them, and nothing that points at it', () => {
    let cards = 0;
    let none = 0;
    const positions = [0, 0, 0, 0];
    for (const { db, fixture, mirror } of mirrors) {
      for (const [a, b] of fixture.pairs) {
        const preview = pairPreview(db, fixture.runId, a, b, policy);
        const shared = mirror.disclosedShared(a, b);
        for (const side of ['a', 'b'] as Side[]) {
          const [viewer, other] = side === 'a' ? [a, b] : [b, a];
          const result = guessCard(db, fixture.runId, a, b, side, policy);
          expect(guessCard(db, fixture.runId, b, a, side, policy), 'the same card every time').toEqual(result);
          const { card } = result;
          if (!card) {
            none++;
            expect(result.unavailable).toBe(shared.length === 0 ? 'no_disclosed_place' : 'not_enough_decoys');
            continue;
          }
          cards++;
          const where = `${viewer} (introduced to ${other}), run ${fixture.runId}`;
          const labels = card.choices.map((c) => c.label);
          expect(new Set(labels.map((l) => JSON.stringify(l))).size, where).toBe(4);
          expect(new Set(labels.map(shape)).size, `${where}: one shape for all four`).toBe(1);
          expect(labels.every((l) => l.level === card.level)).toBe(true);

          const answerIndex = card.choices.findIndex((c) => c.id === card.correctChoiceId);
          positions[answerIndex]! += 1;
          const answer = labels[answerIndex]!;
          expect(
            shared.some((m) => covers(answer, m)),
            `${where}: the answer is a disclosed shared place`,
          ).toBe(true);

          const mine = mirror.knownTo(viewer);
          for (const [i, label] of labels.entries()) {
            const shown = mine.filter((m) => covers(label, m) && mirror.exposureOf(viewer, m.id) >= NEEDS[label.level]);
            expect(shown.length, `${where}: ${JSON.stringify(label)} is not a place of the viewer`).toBeGreaterThan(0);
            if (i === answerIndex) continue;
            expect(mirror.visitors(label), `${where}: decoy under k`).toBeGreaterThanOrEqual(k);
            const second = shared.find((m) => covers(label, m));
            expect(second, `${where}: decoy ${JSON.stringify(label)} names shared place ${second?.id}`).toBeUndefined();
          }

          // The rest of the card before it is played: the other's profile as the viewer sees it, the value, the
          // level. Any text of the answer found there is found in every decoy too.
          const view = preview.sides.find((s) => s.side === side)!;
          const around = JSON.stringify({ other: view.other, score: preview.score, level: card.level });
          for (const text of texts(answer).filter((x) => around.includes(x))) {
            for (const decoy of labels.filter((_, i) => i !== answerIndex))
              expect(texts(decoy), `${where}: "${text}" on the card points at the answer`).toContain(text);
          }

          const played = answerGuess(db, fixture.runId, a, b, side, card.choices[0]!.id, policy);
          expect(played.correctChoiceId).toBe(card.correctChoiceId);
        }
      }
    }
    expect(cards).toBeGreaterThan(200);
    expect(none).toBeGreaterThan(0);
    // The answer is wherever the shuffle put it: no position holds it much more often than a quarter of the time.
    for (const n of positions) {
      expect(n / cards).toBeGreaterThan(0.18);
      expect(n / cards).toBeLessThan(0.32);
    }
  });

  it('gives the two users of an introduction their own decoys', () => {
    let differ = 0;
    for (const { db, fixture } of mirrors) {
      for (const [a, b] of fixture.pairs) {
        const ca = guessCard(db, fixture.runId, a, b, 'a', policy).card;
        const cb = guessCard(db, fixture.runId, a, b, 'b', policy).card;
        if (ca && cb && JSON.stringify(ca.choices) !== JSON.stringify(cb.choices)) differ++;
      }
    }
    expect(differ).toBeGreaterThan(0);
  });
});
