import {
  type DisclosureContext,
  DISCLOSURE_LEVELS,
  type DisclosureLevel,
  labelKey,
  levelsAllowedBy,
  type MerchantFacts,
  type PlaceLabel,
  placeLabel,
  visitorsAtLevel,
} from './disclosure';
import type { MaskingPolicy } from './policy';
import { mulberry32, seedOf } from '../util/seeded-random';

export { seedOf };

/**
 * "Guess where we have met": the real shared place at a disclosed level among three decoys.
 *
 * Decoys are plausible and reveal nothing:
 *  - same level as the real answer, same channel; ranked same category + same district first, then the nearest
 *    districts (by the mean position of their merchants), then the rest of the category level;
 *  - k-anonymous at that level, like the real answer (else the real one would stand out as the only "big" one);
 *  - a merchant somebody exposed at least at that level (a place nobody chose to show is never named);
 *  - never a label that covers any merchant either user ever paid at or set an exposure for — so a hidden place
 *    never appears, not even as a decoy, and the real place is never offered twice;
 *  - deterministic per introduction: candidates are shuffled by a PRNG seeded with (run, pair).
 * When fewer than three decoys exist at the real level the whole card moves one level coarser; when none is
 * possible there is no card.
 */

export const DECOYS = 3;

export interface GuessChoice {
  id: string;
  label: PlaceLabel;
}

export interface GuessCard {
  level: DisclosureLevel;
  choices: GuessChoice[];
  /** Stays in main: the answer check recomputes the card instead of trusting the renderer. */
  correctChoiceId: string;
}

export type GuessUnavailable = 'no_disclosed_place' | 'not_enough_decoys';

function shuffle<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Mean merchant position per district: "nearby" without a district adjacency table. */
function districtCentres(merchants: ReadonlyMap<string, MerchantFacts>): Map<string, { lat: number; lon: number }> {
  const sums = new Map<string, { lat: number; lon: number; n: number }>();
  for (const m of merchants.values()) {
    if (m.district === null || m.lat === null || m.lon === null) continue;
    const s = sums.get(m.district) ?? { lat: 0, lon: 0, n: 0 };
    s.lat += m.lat;
    s.lon += m.lon;
    s.n += 1;
    sums.set(m.district, s);
  }
  return new Map([...sums].map(([d, s]) => [d, { lat: s.lat / s.n, lon: s.lon / s.n }]));
}

function distance(a: { lat: number; lon: number } | undefined, b: { lat: number; lon: number } | undefined): number {
  if (!a || !b) return Number.POSITIVE_INFINITY;
  return Math.hypot(a.lat - b.lat, (a.lon - b.lon) * Math.cos((a.lat * Math.PI) / 180));
}

interface Candidate {
  label: PlaceLabel;
  tier: number;
  distance: number;
  key: string;
}

const NEAREST = 12;

function decoysAt(
  real: MerchantFacts,
  level: DisclosureLevel,
  context: DisclosureContext,
  excluded: ReadonlySet<string>,
  policy: MaskingPolicy,
  rand: () => number,
): PlaceLabel[] {
  const realKey = labelKey(placeLabel(real, level));
  const forbidden = new Set<string>([realKey]);
  for (const id of excluded) {
    const m = context.merchants.get(id);
    if (m) forbidden.add(labelKey(placeLabel(m, level)));
  }
  const centres = districtCentres(context.merchants);
  const home = real.district === null ? undefined : centres.get(real.district);
  const byKey = new Map<string, Candidate>();
  for (const m of context.merchants.values()) {
    if (m.channel !== real.channel) continue;
    if (level === 'brand' && m.brand === null) continue;
    if (level === 'district' && m.district === null) continue;
    const label = placeLabel(m, level);
    const key = labelKey(label);
    if (forbidden.has(key) || byKey.has(key)) continue;
    if (visitorsAtLevel(context.counts, m, level) < policy.k) continue;
    if (!levelsAllowedBy(context.finestExposure.get(m.id) ?? 'hidden').includes(level)) continue;
    const sameCategory = m.category === real.category;
    const sameDistrict = m.district !== null && m.district === real.district;
    let tier: number;
    if (level === 'place')
      tier = sameCategory && (sameDistrict || real.channel === 'online') ? 0 : sameCategory ? 1 : 2;
    else if (level === 'brand') tier = sameCategory ? 0 : 1;
    else if (level === 'category') tier = sameDistrict ? 0 : sameCategory ? 1 : 2;
    else tier = 1;
    const d = m.district === null ? Number.POSITIVE_INFINITY : distance(home, centres.get(m.district));
    byKey.set(key, { label, tier, distance: d, key });
  }
  // Deterministic base order first (ids are not sorted by anything meaningful), then the seeded draw per tier.
  const all = [...byKey.values()].sort(
    (a, b) => a.tier - b.tier || a.distance - b.distance || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  const picked: PlaceLabel[] = [];
  for (let tier = 0; tier <= 2 && picked.length < DECOYS; tier++) {
    const inTier = all.filter((c) => c.tier === tier).slice(0, NEAREST);
    for (const c of shuffle(inTier, rand)) {
      if (picked.length < DECOYS) picked.push(c.label);
    }
  }
  return picked;
}

const RANK: Record<DisclosureLevel, number> = { place: 0, brand: 1, category: 2, district: 3 };

/**
 * Builds the card for one introduction. `shared` are the pair's disclosed shared places in evidence order (rarest
 * first), `excluded` every merchant either user paid at or set an exposure for, `seed` the (run, pair) text.
 */
export function buildGuessCard(
  shared: readonly { merchant: MerchantFacts; level: DisclosureLevel; hourBands?: readonly string[] }[],
  excluded: ReadonlySet<string>,
  context: DisclosureContext,
  policy: MaskingPolicy,
  seed: string,
): GuessCard | GuessUnavailable {
  if (shared.length === 0) return 'no_disclosed_place';
  // The finest disclosed place; among equals, one where they were there in the same hour band ("where we met").
  const met = (s: (typeof shared)[number]) => ((s.hourBands?.length ?? 0) > 0 ? 0 : 1);
  const real = [...shared].sort((a, b) => RANK[a.level] - RANK[b.level] || met(a) - met(b))[0]!;
  for (const level of DISCLOSURE_LEVELS.slice(RANK[real.level])) {
    // A coarser level is always allowed by exposure; it still has to be k-anonymous for the real place.
    if (visitorsAtLevel(context.counts, real.merchant, level) < policy.k) continue;
    const rand = mulberry32(seedOf(`${seed}|${level}`));
    const decoys = decoysAt(real.merchant, level, context, excluded, policy, rand);
    if (decoys.length < DECOYS) continue;
    const labels = shuffle([placeLabel(real.merchant, level), ...decoys], rand);
    const realKey = labelKey(placeLabel(real.merchant, level));
    const choices = labels.map((label, i) => ({ id: `choice-${i + 1}`, label }));
    return { level, choices, correctChoiceId: choices.find((c) => labelKey(c.label) === realKey)!.id };
  }
  return 'not_enough_decoys';
}
