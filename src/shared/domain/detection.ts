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

/**
 * Behaviour families of generated ground truth (labels.jsonl's `family`): how a planted account behaves, finer than
 * its label, so evaluation can say which kinds of abuse a detector misses (recall per abuse family) and which kinds
 * of ordinary people it catches (false-positive rate per hard negative). The generator plants each with parameters
 * drawn per account (src/main/mirror/generator/families).
 */
export const BEHAVIOUR_FAMILIES = {
  // micro-sellers
  seller_storefront: { label: 'micro_seller', kind: 'abuse' },
  seller_handle_only: { label: 'micro_seller', kind: 'abuse' },
  seller_quiet: { label: 'micro_seller', kind: 'abuse' },
  // spammers
  spam_link_burst: { label: 'spammer', kind: 'abuse' },
  spam_short_session: { label: 'spammer', kind: 'abuse' },
  spam_slow: { label: 'spammer', kind: 'abuse' },
  spam_handle: { label: 'spammer', kind: 'abuse' },
  // hard negatives: ordinary people who look a little like one of the above
  gathering_host: { label: 'normal', kind: 'hard_negative' },
  friend_group: { label: 'normal', kind: 'hard_negative' },
  group_order_collector: { label: 'normal', kind: 'hard_negative' },
  shop_owner: { label: 'normal', kind: 'hard_negative' },
  heavy_chatter: { label: 'normal', kind: 'hard_negative' },
  handle_to_match: { label: 'normal', kind: 'hard_negative' },
  newcomer_spree: { label: 'normal', kind: 'hard_negative' },
  bill_collector: { label: 'normal', kind: 'hard_negative' },
  popular: { label: 'normal', kind: 'hard_negative' },
  // everyone else
  ordinary: { label: 'normal', kind: 'ordinary' },
  kindred: { label: 'kindred', kind: 'ordinary' },
} as const satisfies Record<string, { label: string; kind: 'abuse' | 'hard_negative' | 'ordinary' }>;
export type BehaviourFamily = keyof typeof BEHAVIOUR_FAMILIES;
export const BEHAVIOUR_FAMILY_NAMES = Object.keys(BEHAVIOUR_FAMILIES) as BehaviourFamily[];
export const isBehaviourFamily = (value: string): value is BehaviourFamily => Object.hasOwn(BEHAVIOUR_FAMILIES, value);

/** One detector per abuse family, named after it (a flag's `detector` column). */
export const DETECTOR_NAMES = ABUSE_FAMILIES;
export type DetectorName = AbuseFamily;
export const isDetectorName = (value: string): value is DetectorName =>
  (DETECTOR_NAMES as readonly string[]).includes(value);

/**
 * Reason codes on an assessment: one per signal of the detection model (src/main/moderation/model/inputs.ts), each a
 * thing an operator can check in the account's timeline. A signal that raised a class's odds is listed as a reason
 * for that class; one that lowered them is shown as a counter-signal. Codes of earlier detector versions stay
 * listed so their flags keep their words.
 */
export const FLAG_REASONS = [
  // money in
  'many_payers',
  'steady_new_payers',
  'new_payers_every_week',
  'repeated_price_points',
  'order_memos',
  'shared_bill_memos',
  'one_off_event',
  'regular_payers',
  'mutual_payments',
  'payers_from_other_districts',
  // greetings sent
  'many_greetings',
  'low_reply_rate',
  'replies_received',
  'greets_other_districts',
  'contact_handle_in_greetings',
  'handle_sent_to_many',
  'handle_in_conversation',
  'links_in_greetings',
  'near_duplicate_greetings',
  'burst_greetings',
  'many_greetings_per_day',
  'shop_words',
  'promotion_words',
  // others about the account
  'selling_reports',
  'spam_reports',
  'blocked_by_many',
  'new_account',
  // earlier detector versions (v1, v2)
  'partial_contact_handle',
  'few_regular_payers',
  'seller_pattern',
] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];
export const isFlagReason = (value: string): value is FlagReason => (FLAG_REASONS as readonly string[]).includes(value);

/** The figures behind an assessment's reasons, shown with its evidence. */
export const DETECTOR_FIGURES = [
  // money in
  'distinct_payers',
  'incoming_transfers',
  'steady_payers',
  'new_payer_weeks',
  'repeated_price_share',
  'order_memo_share',
  'bill_memo_share',
  'peak_payer_share',
  'repeat_payer_share',
  'reciprocal_payer_share',
  'other_district_payer_share',
  // greetings sent
  'greetings_sent',
  'recipients',
  'reply_rate',
  'other_district_recipient_share',
  'unanswered_recipients',
  'handle_greetings',
  'cold_handle_greetings',
  'top_handle_reach',
  'link_share',
  'template_reach',
  'max_per_hour',
  'active_days',
  'selling_word_share',
  'promo_word_share',
  // others about the account
  'selling_reports',
  'spam_reports',
  'blocked_by',
  'account_age_days',
  /** How many people the account was in touch with: greeted, or paid by (the queue's reach). */
  'reach',
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
