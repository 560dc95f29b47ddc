import type { HandleHint } from '../../../../shared/contract';
import { isDetectorFigure, isFlagReason, type HandleKind } from '../../../../shared/domain/detection';
import { type DecisionAction, isDecisionAction } from '../../../../shared/domain/moderation';
import { type DecisionReason, isDecisionReason } from '../../../../shared/domain/reason-codes';
import type { MessageKey } from '../../i18n/catalogue';

/**
 * Message keys for the moderation codes main sends: codes are shown in plain words, never as codes. The catalogue
 * has words for every code of the vocabularies (a compile error otherwise), so these need no casts.
 */
export function flagReasonKey(code: string): MessageKey | null {
  return isFlagReason(code) ? `moderation.reason.${code}` : null;
}

export const actionKey = (action: DecisionAction | string): MessageKey =>
  isDecisionAction(action) ? `moderation.action.${action}` : 'moderation.action.undoShort';

export const decisionReasonKey = (reason: DecisionReason | string): MessageKey =>
  isDecisionReason(reason) ? `moderation.decisionReason.${reason}` : 'moderation.decisionReason.other';

export const handleKey = (h: Pick<HandleHint, 'kind'>): MessageKey => `moderation.handle.${h.kind}`;

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

/** The plain name of a detector figure; unknown ones (a newer detector) are shown by their code. */
export const figureKey = (name: string): MessageKey | null =>
  isDetectorFigure(name) ? `moderation.figure.${name}` : null;

/** Shares and rates read as percentages; counts as they are. */
export const isShare = (name: string): boolean => name.endsWith('_share') || name.endsWith('_rate');

/** Two decimals, rounded down so a 0.996 does not read as a certain 1.00. */
export const scoreText = (score: number): string => (Math.floor(score * 100) / 100).toFixed(2);

/** A ⟦kind⟧ mark main put where a handle or an id-like token was: phone, wechat, qq, link or id. */
export const markKey = (kind: string): MessageKey =>
  kind === 'phone' || kind === 'wechat' || kind === 'qq' || kind === 'link'
    ? `moderation.handle.${kind satisfies HandleKind}`
    : 'moderation.handle.id';
