/**
 * Publishing a date's introductions (../shared/DATA-FORMAT.md, "Publishing a date's introductions"): the words
 * for why an account may not be introduced, and why a pair of a run is not published. The engine's eligibility,
 * the publish re-check, the contract and the renderer's catalogue all derive from these lists.
 */

/**
 * Why an account may not be introduced on a date, in the order they are checked (the first that applies is
 * the one named): upstream's own state, the latest consent, the real-name rule, the rule set's ages, moderation
 * (a restriction, suspension or hold standing now), and an introduction upstream already made that day.
 */
export const INELIGIBILITY_REASONS = [
  'upstream_status',
  'consent',
  'real_name',
  'age',
  'moderation',
  'introduced_that_day',
] as const;
export type IneligibilityReason = (typeof INELIGIBILITY_REASONS)[number];

/**
 * Why a pair of a run is dropped when its date is published, in the order checked: an account no longer in the
 * mirror (erased by a snapshot), then either account's ineligibility, then the pair's own rules — gender
 * preferences that no longer agree, a block either way, an introduction of the pair before (upstream's history
 * or a date published earlier).
 */
export const DROP_REASONS = [
  'account_gone',
  ...INELIGIBILITY_REASONS,
  'preferences',
  'blocked',
  'introduced_before',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Every reason at 0: the shape of a count by reason. */
export function noDrops(): Record<DropReason, number> {
  return Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
}

/** The outbox file a date's introductions are published to. */
export function introductionsFileName(date: string): string {
  return `introductions-${date}.jsonl`;
}
