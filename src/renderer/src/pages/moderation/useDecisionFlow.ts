import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { DecisionAction } from '../../../../shared/contract';
import { type ApiError, toApiError } from '../../api/client';
import { changeOf } from '../../api/changes';
import { applyChange } from '../../api/queries';
import { useAction } from '../../api/useAction';
import { useI18n } from '../../i18n/I18nProvider';
import type { PendingDecision } from './ActionBar';
import type { OpenItem } from './useOpenItem';
import { actionKey, decisionReasonKey, EXPIRING_ACTIONS, suggestedReason } from './words';

export const NO_DECISION: PendingDecision = { action: null, reason: '', expiryDays: 7, note: '' };

/** What `u` undoes: one decision, or everything left of one bulk action. */
export type Undoable = { decisionId: number } | { bulkId: string };

export interface DecisionFlow {
  /** The decision being prepared for the open item (a new item starts with none). */
  pending: PendingDecision;
  change(next: PendingDecision): void;
  /** An action key or button: the action, with the reason an operator most often gives for it. */
  pick(action: DecisionAction): void;
  /** Enter: decides the open item — or asks for what is missing (an action, a reason). */
  submit(): Promise<void>;
  /** u: undoes the newest decision or bulk action this operator made here. */
  undoLast(): Promise<void>;
  canUndo: boolean;
  /** A bulk action applied from the dialog joins the undo stack as one step. */
  bulkApplied(message: string, bulkId: string): void;
  /** True from Enter (or u) until main answered and the queue on screen was fetched again. */
  busy: boolean;
  message: string | null;
  error: ApiError | null;
}

/**
 * Deciding the open item, keyboard first: pick, Enter, and u to take it back. Decisions are main's (a reviewer's
 * suspend is refused there, not here); this keeps what the operator is preparing, what they can undo, and the
 * last outcome in words.
 */
export function useDecisionFlow(open: OpenItem | null, detector: string | undefined): DecisionFlow {
  const { t } = useI18n();
  // The decision being prepared belongs to one flag: moving to another item starts afresh.
  const [prepared, setPrepared] = useState<PendingDecision & { flagId: number | null }>({
    ...NO_DECISION,
    flagId: null,
  });
  const flagId = open?.flagId ?? null;
  const pending: PendingDecision = prepared.flagId === flagId ? prepared : NO_DECISION;
  const [undoStack, setUndoStack] = useState<readonly Undoable[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const client = useQueryClient();
  const decide = useAction('moderation.decide');
  const undo = useAction('moderation.undo');
  const undoBulk = useAction('moderation.undoBulk');
  const busy = decide.busy || undo.busy || undoBulk.busy;

  const change = (next: PendingDecision): void => setPrepared({ ...next, flagId });
  const pick = (action: DecisionAction): void => {
    change({ ...pending, action, reason: suggestedReason(action, detector ?? 'micro_seller') });
    setError(null);
  };

  const submit = async (): Promise<void> => {
    if (!open?.data || open.claimedBy || busy) return;
    if (!pending.action || !pending.reason) {
      setMessage(t(pending.action ? 'moderation.action.pickReason' : 'moderation.action.pick'));
      return;
    }
    setError(null);
    const decided = open.flagId;
    try {
      const d = await decide.mutateAsync({
        flagId: decided,
        action: pending.action,
        reasonCode: pending.reason,
        ...(pending.note.trim() ? { note: pending.note.trim() } : {}),
        ...(EXPIRING_ACTIONS.includes(pending.action) ? { expiresInDays: pending.expiryDays } : {}),
        // What the operator is looking at: a colleague's decision since then is refused, not overridden unseen.
        seenDecisionId: open.data.latestDecisionId,
      });
      setUndoStack((s) => [...s, { decisionId: d.id }]);
      setMessage(
        t('moderation.action.decided', { action: t(actionKey(d.action)), reason: t(decisionReasonKey(d.reasonCode)) }),
      );
      // Only the decision just made is done with: the queue moves on before this resolves (it waits for the reads),
      // and an action already picked for the next item stays picked.
      setPrepared((p) => (p.flagId === decided ? { ...NO_DECISION, flagId: null } : p));
    } catch (e) {
      const err = toApiError(e);
      // A colleague decided meanwhile (or resolved the item): show the item as it is now, their decision with it.
      if (err.error.code === 'CONFLICT') void applyChange(client, changeOf('moderation.decide'));
      setError(err);
    }
  };

  const undoLast = async (): Promise<void> => {
    const last = undoStack.at(-1);
    if (last === undefined || busy) return;
    setError(null);
    try {
      if ('bulkId' in last) {
        const { undone } = await undoBulk.mutateAsync({ bulkId: last.bulkId });
        setMessage(t('moderation.action.undidBulk', { n: undone }));
      } else {
        await undo.mutateAsync({ decisionId: last.decisionId });
        setMessage(t('moderation.action.undid', { id: last.decisionId }));
      }
      setUndoStack((s) => s.slice(0, -1));
    } catch (e) {
      const err = toApiError(e);
      // Undone meanwhile (by a lead) or refused for good: drop it from the stack, so `u` reaches the one before it.
      if (err.error.code === 'CONFLICT' || err.error.code === 'FORBIDDEN' || err.error.code === 'NOT_FOUND')
        setUndoStack((s) => s.slice(0, -1));
      setError(err);
    }
  };

  const bulkApplied = (text: string, bulkId: string): void => {
    setUndoStack((s) => [...s, { bulkId }]);
    setMessage(text);
    setError(null);
  };

  return {
    pending,
    change,
    pick,
    submit,
    undoLast,
    canUndo: undoStack.length > 0,
    bulkApplied,
    busy,
    message,
    error,
  };
}
