import { type DecisionReason, decisionReasonSchema } from '../../../../shared/contract';
import { useI18n } from '../../i18n/I18nProvider';
import { decisionReasonKey } from './words';

interface Props {
  value: DecisionReason | '';
  onChange(reason: DecisionReason | ''): void;
  testId: string;
}

/** The required reason code of a decision (single or bulk); empty until the operator picks one. */
export function ReasonSelect({ value, onChange, testId }: Props) {
  const { t } = useI18n();
  return (
    <select
      value={value}
      onChange={(e) => onChange(e.target.value as DecisionReason | '')}
      data-testid={testId}
      aria-label={t('moderation.action.reason')}
      required
    >
      <option value="">{t('moderation.action.reasonPick')}</option>
      {decisionReasonSchema.options.map((r) => (
        <option key={r} value={r}>
          {t(decisionReasonKey(r))}
        </option>
      ))}
    </select>
  );
}
