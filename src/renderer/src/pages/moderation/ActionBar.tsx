import type { RefObject } from 'react';
import type { DecisionAction, DecisionReason } from '../../../../shared/contract';
import { DECISION_ACTIONS, isLeadOnly } from '../../../../shared/domain/moderation';
import { useI18n } from '../../i18n/I18nProvider';
import { ReasonSelect } from './ReasonSelect';
import { ACTION_KEYS, actionKey, EXPIRING_ACTIONS, EXPIRY_CHOICES } from './words';

export interface PendingDecision {
  action: DecisionAction | null;
  reason: DecisionReason | '';
  expiryDays: number;
  note: string;
}

const KEY_OF: Record<DecisionAction, string> = Object.fromEntries(
  Object.entries(ACTION_KEYS).map(([k, a]) => [a, k]),
) as Record<DecisionAction, string>;

export interface ActionBarProps {
  pending: PendingDecision;
  onChange(next: PendingDecision): void;
  onPick(action: DecisionAction): void;
  onSubmit(): void;
  onUndo(): void;
  canUndo: boolean;
  isLead: boolean;
  disabled: boolean;
  busy: boolean;
  noteRef: RefObject<HTMLInputElement | null>;
}

/** Clear · warn · restrict · suspend · hold · escalate, a required reason, and submit; every button shows its key. */
export function ActionBar({
  pending,
  onChange,
  onPick,
  onSubmit,
  onUndo,
  canUndo,
  isLead,
  disabled,
  busy,
  noteRef,
}: ActionBarProps) {
  const { t } = useI18n();
  return (
    <form
      className="mod-actions"
      data-testid="action-bar"
      data-action={pending.action ?? ''}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <div className="row mod-action-buttons">
        {DECISION_ACTIONS.map((a) => {
          const leadOnly = isLeadOnly(a) && !isLead;
          return (
            <button
              key={a}
              type="button"
              className={`mod-action ${a}${pending.action === a ? ' picked' : ''}`}
              aria-pressed={pending.action === a}
              disabled={disabled || leadOnly}
              title={leadOnly ? t('moderation.action.suspendLeadOnly') : undefined}
              data-testid={`action-${a}`}
              onClick={() => onPick(a)}
            >
              <kbd>{KEY_OF[a]}</kbd> {t(actionKey(a))}
            </button>
          );
        })}
        <button
          type="button"
          className="mod-action"
          disabled={!canUndo || busy}
          onClick={onUndo}
          data-testid="action-undo"
        >
          <kbd>u</kbd> {t('moderation.action.undoShort')}
        </button>
      </div>
      {pending.action === 'suspend' && !isLead && (
        <p className="small mod-hint" data-testid="suspend-hint">
          {t('moderation.action.suspendLeadOnly')}
        </p>
      )}
      <div className="row">
        {pending.action && EXPIRING_ACTIONS.includes(pending.action) && (
          <label className="inline">
            {t('moderation.action.expiry')}
            <select
              value={pending.expiryDays}
              onChange={(e) => onChange({ ...pending, expiryDays: Number(e.target.value) })}
              data-testid="action-expiry"
            >
              {EXPIRY_CHOICES.map((d) => (
                <option key={d} value={d}>
                  {t('moderation.action.days', { n: d })}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="inline">
          {t('moderation.action.reason')}
          <ReasonSelect
            value={pending.reason}
            onChange={(reason) => onChange({ ...pending, reason })}
            testId="action-reason"
          />
        </label>
        <input
          ref={noteRef}
          className="grow"
          value={pending.note}
          maxLength={1000}
          placeholder={t('moderation.action.note')}
          aria-label={t('moderation.action.note')}
          onChange={(e) => onChange({ ...pending, note: e.target.value })}
          data-testid="action-note"
        />
        <button
          type="submit"
          className="primary"
          disabled={disabled || busy || !pending.action || !pending.reason}
          data-testid="action-submit"
        >
          <kbd>Enter</kbd> {t('moderation.action.submit')}
        </button>
      </div>
      {!pending.action && <p className="muted small">{t('moderation.action.pick')}</p>}
    </form>
  );
}
