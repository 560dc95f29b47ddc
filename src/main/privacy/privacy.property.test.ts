import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../db/database';
import { tempDir } from '../testing/temp';
import { runWindow } from '../engine/window';
import { createMaskingPolicy, type MaskingPolicy } from './policy';
import { guessCard, pairPreview } from './preview';
import type { PlaceLabel } from './disclosure';
import { buildPrivacyFixture, FIXTURE_DATE } from '../testing/privacy-mirror';

/**
 * Properties over every introduction of random mirrors (several seeds, two k values). The expectations are
 * computed here with their own SQL, not with the module's counters.
 */
const dir = tempDir('privacy-prop-');

interface MerchantRow {
  id: string;
  name: string;
  brand: string | null;
  category: string;
  channel: string;
  district: string | null;
}

function consentingVisitors(db: Db, merchantId: string): number {
  const w = runWindow(FIXTURE_DATE, 30);
  return db
    .prepare(
      `SELECT count(DISTINCT t.user_id) FROM transactions t JOIN consents c ON c.user_id = t.user_id
       WHERE t.merchant_id = ? AND t.paid_at >= ? AND t.paid_at < ? AND c.revoked_at IS NULL`,
    )
    .pluck()
    .get(merchantId, w.start, w.end) as number;
}

/** Merchants the user paid at with no exposure row or a `hidden` one. */
function hiddenPlaces(db: Db, userId: string): MerchantRow[] {
  return db
    .prepare(
      `SELECT DISTINCT m.id, m.name, m.brand, m.category, m.channel, m.district FROM transactions t JOIN merchants m ON m.id = t.merchant_id
       LEFT JOIN exposures e ON e.user_id = t.user_id AND e.merchant_id = t.merchant_id
       WHERE t.user_id = ? AND (e.level IS NULL OR e.level = 'hidden')`,
    )
    .all(userId) as MerchantRow[];
}

function touched(db: Db, userId: string): MerchantRow[] {
  return db
    .prepare(
      `SELECT m.id, m.name, m.brand, m.category, m.channel, m.district FROM merchants m WHERE m.id IN
       (SELECT merchant_id FROM transactions WHERE user_id = ? UNION SELECT merchant_id FROM exposures WHERE user_id = ?)`,
    )
    .all(userId, userId) as MerchantRow[];
}

/** Does a label name (cover) this merchant at the label's level? */
function covers(label: PlaceLabel, m: MerchantRow): boolean {
  const online = m.channel === 'online';
  switch (label.level) {
    case 'place':
      return label.name === m.name;
    case 'brand':
      return m.brand !== null && label.brand === m.brand;
    case 'category':
      return label.category === m.category && label.online === online && (online || label.district === m.district);
    case 'district':
      return !online && label.district === m.district;
  }
}

const key = (l: PlaceLabel) => JSON.stringify(l);

