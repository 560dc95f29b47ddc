import { useState } from 'react';
import {
  type BulkSelection,
  type DecisionAction,
  type DecisionReason,
  decisionActionSchema,
} from '../../../../shared/contract';
import { useCallQuery } from '../../api/queries';
import { useAction } from '../../api/useAction';
import { ErrorNote } from '../../components/ErrorNote';
import { useI18n } from '../../i18n/I18nProvider';
import { ReasonSelect } from './ReasonSelect';
import { actionKey, EXPIRING_ACTIONS, EXPIRY_CHOICES } from './words';
import { Dialog } from '../../components/Dialog';

/**
 * A bulk action: main counts what the selection touches first (the operator confirms a number, not a filter),
 * then applies it with a required reason. main refuses if the selection changed in between (not the same flags).
 */
export function BulkDialog({
  selection,
  onClose,
  onApplied,
}: {
  selection: BulkSelection;
  onClose(): void;
  onApplied(message: string, bulkId: string): void;
}) {
  const { t } = useI18n();
  // What the selection touches now: counted again if the queue changes meanwhile (a detection run, another bulk).
  const preview = useCallQuery('moderation.bulkPreview', { selection }, { placeholderData: undefined, gcTime: 0 });
  const count = preview.data ?? null;
  const apply = useAction('moderation.bulkApply');
  const [action, setAction] = useState<DecisionAction>('restrict');
  const [reason, setReason] = useState<DecisionReason | ''>('');
  const [expiryDays, setExpiryDays] = useState(7);
  const [note, setNote] = useState('');

  return (
    <Dialog
      titleId="bulk-title"
      testId="bulk-dialog"
      onClose={onClose}
      data-flags={count?.flags ?? ''}
      data-accounts={count?.accounts ?? ''}
      onSubmit={() => {
        if (!count || !reason) return;
        void apply
          .run({
            selection,
            action,
            reasonCode: reason,
            ...(note ? { note } : {}),
            ...(EXPIRING_ACTIONS.includes(action) ? { expiresInDays: expiryDays } : {}),
            expectedAccounts: count.accounts,
            selectionKey: count.selectionKey,
          })
          .then(
            (r) =>
              r && onApplied(t('moderation.bulk.done', { decisions: r.decisions, accounts: r.accounts }), r.bulkId),
          );
      }}
    >
      <h2 id="bulk-title">{t('moderation.bulk.title')}</h2>
      {!count && !preview.error && <p className="muted">{t('moderation.bulk.counting')}</p>}
      {count && (
        <p className="mod-bulk-count" data-testid="bulk-count">
          {t('moderation.bulk.count', { flags: count.flags, accounts: count.accounts })}
        </p>
      )}
      {count && !count.allowed && (
        <p className="mod-hint" data-testid="bulk-over-limit">
          {t('moderation.bulk.overLimit', { limit: count.limit ?? 0 })}
        </p>
      )}
      <div className="row">
        <select
          value={action}
          onChange={(e) => setAction(e.target.value as DecisionAction)}
          data-testid="bulk-action"
          aria-label={t('moderation.bulk.title')}
        >
          {decisionActionSchema.options.map((a) => (
            <option key={a} value={a}>
              {t(actionKey(a))}
            </option>
          ))}
        </select>
        {EXPIRING_ACTIONS.includes(action) && (
          <select
            value={expiryDays}
            onChange={(e) => setExpiryDays(Number(e.target.value))}
            data-testid="bulk-expiry"
            aria-label={t('moderation.action.expiry')}
          >
            {EXPIRY_CHOICES.map((d) => (
              <option key={d} value={d}>
                {t('moderation.action.days', { n: d })}
              </option>
            ))}
          </select>
        )}
        <ReasonSelect value={reason} onChange={setReason} testId="bulk-reason" />
      </div>
      <input
        className="grow"
        value={note}
        maxLength={1000}
        placeholder={t('moderation.action.note')}
        aria-label={t('moderation.action.note')}
        onChange={(e) => setNote(e.target.value)}
        data-testid="bulk-note"
      />
      {(preview.error ?? apply.error) && <ErrorNote error={(preview.error ?? apply.error)!} />}
      <div className="row dialog-buttons">
        <button type="button" onClick={onClose} data-testid="bulk-cancel">
          {t('moderation.bulk.cancel')}
        </button>
        <button
          type="submit"
          className="primary"
          disabled={!count || count.flags === 0 || !reason || apply.busy}
          data-testid="bulk-apply"
        >
          {t('moderation.bulk.apply', { accounts: count?.accounts ?? 0 })}
        </button>
      </div>
    </Dialog>
  );
}
