import {
  type DisclosureContext,
  DISCLOSURE_LEVELS,
  type DisclosureLevel,
  type ExposureLevel,
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
 * "Guess where we have met": one viewer's card — the real shared place at a disclosed level among three decoys
 * that are places of THAT VIEWER, so every choice is familiar to them and familiarity gives nothing away.
 *
 *  - The answer is a place both paid at in the run's window, disclosed to both (exposure and k-anonymity): the
 *    finest one, one where they were there in the same hour band first among equals; at its disclosed level or,
 *    when no fair card exists there, a coarser one (always allowed by exposure, still k-anonymous).
 *  - A decoy is a label, at the card's level, of a place the viewer paid at (ever, not only in the window: a place
 *    they know) and chose to show at
 *    least at that level (the game never surfaces what the viewer hid, not even to the viewer); it is k-anonymous
 *    at that level like the answer; it never names a place the pair shares as disclosed (that would be a second
 *    right answer): places the other did not disclose are exactly what decoys are made of. The other's places
 *    play no part in choosing decoys, so a card tells the viewer nothing about where the other went or hid.
 *  - Same level and channel for all four (an online choice among offline ones would stand out), and nothing else
 *    on the card points to one of them: the other's district is on their profile, so a card is offered only where
 *    that district is in all four choices or in none.
 *  - Deterministic per viewer: shuffled by a PRNG seeded with (run, pair, side). Where no fair card exists at any
 *    level for any disclosed place there is none (`not_enough_decoys`; `no_disclosed_place` without an answer).
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

/** A shared place after disclosure (rules 1–2), with the hour bands in which both paid there. */
export interface SharedDisclosed {
  merchant: MerchantFacts;
  level: DisclosureLevel;
  hourBands?: readonly string[];
}

/** A place the viewer paid at in the window, with the level the viewer lets a match see of it. */
export interface ViewerPlace {
  merchant: MerchantFacts;
  exposure: ExposureLevel;
}

export interface GuessInput {
  /** Every shared place disclosed to the pair (not only the ones a card lists), finest evidence first. */
  shared: readonly SharedDisclosed[];
  /** The viewer's own places: every merchant they paid at, with their exposure of it. */
  viewerPlaces: readonly ViewerPlace[];
  /** The district the card shows on the other's profile (null: none shown). */
  otherDistrict: string | null;
  context: DisclosureContext;
  policy: MaskingPolicy;
  /** (run, pair, side) as text. */
  seed: string;
}

function shuffle<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const RANK: Record<DisclosureLevel, number> = { place: 0, brand: 1, category: 2, district: 3 };

/** Whether a label names the district shown on the other's profile (labels without a district never do). */
function pointsAtDistrict(label: PlaceLabel, district: string | null): boolean {
  return district !== null && label.district === district;
}

/** The viewer's fair decoys for `real` at `level`, most alike first (same category), seeded order within that. */
function decoysAt(
  real: MerchantFacts,
  level: DisclosureLevel,
  input: GuessInput,
  forbidden: ReadonlySet<string>,
  rand: () => number,
): PlaceLabel[] {
  const realPoints = pointsAtDistrict(placeLabel(real, level), input.otherDistrict);
  const byKey = new Map<string, { label: PlaceLabel; alike: boolean; key: string }>();
  for (const { merchant: m, exposure } of input.viewerPlaces) {
    // A brand label shows no channel; every other level does.
    if (level !== 'brand' && m.channel !== real.channel) continue;
    if (level === 'brand' && m.brand === null) continue;
    if (level === 'district' && (m.channel !== 'offline' || m.district === null)) continue;
    if (!levelsAllowedBy(exposure).includes(level)) continue;
    const label = placeLabel(m, level);
    const key = labelKey(label);
    if (forbidden.has(key) || byKey.has(key)) continue;
    if (visitorsAtLevel(input.context.counts, m, level) < input.policy.k) continue;
    if (pointsAtDistrict(label, input.otherDistrict) !== realPoints) continue;
    byKey.set(key, { label, alike: m.category === real.category, key });
  }
  // A deterministic base order first (the viewer's places come in no meaningful order), then the seeded draw.
  const all = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const picked: PlaceLabel[] = [];
  for (const alike of [true, false]) {
    for (const c of shuffle(
      all.filter((x) => x.alike === alike),
      rand,
    )) {
      if (picked.length < DECOYS) picked.push(c.label);
    }
  }
  return picked;
}

/** Builds one viewer's card, or says why there is none. */
export function buildGuessCard(input: GuessInput): GuessCard | GuessUnavailable {
  const { shared, context, policy } = input;
  if (shared.length === 0) return 'no_disclosed_place';
  // The finest disclosed place first; among equals, one where they were there in the same hour band ("where we met").
  const met = (s: SharedDisclosed) => ((s.hourBands?.length ?? 0) > 0 ? 0 : 1);
  const answers = [...shared].sort((a, b) => RANK[a.level] - RANK[b.level] || met(a) - met(b));
  for (const real of answers) {
    for (const level of DISCLOSURE_LEVELS.slice(RANK[real.level])) {
      // A coarser level is always allowed by exposure; it still has to be k-anonymous for the real place.
      if (visitorsAtLevel(context.counts, real.merchant, level) < policy.k) continue;
      // What the pair shares as disclosed, at this level: each would be a second right answer.
      const forbidden = new Set(shared.map((s) => labelKey(placeLabel(s.merchant, level))));
      const rand = mulberry32(seedOf(`${input.seed}|${real.merchant.id}|${level}`));
      const decoys = decoysAt(real.merchant, level, input, forbidden, rand);
      if (decoys.length < DECOYS) continue;
      const realLabel = placeLabel(real.merchant, level);
      const realKey = labelKey(realLabel);
      const choices = shuffle([realLabel, ...decoys], rand).map((label, i) => ({ id: `choice-${i + 1}`, label }));
      return { level, choices, correctChoiceId: choices.find((c) => labelKey(c.label) === realKey)!.id };
    }
  }
  return 'not_enough_decoys';
}
