import type { DetectorFigure, FlagReason } from '../../../shared/domain/detection';
import type { UserFeatures } from '../features';

/**
 * The detection model's inputs: each an interpretable transform of one behaviour figure, with the reason code an
 * operator reads when it moves an account's odds. Counts enter as log(1 + n): the tenth payer says less than the
 * second. The model (detector-model.json) keeps one weight per input and class, per standard deviation.
 */
export interface ModelInput {
  name: string;
  reason: FlagReason;
  /**
   * Which way the input may move an account's odds of each abuse class: 'raises' (weight ≥ 0) or 'lowers'
   * (weight ≤ 0), never the other way. Left free, a fit learns signs from what the inputs happen to share on its
   * training data: version 4 learned that more greetings LOWER the odds of spam (greetings moved with near-duplicates
   * and bursts, which took the credit), so a spammer writing every greeting anew was scored down for sending many,
   * and the evidence view listed "sends many greetings" among a spammer's counter-signals. With the sign fixed, an
   * input that does not help a class gets no weight for it instead of a reversed one, and a reason reads one way.
   */
  direction: 'raises' | 'lowers';
  value(f: UserFeatures): number;
}

const log1p = Math.log1p;
const share = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);
const otherReports = (f: UserFeatures): number =>
  (f.reportsByReason.spam ?? 0) + (f.reportsByReason.harassment ?? 0) + (f.reportsByReason.fake_profile ?? 0);

export const MODEL_INPUTS: readonly ModelInput[] = [
  { name: 'payers', reason: 'many_payers', direction: 'raises', value: (f) => log1p(f.distinctPayers) },
  { name: 'steady_payers', reason: 'steady_new_payers', direction: 'raises', value: (f) => log1p(f.steadyPayers) },
  {
    name: 'new_payer_weeks',
    reason: 'new_payers_every_week',
    direction: 'raises',
    value: (f) => log1p(f.newPayerWeeks),
  },
  {
    name: 'repeated_price_share',
    reason: 'repeated_price_points',
    direction: 'raises',
    value: (f) => f.repeatedPriceShare,
  },
  { name: 'order_memo_share', reason: 'order_memos', direction: 'raises', value: (f) => f.orderMemoShare },
  { name: 'event_memo_share', reason: 'shared_bill_memos', direction: 'lowers', value: (f) => f.eventMemoShare },
  { name: 'peak_payer_share', reason: 'one_off_event', direction: 'lowers', value: (f) => f.peakPayerShare },
  { name: 'repeat_payer_share', reason: 'regular_payers', direction: 'lowers', value: (f) => f.repeatPayerShare },
  {
    name: 'reciprocal_payer_share',
    reason: 'mutual_payments',
    direction: 'lowers',
    value: (f) => f.reciprocalPayerShare,
  },
  {
    name: 'other_district_payer_share',
    reason: 'payers_from_other_districts',
    direction: 'raises',
    value: (f) => f.otherDistrictPayerShare,
  },
  { name: 'greetings', reason: 'many_greetings', direction: 'raises', value: (f) => log1p(f.greetingsSent) },
  { name: 'unanswered', reason: 'low_reply_rate', direction: 'raises', value: (f) => log1p(f.unansweredRecipients) },
  { name: 'reply_rate', reason: 'replies_received', direction: 'lowers', value: (f) => f.replyRate },
  {
    name: 'other_district_recipient_share',
    reason: 'greets_other_districts',
    direction: 'raises',
    value: (f) => f.otherDistrictRecipientShare,
  },
  {
    name: 'cold_handles',
    reason: 'contact_handle_in_greetings',
    direction: 'raises',
    value: (f) => log1p(f.coldHandleGreetings),
  },
  { name: 'handle_reach', reason: 'handle_sent_to_many', direction: 'raises', value: (f) => log1p(f.topHandleReach) },
  {
    name: 'warm_handles',
    reason: 'handle_in_conversation',
    direction: 'lowers',
    value: (f) => log1p(f.handleGreetings - f.coldHandleGreetings),
  },
  {
    name: 'link_share',
    reason: 'links_in_greetings',
    direction: 'raises',
    value: (f) => share(f.linkGreetings, f.greetingsSent),
  },
  {
    name: 'template_reach',
    reason: 'near_duplicate_greetings',
    direction: 'raises',
    value: (f) => log1p(f.templateReach),
  },
  { name: 'burst', reason: 'burst_greetings', direction: 'raises', value: (f) => log1p(f.maxPerHour) },
  {
    name: 'greetings_per_day',
    reason: 'many_greetings_per_day',
    direction: 'raises',
    value: (f) => log1p(share(f.greetingsSent, f.activeDays)),
  },
  { name: 'shop_words', reason: 'shop_words', direction: 'raises', value: (f) => f.sellingWordShare },
  { name: 'promo_words', reason: 'promotion_words', direction: 'raises', value: (f) => f.promoWordShare },
  {
    name: 'selling_reports',
    reason: 'selling_reports',
    direction: 'raises',
    value: (f) => log1p(f.reportsByReason.selling ?? 0),
  },
  { name: 'spam_reports', reason: 'spam_reports', direction: 'raises', value: (f) => log1p(otherReports(f)) },
  { name: 'blocked_by', reason: 'blocked_by_many', direction: 'raises', value: (f) => log1p(f.blockedBy) },
  { name: 'new_account', reason: 'new_account', direction: 'raises', value: (f) => (f.accountAgeDays < 45 ? 1 : 0) },
];

/** How many people the account was in touch with: those it greeted plus those who paid it. */
export const reachOf = (f: UserFeatures): number => f.greetingRecipients + f.distinctPayers;

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** The figures shown beside an assessment (raw, before any transform). */
export function figuresOf(f: UserFeatures): Partial<Record<DetectorFigure, number>> {
  return {
    distinct_payers: f.distinctPayers,
    incoming_transfers: f.incomingTransfers,
    steady_payers: f.steadyPayers,
    new_payer_weeks: f.newPayerWeeks,
    repeated_price_share: round(f.repeatedPriceShare),
    order_memo_share: round(f.orderMemoShare),
    bill_memo_share: round(f.eventMemoShare),
    peak_payer_share: round(f.peakPayerShare),
    repeat_payer_share: round(f.repeatPayerShare),
    reciprocal_payer_share: round(f.reciprocalPayerShare),
    other_district_payer_share: round(f.otherDistrictPayerShare),
    greetings_sent: f.greetingsSent,
    recipients: f.greetingRecipients,
    reply_rate: round(f.replyRate),
    other_district_recipient_share: round(f.otherDistrictRecipientShare),
    unanswered_recipients: f.unansweredRecipients,
    handle_greetings: f.handleGreetings,
    cold_handle_greetings: f.coldHandleGreetings,
    top_handle_reach: f.topHandleReach,
    link_share: round(share(f.linkGreetings, f.greetingsSent)),
    template_reach: f.templateReach,
    max_per_hour: f.maxPerHour,
    active_days: f.activeDays,
    selling_word_share: round(f.sellingWordShare),
    promo_word_share: round(f.promoWordShare),
    selling_reports: f.reportsByReason.selling ?? 0,
    spam_reports: otherReports(f),
    blocked_by: f.blockedBy,
    account_age_days: Math.round(f.accountAgeDays),
    reach: reachOf(f),
  };
}
