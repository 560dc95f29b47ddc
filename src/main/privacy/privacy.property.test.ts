import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../db/database';
import { tempDir } from '../testing/temp';
import { runWindow } from '../engine/window';
import { createMaskingPolicy, type MaskingPolicy } from './policy';
import { guessCard, pairPreview } from './preview';
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
      `SELECT count(DISTINCT k.id) FROM transactions t JOIN user_keys k ON k.key = t.user_key
       JOIN consents c ON c.user_id = k.id
       WHERE t.merchant_key = (SELECT key FROM merchant_keys WHERE id = ?) AND t.paid_at >= ? AND t.paid_at < ? AND c.revoked_at IS NULL`,
    )
    .pluck()
    .get(merchantId, w.start, w.end) as number;
}

/** Merchants the user paid at with no exposure row or a `hidden` one. */
function hiddenPlaces(db: Db, userId: string): MerchantRow[] {
  return db
    .prepare(
      `SELECT DISTINCT m.id, m.name, m.brand, m.category, m.channel, m.district FROM transactions t
       JOIN merchant_keys mk ON mk.key = t.merchant_key JOIN merchants m ON m.id = mk.id
       JOIN user_keys k ON k.key = t.user_key
       LEFT JOIN exposures e ON e.user_id = k.id AND e.merchant_id = m.id
       WHERE k.id = ? AND (e.level IS NULL OR e.level = 'hidden')`,
    )
    .all(userId) as MerchantRow[];
}

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

  it('never shows a place either user hid on the pair preview, by name', () => {
    for (const [a, b] of fixture.pairs) {
      const hidden = [...hiddenPlaces(db, a), ...hiddenPlaces(db, b)];
      const text = JSON.stringify(pairPreview(db, fixture.runId, a, b, policy));
      for (const h of hidden) expect(text, `${a}/${b} preview shows hidden ${h.name}`).not.toContain(h.name);
    }
  });

  it("never shows on a viewer's guess card a place that viewer hid", () => {
    let cards = 0;
    for (const [a, b] of fixture.pairs) {
      for (const [side, viewer] of [
        ['a', a],
        ['b', b],
      ] as const) {
        const { card } = guessCard(db, fixture.runId, a, b, side, policy);
        if (!card) continue;
        cards++;
        // A name is the place itself; what the viewer hid never appears on their card, even as a decoy.
        const text = JSON.stringify(card);
        for (const h of hiddenPlaces(db, viewer))
          expect(text, `${viewer}'s card shows hidden ${h.name}`).not.toContain(h.name);
      }
    }
    expect(cards).toBeGreaterThan(0);
  });
});
