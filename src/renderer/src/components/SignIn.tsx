import { type FormEvent, useState } from 'react';
import type { SessionState } from '../../../shared/contract';
import type { ApiError } from '../api/client';
import { useAction } from '../api/useAction';
import { useI18n } from '../i18n/I18nProvider';
import { ErrorNote } from './ErrorNote';

/**
 * Signing in: an operator account's name and password. Main answers every failure (a wrong name, a wrong password,
 * a locked or disabled account) with one message, so this form cannot tell them apart either.
 */
export function SignIn({ onSignedIn, ended }: { onSignedIn(state: SessionState): void; ended: boolean }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  // Through useAction: a sign-in resets the cache (api/changes.ts), nothing read for the previous operator stays.
  const signIn = useAction('session.signIn');

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn.mutateAsync({ name, password }));
    } catch (err) {
      setError(err as ApiError);
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="sign-in card" onSubmit={submit} data-testid="sign-in" data-state={busy ? 'busy' : 'ready'}>
      <h1>{t('session.signIn.title')}</h1>
      {ended && (
        <p className="notice" data-testid="session-ended">
          {t('session.ended')}
        </p>
      )}
      <p className="muted">{t('session.signIn.hint')}</p>
      <label>
        {t('session.signIn.name')}
        <input
          data-testid="sign-in-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoComplete="username"
          autoFocus
          required
          maxLength={40}
        />
      </label>
      <label>
        {t('session.signIn.password')}
        <input
          data-testid="sign-in-password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="current-password"
          required
          maxLength={200}
        />
      </label>
      {error && <ErrorNote error={error} />}
      <button type="submit" className="primary" data-testid="sign-in-submit" disabled={busy}>
        {t('session.signIn.submit')}
      </button>
    </form>
  );
}
