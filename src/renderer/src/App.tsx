import { useEffect, useState } from 'react';
import type { Operator } from '../../shared/contract';
import { call } from './api/client';
import { SignIn } from './components/SignIn';
import { ThemeSwitch } from './components/ThemeSwitch';
import { type Locale, locales } from './i18n/catalogue';
import { useI18n } from './i18n/I18nProvider';
import { pages } from './pages/registry';

function pageFromHash(): string {
  const id = window.location.hash.replace(/^#\/?/, '').split(/[?&]/)[0] ?? '';
  return pages.some((p) => p.id === id) ? id : pages[0]!.id;
}

export function App() {
  const { t, locale, setLocale } = useI18n();
  const [operator, setOperator] = useState<Operator | null | undefined>(undefined);
  const [pageId, setPageId] = useState(pageFromHash);

  useEffect(() => {
    call('session.get', {})
      .then((s) => setOperator(s.operator))
      .catch(() => setOperator(null));
    const onHash = () => setPageId(pageFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const page = pages.find((p) => p.id === pageId) ?? pages[0]!;

  return (
    <div className="app" data-testid="app" data-ready={operator !== undefined ? 'true' : 'false'}>
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
            <span className="operator" data-testid="operator">
              {t('session.operator')}: {operator.name} · {t(`session.role.${operator.role}`)}{' '}
              <button type="button" className="link" onClick={() => setOperator(null)} data-testid="switch-operator">
                {t('session.switch')}
              </button>
            </span>
          )}
        </div>
      </header>
      {operator === null && (
        <main className="content">
          <SignIn onSignedIn={setOperator} />
        </main>
      )}
      {operator && (
        <div className="body">
          <nav className="sidebar" aria-label={t('nav.label')}>
            {pages.map((p) => (
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
      )}
    </div>
  );
}
