import { z } from 'zod';

/**
 * The matching rule set: what the score weighs and which pairs may be introduced at all. Shared by the engine
 * (main) and the tuning page (renderer), so nothing here may import Node.
 */

import { FEATURE_NAMES, type FeatureName } from './features';

export { FEATURE_NAMES, type FeatureName } from './features';

const weight = z.number().min(0).max(100);

export const featureWeightsSchema = z.object({
  sharedPlaces: weight,
  sharedBrandsCategories: weight,
  coPresence: weight,
  recency: weight,
  spendingSimilarity: weight,
  sameDistrict: weight,
  ageProximity: weight,
  reciprocity: weight,
}) satisfies z.ZodType<Record<FeatureName, number>>;
export type FeatureWeights = z.infer<typeof featureWeightsSchema>;

export const DEFAULT_WEIGHTS: FeatureWeights = {
  sharedPlaces: 35,
  sharedBrandsCategories: 5,
  coPresence: 20,
  recency: 5,
  spendingSimilarity: 5,
  sameDistrict: 10,
  ageProximity: 5,
  reciprocity: 15,
};

export const ruleSetSchema = z
  .object({
    weights: featureWeightsSchema.refine((w) => Object.values(w).some((v) => v > 0), {
      message: 'at least one weight must be above 0',
    }),
    /** Days of transactions (ending with the run date) whose places count. */
    windowDays: z.number().int().min(1).max(90),
    /** Candidates kept per user; the assignment only ever looks at these. */
    topK: z.number().int().min(1).max(500),
    /** A pair needs at least this many distinct shared places to be introduced. */
    minSharedPlaces: z.number().int().min(1).max(100),
    /** A pair needs at least this matching value (0–100) to be introduced. */
    minScore: z.number().min(0).max(100),
    /** Ages (run year − birth year) allowed into the pool, inclusive. */
    ageRange: z
      .object({ min: z.number().int().min(16).max(120), max: z.number().int().min(16).max(120) })
      .refine((r) => r.min <= r.max, { message: 'ageRange.min must not exceed ageRange.max' }),
    /** Only users whose real-name verification passed (id_verified) join the pool. */
    requireRealName: z.boolean(),
    /**
     * Accounts whose pending abuse assessment (calibrated probability) is at or above this stay out of the pool until
     * a reviewer decides. Absent: the threshold the detector version recommends (held-out precision ≥ 0.98).
     */
    holdThreshold: z.number().min(0.5).max(1).optional(),
  })
  .strict();
export type RuleSet = z.infer<typeof ruleSetSchema>;

export const DEFAULT_RULE_SET: RuleSet = {
  weights: DEFAULT_WEIGHTS,
  windowDays: 30,
  topK: 50,
  minSharedPlaces: 1,
  minScore: 0,
  ageRange: { min: 18, max: 80 },
  requireRealName: true,
};

/** Who activates the defaults as v1 on a mirror where nobody activated a rule set yet (main's tuning/versions.ts). */
export const DEFAULTS_IN_FORCE_BY = 'system (defaults in force)';

/** The age of majority: a pool open to younger users loosens a limit that protects them. */
export const ADULT_AGE = 18;

/** The rule set's limits that protect users: loosening one takes a lead and a reason (main checks it on save). */
export const PROTECTIVE_LIMITS = ['ageRange.min', 'requireRealName'] as const;
export type ProtectiveLimit = (typeof PROTECTIVE_LIMITS)[number];

/** Which protective limits a rule set loosens: minors let in, or users without real-name verification. */
export function loosenedLimits(ruleSet: Pick<RuleSet, 'ageRange' | 'requireRealName'>): ProtectiveLimit[] {
  const loosened: ProtectiveLimit[] = [];
  if (ruleSet.ageRange.min < ADULT_AGE) loosened.push('ageRange.min');
  if (!ruleSet.requireRealName) loosened.push('requireRealName');
  return loosened;
}

/** Reason codes an introduction carries, one per feature; the masked preview renders them. */
export const REASON_CODES = {
  sharedPlaces: 'rare_shared_places',
  sharedBrandsCategories: 'shared_brands_categories',
  coPresence: 'may_have_met',
  recency: 'recent_shared_visits',
  spendingSimilarity: 'similar_spending',
  sameDistrict: 'same_district',
  ageProximity: 'close_in_age',
  reciprocity: 'mutual_overlap',
} as const satisfies Record<FeatureName, string>;
/** Every reason code an introduction can carry, in feature order. */
export const INTRODUCTION_REASONS = FEATURE_NAMES.map((name) => REASON_CODES[name]);
export type ReasonCode = (typeof REASON_CODES)[FeatureName];

/** Parses a rule set, naming the first bad field (e.g. `weights.coPresence: …`). */
export function parseRuleSet(value: unknown, where = 'rule set'): RuleSet {
  const result = ruleSetSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new Error(`${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
}
