/**
 * THE masking module: every view, export and log that shows something about a person goes through here.
 * Rules are in README.md beside this file; the tunable part is {@link MaskingPolicy}.
 */
export { PrivacyInputError, PrivacyNotFoundError } from './errors';
export { createMaskingPolicy, DEFAULT_MASKING_POLICY, MIN_K, type MaskingPolicy } from './policy';
export { ageBand, dateBucket, maskFreeText, maskName, maskPhone, REDACTED, timeBand } from './mask-fields';
export { maskQuarantineExcerpt, maskQuarantineMessage } from './quarantine-excerpt';
export { maskProfile, type MaskedProfile } from './profile';
export {
  disclosureContext,
  disclosureLevel,
  DISCLOSURE_LEVELS,
  EXPOSURE_LEVELS,
  placeLabel,
  sharedExposure,
  type DisclosureLevel,
  type ExposureLevel,
  type PlaceLabel,
} from './disclosure';
export { explainReasons, type ReasonExplanation } from './explanations';
export { buildGuessCard, DECOYS, type GuessCard, type GuessChoice, type GuessUnavailable } from './guess';
export {
  answerGuess,
  guessCard,
  listPreviewIntroductions,
  listPreviewRuns,
  pairPreview,
  type PairPreview,
  type PreviewSide,
  type Side,
} from './preview';
export { UNMASK_REASON_MIN_CHARS, UNMASK_SECONDS, unmaskAccount, type UnmaskedAccount } from './unmask';
export { maskAuditRow } from './audit-view';
