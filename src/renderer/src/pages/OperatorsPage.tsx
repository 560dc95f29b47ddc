import { type FormEvent, useState } from 'react';
import type { OperatorAccountView } from '../../../shared/contract';
import { OPERATOR_ROLES, type OperatorRole } from '../../../shared/domain/operator-roles';
import { useCallQuery } from '../api/queries';
import { useAction } from '../api/useAction';
import { ErrorNote } from '../components/ErrorNote';
import { useI18n } from '../i18n/I18nProvider';
import { useSignedIn } from '../session/signed-in';

/**
 * Operator accounts (admins only; main refuses these calls to anyone else). A new account or a reset gets a one-time
 * password, shown here once to the admin who asked for it, to hand over; its first sign-in asks for a new one. The
 * rules — nobody changes their own role or disables themselves, the last enabled admin stays — are main's; this page
 * shows main's refusal when one is broken.
 */
export function OperatorsPage() {
  const { t } = useI18n();
  const list = useCallQuery('operators.list', {});
  const add = useAction('operators.add');
  const setRole = useAction('operators.setRole');
  const setEnabled = useAction('operators.setEnabled');
  const reset = useAction('operators.resetPassword');
  /** The last one-time password main handed out, shown until the admin dismisses it. */
  const [issued, setIssued] = useState<{ name: string; password: string } | null>(null);
  const [name, setName] = useState('');
  const [role, setNewRole] = useState<OperatorRole>('reviewer');
  const error = add.error ?? setRole.error ?? setEnabled.error ?? reset.error ?? list.error;

  const clearErrors = () => [add, setRole, setEnabled, reset].forEach((a) => a.error && a.reset());

  async function submit(e: FormEvent) {
    e.preventDefault();
    clearErrors();
    const out = await add.run({ name: name.trim(), role });
    if (out) {
      setIssued({ name: out.account.name, password: out.oneTimePassword });
      setName('');
    }
  }

  return (
    <section data-testid="operators-page" data-ready={list.data !== undefined && !list.isFetching}>
      <h1>{t('operators.title')}</h1>
      <p className="muted">{t('operators.hint')}</p>
      <form className="row" onSubmit={submit} data-testid="operator-add">
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder={t('operators.add.name')}
          aria-label={t('operators.add.name')}
          autoComplete="off"
          data-testid="operator-add-name"
        />
        <select
          value={role}
          onChange={(e) => setNewRole(e.target.value as OperatorRole)}
          aria-label={t('operators.role')}
          data-testid="operator-add-role"
        >
          {OPERATOR_ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`session.role.${r}`)}
            </option>
          ))}
        </select>
        <button
          type="submit"
          className="primary"
          disabled={add.busy || name.trim() === ''}
          data-testid="operator-add-submit"
        >
          {t('operators.add.submit')}
        </button>
      </form>
      {issued && (
        <div className="card" role="status" data-testid="operator-one-time-password" data-operator={issued.name}>
          <p>{t('operators.oneTime.hint', { name: issued.name })}</p>
          <p>
            <code className="mono" data-testid="operator-one-time-password-value">
              {issued.password}
            </code>
          </p>
          <button type="button" onClick={() => setIssued(null)} data-testid="operator-one-time-password-dismiss">
            {t('operators.oneTime.dismiss')}
          </button>
        </div>
      )}
      {error && <ErrorNote error={error} />}
      {list.data && (
        <AccountsTable
          accounts={list.data.operators}
          busy={setRole.busy || setEnabled.busy || reset.busy}
          onRole={(account, next) => {
            clearErrors();
            void setRole.run({ name: account.name, role: next });
          }}
          onEnabled={(account, enabled) => {
            clearErrors();
            void setEnabled.run({ name: account.name, enabled });
          }}
          onReset={(account) => {
            clearErrors();
            void reset.run({ name: account.name }).then((out) => {
              if (out) setIssued({ name: out.account.name, password: out.oneTimePassword });
            });
          }}
        />
      )}
    </section>
  );
}

function AccountsTable({
  accounts,
  busy,
  onRole,
  onEnabled,
  onReset,
}: {
  accounts: OperatorAccountView[];
  busy: boolean;
  onRole(account: OperatorAccountView, role: OperatorRole): void;
  onEnabled(account: OperatorAccountView, enabled: boolean): void;
  onReset(account: OperatorAccountView): void;
}) {
  const { t, fmt } = useI18n();
  const me = useSignedIn();
  return (
    <table className="grid" data-testid="operators">
      <thead>
        <tr>
          <th scope="col">{t('operators.name')}</th>
          <th scope="col">{t('operators.role')}</th>
          <th scope="col">{t('operators.state')}</th>
          <th scope="col">{t('operators.lastSignIn')}</th>
          <th scope="col" className="num">
            {t('operators.failures')}
          </th>
          <th scope="col" className="num">
            {t('operators.sessions')}
          </th>
          <th scope="col">{t('operators.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {accounts.map((a) => {
          const self = a.name === me.name;
          const locked = a.lockedUntil !== null;
          return (
            <tr
              key={a.name}
              data-testid={`operator-${a.name}`}
              data-role={a.role}
              data-enabled={a.enabled}
              data-locked={locked}
            >
              <th scope="row">
                {a.name}
                {self && <span className="muted"> ({t('operators.you')})</span>}
              </th>
              <td>
                <select
                  value={a.role}
                  disabled={busy || self}
                  title={self ? t('error.say.ownRole') : undefined}
                  onChange={(e) => onRole(a, e.target.value as OperatorRole)}
                  aria-label={t('operators.roleOf', { name: a.name })}
                  data-testid={`operator-${a.name}-role`}
                >
                  {OPERATOR_ROLES.map((r) => (
                    <option key={r} value={r}>
                      {t(`session.role.${r}`)}
                    </option>
                  ))}
                </select>
              </td>
              <td data-testid={`operator-${a.name}-state`}>
                {!a.enabled
                  ? t('operators.disabled')
                  : locked
                    ? t('operators.lockedUntil', { time: fmt.dateTime(a.lockedUntil!), n: a.lockouts })
                    : a.mustChangePassword
                      ? t('operators.oneTimePending')
                      : t('operators.enabled')}
              </td>
              <td>{a.lastSignInAt ? fmt.dateTime(a.lastSignInAt) : '—'}</td>
              <td className="num">{fmt.integer(a.failedAttempts)}</td>
              <td className="num">{fmt.integer(a.activeSessions)}</td>
              <td className="row">
                <button
                  type="button"
                  disabled={busy || self}
                  onClick={() => onEnabled(a, !a.enabled)}
                  data-testid={`operator-${a.name}-${a.enabled ? 'disable' : 'enable'}`}
                >
                  {a.enabled ? t('operators.disable') : t('operators.enable')}
                </button>
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => onReset(a)}
                  data-testid={`operator-${a.name}-reset`}
                >
                  {t('operators.reset')}
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
