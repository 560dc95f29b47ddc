import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { type Locale, locales, type MessageKey, translate } from './catalogue';
import { type Formatters, formatters } from './format';

interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  fmt: Formatters;
}

const I18nContext = createContext<I18n | null>(null);
const STORAGE_KEY = 'encounter.locale';

function initialLocale(): Locale {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  return locales.includes(stored as Locale) ? (stored as Locale) : 'zh-CN';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const value = useMemo<I18n>(
    () => ({
      locale,
      setLocale(next) {
        globalThis.localStorage?.setItem(STORAGE_KEY, next);
        setLocaleState(next);
      },
      t: (key, params) => translate(locale, key, params),
      fmt: formatters(locale),
    }),
    [locale],
  );
  // The page's language follows the console's (screen readers, hyphenation, fonts for Chinese).
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
