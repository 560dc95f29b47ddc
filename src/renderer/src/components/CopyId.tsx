import { useState } from 'react';
import { useI18n } from '../i18n/I18nProvider';

/**
 * The older way, for where the clipboard API is missing or refused (a page not served over https or loopback, a
 * denied permission): copy the text of a selected, off-screen field. False when the browser refuses that too.
 */
function copyBySelection(text: string): boolean {
  const field = document.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  field.style.position = 'fixed';
  field.style.left = '-9999px';
  document.body.appendChild(field);
  field.focus();
  field.select();
  try {
    return typeof document.execCommand === 'function' && document.execCommand('copy');
  } catch {
    return false;
  } finally {
    field.remove();
  }
}

/**
 * An internal id in full, with a button that copies it: for operators, who paste ids into tickets and other tools
 * (never on a user's card). The id is selectable as text too, where the clipboard is refused.
 */
export function CopyId({ id, testId }: { id: string; testId: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = () =>
    (navigator.clipboard?.writeText(id) ?? Promise.reject(new Error('no clipboard API'))).then(
      () => setState('copied'),
      () => setState(copyBySelection(id) ? 'copied' : 'failed'),
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
      <span className="muted small" role="status" data-testid={`${testId}-status`}>
        {state === 'failed' ? t('words.copyFailed') : ''}
      </span>
    </span>
  );
}
