/*
 * The rarity weight on its own (not in pool.ts): the engine's threads need the scale, and pool.ts would make each
 * thread load eligibility, the rule set and zod as it starts.
 */

/** Rarity weights are integers so sums are exact in any order (the SQL baseline and brute force agree bit for bit). */
export const WEIGHT_SCALE = 1_000_000;
/** Adamic–Adar weight of a place with `visitors` pool visitors: round(SCALE / ln(1 + visitors)). */
export function placeWeightFor(visitors: number): number {
  return visitors <= 1 ? 0 : Math.round(WEIGHT_SCALE / Math.log(1 + visitors));
}
