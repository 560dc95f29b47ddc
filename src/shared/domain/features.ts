/**
 * The feature names alone, without the rule set's schema: the engine's threads need them, and importing the rule
 * set would make each thread load zod as it starts (from source, through tsx, a quarter second a thread).
 */

/** Every per-pair feature the engine computes, each normalised to [0, 1]. Order is the feature vector's order. */
export const FEATURE_NAMES = [
  'sharedPlaces',
  'sharedBrandsCategories',
  'coPresence',
  'recency',
  'spendingSimilarity',
  'sameDistrict',
  'ageProximity',
  'reciprocity',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
