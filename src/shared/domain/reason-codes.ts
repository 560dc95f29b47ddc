/**
 * Why an operator decided: the one closed list of decision reason codes. Upstream acts on them mechanically (they
 * go out in the decisions outbox), so the contract refuses anything else and so does main's decide; the picker and
 * the message catalogue are typed from this list. A new reason is one line here (its words in the catalogue are
 * then a compile error until written). Why a detector flagged someone: ./detection.ts.
 */
export const DECISION_REASONS = [
  'selling_confirmed',
  'spam_confirmed',
  'contact_details_shared',
  'false_positive',
  'insufficient_evidence',
  'needs_lead_review',
  'repeat_offender',
] as const;
export type DecisionReason = (typeof DECISION_REASONS)[number];

/** The reason code an undo row carries: undoing says no more than "reverses decision N". */
export const UNDO_REASON = 'undo';

export const isDecisionReason = (value: string): value is DecisionReason =>
  (DECISION_REASONS as readonly string[]).includes(value);
