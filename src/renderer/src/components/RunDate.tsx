import { useState } from 'react';
import { platformDaysBetween, platformNoon } from '../../../shared/domain/platform-time';
import { useCallQuery } from '../api/queries';
import { useI18n } from '../i18n/I18nProvider';

/** Beyond this many days from the day after the mirror's data ends, a chosen date is called far from the data. */
export const FAR_FROM_DATA_DAYS = 3;

/**
 * The date a page runs or previews for: the day after the mirror's data ends (main works it out) until the operator
 * picks another. Null while the mirror's status is loading.
 */
export function useRunDate(): { date: string | null; setDate(date: string): void; suggested: string | null } {
  const status = useCallQuery('mirror.status', {});
  const [chosen, setDate] = useState<string | null>(null);
  const suggested = status.data?.suggestedDate ?? null;
  return { date: chosen ?? suggested, setDate, suggested };
}

/** A run date field that says where the mirror's data ends and warns when the chosen date is far from it. */
export function RunDateField({
  label,
  date,
  onChange,
  testId,
}: {
  label: string;
  date: string | null;
  onChange(date: string): void;
  testId: string;
}) {
  const { t, fmt } = useI18n();
  const status = useCallQuery('mirror.status', {});
  const ends = status.data?.dataEnds ?? null;
  const suggested = status.data?.suggestedDate ?? null;
  const away = date && suggested && ends ? platformDaysBetween(suggested, date) : 0;
  const far = Math.abs(away) > FAR_FROM_DATA_DAYS;
  // The warning counts from the last day of data, the day the operator reads beside the field.
  const fromEnd = date && ends ? Math.abs(platformDaysBetween(ends, date)) : 0;
  const day = (d: string) => fmt.date(platformNoon(d));
  return (
    <span className="run-date">
      <label className="inline">
        {label}
        <input
          type="date"
          value={date ?? ''}
          onChange={(e) => onChange(e.target.value)}
          required
          data-testid={testId}
          data-suggested={suggested ?? ''}
        />
      </label>
      <span className="small muted" data-testid={`${testId}-data-ends`} data-ends={ends ?? ''}>
        {ends ? t('date.dataEnds', { end: day(ends) }) : status.data ? t('date.noData') : ''}
      </span>
      {far && ends && suggested && (
        <span className="run-date-warning small" role="status" data-testid={`${testId}-far`} data-days={fromEnd}>
          {t('date.far', { end: day(ends), n: fromEnd })}{' '}
          <button type="button" className="link" onClick={() => onChange(suggested)}>
            {t('date.useSuggested', { date: day(suggested) })}
          </button>
        </span>
      )}
    </span>
  );
}
