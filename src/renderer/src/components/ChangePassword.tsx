import { type FormEvent, useState } from 'react';
import type { SessionState } from '../../../shared/contract';
import { PASSWORD_MIN_CHARS } from '../../../shared/domain/operator-roles';
import { type ApiError, call } from '../api/client';
import { useI18n } from '../i18n/I18nProvider';
import { ErrorNote } from './ErrorNote';

/**
 * Choosing a new password: forced right after a one-time password (the session itself is the proof, and nothing
 * else is allowed until this is done), or the operator's own choice (then the current password is asked).
 */
export function ChangePassword({
  forced,
  onChanged,
  onCancel,
}: {
  forced: boolean;
  onChanged(state: SessionState): void;
  onCancel?: () => void;
}) {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const mismatch = repeat !== '' && next !== repeat;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(null);
    try {
      onChanged(
        await call('session.changePassword', { newPassword: next, ...(forced ? {} : { currentPassword: current }) }),
      );
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="sign-in card" onSubmit={submit} data-testid="change-password" data-forced={forced}>
      <h1>{t('session.changePassword.title')}</h1>
      <p className="muted">
        {forced ? t('session.changePassword.forced') : t('session.changePassword.hint', { n: PASSWORD_MIN_CHARS })}
      </p>
      {!forced && (
        <label>
          {t('session.changePassword.current')}
          <input
            type="password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            autoComplete="current-password"
            required
            data-testid="change-password-current"
          />
        </label>
      )}
      <label>
        {t('session.changePassword.new', { n: PASSWORD_MIN_CHARS })}
        <input
          type="password"
          value={next}
          onChange={(e) => setNext(e.target.value)}
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN_CHARS}
          maxLength={200}
          autoFocus
          data-testid="change-password-new"
        />
      </label>
      <label>
        {t('session.changePassword.repeat')}
        <input
          type="password"
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
          autoComplete="new-password"
          required
          data-testid="change-password-repeat"
        />
      </label>
      {mismatch && <p className="error-note">{t('session.changePassword.mismatch')}</p>}
      {error && <ErrorNote error={error} />}
      <div className="row">
        <button type="submit" className="primary" disabled={busy || mismatch} data-testid="change-password-submit">
          {t('session.changePassword.submit')}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {t('session.changePassword.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
