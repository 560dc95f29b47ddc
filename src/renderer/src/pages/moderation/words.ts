import {
  type DecisionAction,
  type DecisionReason,
  type HandleHint,
  flagReasonCodes,
} from '../../../../shared/contract';
import type { MessageKey } from '../../i18n/catalogue';

/** Message keys for the moderation codes main sends: reason codes are shown in plain words, never as codes. */
const FLAG_REASONS = new Set<string>(flagReasonCodes);

export function flagReasonKey(code: string): MessageKey | null {
  return FLAG_REASONS.has(code) ? (`moderation.reason.${code}` as MessageKey) : null;
}

export const actionKey = (action: DecisionAction | string): MessageKey =>
  (['clear', 'warn', 'restrict', 'suspend', 'hold', 'escalate'].includes(action)
    ? `moderation.action.${action}`
    : 'moderation.action.undoShort') as MessageKey;

export const decisionReasonKey = (reason: DecisionReason | string): MessageKey =>
  `moderation.decisionReason.${reason}` as MessageKey;

export const handleKey = (h: HandleHint): MessageKey => `moderation.handle.${h.kind}` as MessageKey;

/** Keyboard: number keys and letters for the actions, in the order of the action bar. */
export const ACTION_KEYS: Readonly<Record<string, DecisionAction>> = {
  '1': 'clear',
  '2': 'warn',
  '3': 'restrict',
  '4': 'suspend',
  h: 'hold',
  e: 'escalate',
};

/**
 * The reason the picker starts with for an action (the operator can change it before Enter): a keyboard-first
 * operator clears 200 false positives a day and should not have to pick "false positive" 200 times.
 */
export function suggestedReason(action: DecisionAction, detector: string): DecisionReason {
  switch (action) {
    case 'clear':
      return 'false_positive';
    case 'hold':
      return 'insufficient_evidence';
    case 'escalate':
      return 'needs_lead_review';
    default:
      return detector === 'spammer' ? 'spam_confirmed' : 'selling_confirmed';
  }
}

export const EXPIRING_ACTIONS: readonly DecisionAction[] = ['restrict', 'suspend'];
export const EXPIRY_CHOICES = [1, 7, 30] as const;

const FIGURES = new Set([
  'distinct_payers',
  'incoming_transfers',
  'repeated_price_share',
  'order_memo_share',
  'bill_memo_share',
  'handle_greetings',
  'selling_reports',
  'greetings_sent',
  'recipients',
  'template_reach',
  'link_share',
  'reply_rate',
  'spam_reports',
  'account_age_days',
]);

/** The plain name of a detector figure; unknown ones (a newer detector) are shown by their code. */
export const figureKey = (name: string): MessageKey | null =>
  FIGURES.has(name) ? (`moderation.figure.${name}` as MessageKey) : null;

/** Shares and rates read as percentages; counts as they are. */
export const isShare = (name: string): boolean => name.endsWith('_share') || name.endsWith('_rate');

/** Two decimals, rounded down so a 0.996 does not read as a certain 1.00. */
export const scoreText = (score: number): string => (Math.floor(score * 100) / 100).toFixed(2);

/** A ⟦kind⟧ mark main put where a handle or an id-like token was: phone, wechat, qq, link or id. */
export const markKey = (kind: string): MessageKey =>
  (['phone', 'wechat', 'qq', 'link'].includes(kind)
    ? `moderation.handle.${kind}`
    : 'moderation.handle.id') as MessageKey;
