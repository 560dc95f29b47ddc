import { useState } from 'react';
import { useI18n } from '../i18n/I18nProvider';

/**
 * An internal id in full, with a button that copies it: for operators, who paste ids into tickets and other tools
 * (never on a user's card). The id is selectable as text too, where the clipboard is refused.
 */
export function CopyId({ id, testId }: { id: string; testId: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = () =>
    navigator.clipboard.writeText(id).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  return (
    <span className="copy-id" data-testid={testId} data-id={id}>
      <code className="mono">{id}</code>
      <button
        type="button"
        className="link small"
        onClick={() => void copy()}
        data-testid={`${testId}-copy`}
        data-state={state}
        aria-label={`${t('words.copy')} ${id}`}
      >
        {state === 'copied' ? t('words.copied') : t('words.copy')}
      </button>
      {state === 'failed' && <span className="muted small">{t('words.copyFailed')}</span>}
    </span>
  );
}