describe.each([
  [1, 3],
  [2, 5],
  [3, 5],
  [4, 8],
])('privacy properties, seed %i, k = %i', (seed, k) => {
  const db = openDatabase(path.join(dir, `prop-${seed}.db`));
  const fixture = buildPrivacyFixture(db, { seed });
  const policy: MaskingPolicy = createMaskingPolicy({ k });
  const byName = new Map(
    (db.prepare(`SELECT id, name FROM merchants`).all() as { id: string; name: string }[]).map((r) => [r.name, r.id]),
  );

  it('has introductions to check, some places under k and some hidden ones', () => {
    expect(fixture.pairs.length).toBeGreaterThan(50);
    expect(fixture.merchants.some((m) => consentingVisitors(db, m) < k && consentingVisitors(db, m) > 0)).toBe(true);
  });

  it('never shows a place with fewer than k consenting visitors at place level', () => {
    let placeLevel = 0;
    for (const [a, b] of fixture.pairs) {
      const preview = pairPreview(db, fixture.runId, a, b, policy);
      const { card } = guessCard(db, fixture.runId, a, b, 'a', policy);
      const labels = [...preview.sides.flatMap((s) => s.places), ...(card?.choices.map((c) => c.label) ?? [])];
      for (const label of labels.filter((l) => l.level === 'place')) {
        placeLevel++;
        const id = byName.get(label.name!);
        expect(id, `place label ${label.name} names a merchant`).toBeDefined();
        expect(consentingVisitors(db, id!), `${label.name} shown at place level`).toBeGreaterThanOrEqual(k);
      }
    }
    expect(placeLevel).toBeGreaterThan(0);
  });

  it('never shows a place either user hid, not by name and not even as a decoy', () => {
    let decoys = 0;
    for (const [a, b] of fixture.pairs) {
      const hidden = [...hiddenPlaces(db, a), ...hiddenPlaces(db, b)];
      const preview = pairPreview(db, fixture.runId, a, b, policy);
      const text = JSON.stringify(preview);
      for (const h of hidden) expect(text, `${a}/${b} preview shows hidden ${h.name}`).not.toContain(h.name);
      const { card } = guessCard(db, fixture.runId, a, b, 'b', policy);
      if (!card) continue;
      const cardText = JSON.stringify(card);
      for (const h of hidden) expect(cardText, `${a}/${b} guess card shows hidden ${h.name}`).not.toContain(h.name);
      // Stronger for decoys: a decoy covers no merchant either user ever paid at or set an exposure for.
      const mine = [...touched(db, a), ...touched(db, b)];
      for (const choice of card.choices.filter(
        (c) => c.id !== '' && c.id !== correctId(db, fixture.runId, a, b, policy),
      )) {
        decoys++;
        for (const m of mine)
          expect(covers(choice.label, m), `decoy ${key(choice.label)} covers ${m.id} of ${a}/${b}`).toBe(false);
        if (choice.label.level === 'place') {
          // A decoy place is one somebody chose to show at place level.
          const exposedBy = db
            .prepare(`SELECT count(*) FROM exposures WHERE merchant_id = ? AND level = 'place'`)
            .pluck()
            .get(byName.get(choice.label.name!)) as number;
          expect(exposedBy, `decoy ${choice.label.name} was exposed by nobody`).toBeGreaterThan(0);
        }
      }
    }
    expect(decoys).toBeGreaterThan(0);
  });

  it('offers the real place once, among three distinct decoys, the same way every time', () => {
    let cards = 0;
    for (const [a, b] of fixture.pairs) {
      const first = guessCard(db, fixture.runId, a, b, 'a', policy);
      expect(guessCard(db, fixture.runId, b, a, 'b', policy)).toEqual(first);
      if (!first.card) {
        expect(first.unavailable).not.toBeNull();
        continue;
      }
      cards++;
      const labels = first.card.choices.map((c) => key(c.label));
      expect(new Set(labels).size).toBe(4);
      expect(first.card.choices.filter((c) => c.id === first.card!.correctChoiceId)).toHaveLength(1);
      expect(first.card.choices.every((c) => c.label.level === first.card!.level)).toBe(true);
      // The real answer is a shared place of the pair that both exposed at least at category level.
      const real = first.card.choices.find((c) => c.id === first.card!.correctChoiceId)!.label;
      const sharedExposed = db
        .prepare(
          `SELECT m.id, m.name, m.brand, m.category, m.channel, m.district FROM merchants m
           JOIN exposures ea ON ea.merchant_id = m.id AND ea.user_id = ? AND ea.level <> 'hidden'
           JOIN exposures eb ON eb.merchant_id = m.id AND eb.user_id = ? AND eb.level <> 'hidden'`,
        )
        .all(a, b) as MerchantRow[];
      expect(sharedExposed.some((m) => covers(real, m))).toBe(true);
    }
    expect(cards).toBeGreaterThan(0);
  });
});

function correctId(db: Db, runId: number, a: string, b: string, policy: MaskingPolicy): string {
  return guessCard(db, runId, a, b, 'a', policy).card!.correctChoiceId;
}
