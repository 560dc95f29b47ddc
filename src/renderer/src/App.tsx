import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SessionState } from '../../shared/contract';
import { roleAtLeast } from '../../shared/domain/operator-roles';
import { call, onSessionEnded } from './api/client';
import { useJobsOfOperator } from './api/jobs';
import { ChangePassword } from './components/ChangePassword';
import { SignIn } from './components/SignIn';
import { ThemeSwitch } from './components/ThemeSwitch';
import { type Locale, locales } from './i18n/catalogue';
import { useI18n } from './i18n/I18nProvider';
import { pages } from './pages/registry';
import { SignedInContext } from './session/signed-in';

function pageFromHash(): string {
  const id = window.location.hash.replace(/^#\/?/, '').split(/[?&]/)[0] ?? '';
  return pages.some((p) => p.id === id) ? id : pages[0]!.id;
}

/** Other tabs of this browser share its session cookie: a sign-in or sign-out in one tells the others to look. */
const SESSION_CHANGED_KEY = 'encounter.session-changed';
function announceSessionChange(): void {
  try {
    localStorage.setItem(SESSION_CHANGED_KEY, String(Date.now()));
  } catch {
    /* storage unavailable (Electron's own windows do not share sessions anyway) */
  }
}

const signedOut = (idleSeconds = 0): SessionState => ({ operator: null, mustChangePassword: false, idleSeconds });

export function App() {
  const { t, locale, setLocale } = useI18n();
  const cache = useQueryClient();
  const [session, setSession] = useState<SessionState | undefined>(undefined);
  /** The session ended under us (idle, signed out elsewhere): the sign-in page says so. */
  const [ended, setEnded] = useState(false);
  const [changingPassword, setChangingPassword] = useState(false);
  const [pageId, setPageId] = useState(pageFromHash);

  /** Who this console showed as signed in, to tell "the session ended" from "nobody had signed in". */
  const shownOperator = useRef<string | null>(null);
  useEffect(() => {
    shownOperator.current = session?.operator?.name ?? null;
  }, [session]);

  const reload = useCallback(() => {
    call('session.get', {})
      .then((next) => {
        if (shownOperator.current !== null && next.operator?.name !== shownOperator.current) {
          // Nothing read for the previous operator may be shown to the next one.
          cache.clear();
          setEnded(true);
        }
        // The same session keeps the same object, so the pages below are not re-rendered by every check.
        setSession((prev) => (prev && JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
      })
      .catch(() => setSession((prev) => signedOut(prev?.idleSeconds)));
  }, [cache]);

  useEffect(() => {
    reload();
    const onHash = () => setPageId(pageFromHash());
    const onStorage = (e: StorageEvent) => {
      if (e.key === SESSION_CHANGED_KEY) reload();
    };
    window.addEventListener('hashchange', onHash);
    window.addEventListener('storage', onStorage);
    const stopListening = onSessionEnded(() => {
      cache.clear();
      setSession((s) => {
        if (s?.operator) setEnded(true);
        return signedOut(s?.idleSeconds);
      });
    });
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('storage', onStorage);
      stopListening();
    };
  }, [reload, cache]);

  // Idle expiry happens in main; ask now and then, so an unattended console shows sign-in without a click.
  useEffect(() => {
    if (!session?.operator) return;
    const timer = setInterval(reload, Math.max(5, Math.min(60, session.idleSeconds / 4)) * 1000);
    return () => clearInterval(timer);
  }, [session?.operator, session?.idleSeconds, reload]);

  const signIn = (state: SessionState) => {
    cache.clear();
    setEnded(false);
    setSession(state);
    announceSessionChange();
  };
  const signOut = async () => {
    shownOperator.current = null;
    try {
      await call('session.signOut', {});
    } finally {
      cache.clear();
      setSession((s) => signedOut(s?.idleSeconds));
      setChangingPassword(false);
      announceSessionChange();
    }
  };

  const operator = session?.operator ?? null;
  const visiblePages = pages.filter((p) => operator !== null && roleAtLeast(operator.role, p.role));
  const page = visiblePages.find((p) => p.id === pageId) ?? visiblePages[0] ?? pages[0]!;
  const mustChange = session?.mustChangePassword === true;
  useJobsOfOperator(operator && !mustChange ? operator.name : null);

  return (
    <div
      className="app"
      data-testid="app"
      data-ready={session !== undefined ? 'true' : 'false'}
      data-signed-in={operator ? operator.name : ''}
    >
      <header className="topbar">
        <div className="brand">
          <strong>{t('app.title')}</strong>
          <span className="muted">{t('app.subtitle')}</span>
        </div>
        <div className="topbar-tools">
          <ThemeSwitch />
          <label className="inline">
            <span className="sr-only">{t('lang.label')}</span>
            <select
              value={locale}
              onChange={(e) => setLocale(e.target.value as Locale)}
              data-testid="locale-switch"
              aria-label={t('lang.label')}
            >
              {locales.map((l) => (
                <option key={l} value={l}>
                  {t(`lang.${l}`)}
                </option>
              ))}
            </select>
          </label>
          {operator && (
            <span className="operator" data-testid="operator" data-role={operator.role}>
              {t('session.operator')}: {operator.name} · {t(`session.role.${operator.role}`)}{' '}
              {!mustChange && (
                <button
                  type="button"
                  className="link"
                  onClick={() => setChangingPassword(true)}
                  data-testid="change-password-open"
                >
                  {t('session.changePassword.open')}
                </button>
              )}{' '}
              <button type="button" className="link" onClick={() => void signOut()} data-testid="sign-out">
                {t('session.signOut')}
              </button>
            </span>
          )}
        </div>
      </header>
      {session !== undefined && !operator && (
        <main className="content">
          <SignIn onSignedIn={signIn} ended={ended} />
        </main>
      )}
      {operator && (mustChange || changingPassword) && (
        <main className="content">
          <ChangePassword
            forced={mustChange}
            onChanged={(state) => {
              setChangingPassword(false);
              setSession(state);
            }}
            {...(mustChange ? {} : { onCancel: () => setChangingPassword(false) })}
          />
        </main>
      )}
      {operator && !mustChange && !changingPassword && (
        <SignedInContext.Provider value={operator}>
          <div className="body">
            <nav className="sidebar" aria-label={t('nav.label')}>
              {visiblePages.map((p) => (
                <a
                  key={p.id}
                  href={`#/${p.id}`}
                  aria-current={p.id === page.id ? 'page' : undefined}
                  data-testid={`nav-${p.id}`}
                >
                  {t(p.label)}
                </a>
              ))}
            </nav>
            <main className="content">{page.render()}</main>
          </div>
        </SignedInContext.Provider>
      )}
    </div>
  );
}
