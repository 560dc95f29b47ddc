/**
 * The detection vocabulary: the kinds of abuse the console looks for, the detector that scores each, the reason
 * codes and figures detectors put on flags, and the kinds of contact handle found in free text. The contract's
 * enums, main's detectors and the renderer's words are typed from these lists: a detector that emits a code not
 * listed here does not compile, nor does a catalogue without words for every code.
 */

/**
 * Kinds of abuse of the stranger-social feature: people who use it to sell (micro-sellers) and spam accounts.
 * Each has one detector of the same name, and ground truth (labels.jsonl) labels its planted accounts so.
 */
export const ABUSE_FAMILIES = ['micro_seller', 'spammer'] as const;
export type AbuseFamily = (typeof ABUSE_FAMILIES)[number];

/** One detector per abuse family, named after it (a flag's `detector` column). */
export const DETECTOR_NAMES = ABUSE_FAMILIES;
export type DetectorName = AbuseFamily;
export const isDetectorName = (value: string): value is DetectorName =>
  (DETECTOR_NAMES as readonly string[]).includes(value);

/**
 * Reason codes a detector puts on a flag: the signals that raised its score, strongest first. The last ones of
 * each detector are counter-signals: they lower a score and never appear on a flag themselves.
 */
export const FLAG_REASONS = [
  // micro_seller
  'many_payers',
  'repeated_price_points',
  'order_memos',
  'contact_handle_in_greetings',
  'partial_contact_handle',
  'selling_reports',
  'few_regular_payers',
  'shared_bill_memos',
  // spammer
  'links_in_greetings',
  'near_duplicate_greetings',
  'low_reply_rate',
  'new_account',
  'spam_reports',
  'seller_pattern',
] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];
export const isFlagReason = (value: string): value is FlagReason => (FLAG_REASONS as readonly string[]).includes(value);

/** The figures behind a flag's reasons, shown with its evidence. */
export const DETECTOR_FIGURES = [
  // micro_seller
  'distinct_payers',
  'incoming_transfers',
  'repeated_price_share',
  'order_memo_share',
  'bill_memo_share',
  'handle_greetings',
  'selling_reports',
  // spammer
  'greetings_sent',
  'recipients',
  'template_reach',
  'link_share',
  'reply_rate',
  'spam_reports',
  'account_age_days',
] as const;
export type DetectorFigure = (typeof DETECTOR_FIGURES)[number];
export const isDetectorFigure = (value: string): value is DetectorFigure =>
  (DETECTOR_FIGURES as readonly string[]).includes(value);

/**
 * Contact handles found in free text, by kind. `solicit` is a bare "add me" without anything to contact: a weak
 * hint that never flags anyone on its own. Views show the kind, never the handle.
 */
export const HANDLE_KINDS = ['phone', 'wechat', 'qq', 'link', 'solicit'] as const;
export type HandleKind = (typeof HANDLE_KINDS)[number];
