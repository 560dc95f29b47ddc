import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/I18nProvider';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
const STORAGE_KEY = 'encounter.theme';

function storedTheme(): Theme {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  return THEMES.includes(stored as Theme) ? (stored as Theme) : 'system';
}

/**
 * Light, dark, or the system's setting (the default): the stylesheet follows `prefers-color-scheme` unless
 * `html[data-theme]` says otherwise. Kept per machine, like the language.
 */
export function ThemeSwitch() {
  const { t } = useI18n();
  const [theme, setTheme] = useState<Theme>(storedTheme);
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
    globalThis.localStorage?.setItem(STORAGE_KEY, theme);
  }, [theme]);
  return (
    <label className="inline">
      <span className="sr-only">{t('theme.label')}</span>
      <select
        value={theme}
        onChange={(e) => setTheme(e.target.value as Theme)}
        data-testid="theme-switch"
        aria-label={t('theme.label')}
      >
        {THEMES.map((th) => (
          <option key={th} value={th}>
            {t(`theme.${th}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
