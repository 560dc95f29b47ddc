import { type FormEvent, useState } from 'react';
import type { Operator, OperatorRole } from '../../../shared/contract';
import type { ApiError } from '../api/client';
import { useAction } from '../api/useAction';
import { useI18n } from '../i18n/I18nProvider';
import { ErrorNote } from './ErrorNote';

/** The operator picks their identity at start; main records it for the audit log and checks roles itself. */
export function SignIn({ onSignedIn }: { onSignedIn(operator: Operator): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [role, setRole] = useState<OperatorRole>('reviewer');
  const [error, setError] = useState<ApiError | null>(null);
  // Through useAction: a sign-in resets the cache (api/changes.ts), nothing read for the previous operator stays.
  const signIn = useAction('session.signIn');

  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      const { operator } = await signIn.mutateAsync({ name, role });
      onSignedIn(operator);
    } catch (err) {
      setError(err as ApiError);
    }
  }

  return (
    <form className="sign-in card" onSubmit={submit} data-testid="sign-in">
      <h1>{t('session.signIn.title')}</h1>
      <p className="muted">{t('session.signIn.hint')}</p>
      <label>
        {t('session.signIn.name')}
        <input
          data-testid="sign-in-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoFocus
          required
          maxLength={40}
        />
      </label>
      <fieldset>
        <legend>{t('session.signIn.role')}</legend>
        {(['reviewer', 'lead'] as const).map((r) => (
          <label key={r} className="inline">
            <input
              type="radio"
              name="role"
              value={r}
              checked={role === r}
              onChange={() => setRole(r)}
              data-testid={`sign-in-role-${r}`}
            />
            {t(`session.role.${r}`)}
          </label>
        ))}
      </fieldset>
      {error && <ErrorNote error={error} />}
      <button type="submit" className="primary" data-testid="sign-in-submit">
        {t('session.signIn.submit')}
      </button>
    </form>
  );
}
