import { PLATFORM_OFFSET_MINUTES } from '../../shared/domain/platform-time';
import { PrivacyInputError } from './errors';

/**
 * The tunable part of the masking rules. Everything else (first character of a name, last four digits of a
 * phone, no amounts, no exact times) is fixed, because relaxing it would break the product's promise.
 */
export interface MaskingPolicy {
  /**
   * k-anonymity threshold: a place (or brand, or category in a district) is shown only when at least `k`
   * distinct consenting users paid there in the window. Never below {@link MIN_K}.
   */
  readonly k: number;
  /** Width of an age band in years (`25–29` for 5). At least 5: narrower bands come close to a birth year. */
  readonly ageBandYears: number;
  /**
   * UTC offset, in minutes, of the local calendar used for ages and date buckets when a row carries no offset
   * of its own: platform time by default.
   */
  readonly timezoneOffsetMinutes: number;
}

/** Below 3 a "shared place" points at one or two people: re-identification, not anonymity. */
export const MIN_K = 3;
export const MIN_AGE_BAND_YEARS = 5;

export const DEFAULT_MASKING_POLICY: MaskingPolicy = Object.freeze({
  k: 5,
  ageBandYears: 5,
  timezoneOffsetMinutes: PLATFORM_OFFSET_MINUTES,
});

/**
 * Checks a policy and throws a `PrivacyInputError` naming the bad field. Every entry point that takes a policy
 * calls this, so a hand-built object literal with `k: 2` is refused as surely as one made by
 * {@link createMaskingPolicy}.
 */
export function assertValidPolicy(policy: MaskingPolicy): MaskingPolicy {
  if (!Number.isInteger(policy.k) || policy.k < MIN_K) {
    throw new PrivacyInputError(
      `masking policy: k must be an integer of at least ${MIN_K} (got ${String(policy.k)}); ` +
        `a smaller k would let a shared place identify one or two people`,
    );
  }
  if (!Number.isInteger(policy.ageBandYears) || policy.ageBandYears < MIN_AGE_BAND_YEARS || policy.ageBandYears > 50) {
    throw new PrivacyInputError(
      `masking policy: ageBandYears must be an integer from ${MIN_AGE_BAND_YEARS} to 50 (got ${String(policy.ageBandYears)})`,
    );
  }
  const tz = policy.timezoneOffsetMinutes;
  if (!Number.isInteger(tz) || tz < -14 * 60 || tz > 14 * 60) {
    throw new PrivacyInputError(
      `masking policy: timezoneOffsetMinutes must be an integer from -840 to 840 (got ${String(tz)})`,
    );
  }
  return policy;
}

/** The default policy with some fields overridden; validated and frozen. */
export function createMaskingPolicy(overrides: Partial<MaskingPolicy> = {}): MaskingPolicy {
  const policy: MaskingPolicy = { ...DEFAULT_MASKING_POLICY, ...overrides };
  return Object.freeze(assertValidPolicy(policy));
}
