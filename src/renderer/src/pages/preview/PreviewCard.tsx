import { useCallback, useState } from 'react';
import type { PreviewSideView } from '../../../../shared/contract';
import { platformNoon } from '../../../../shared/domain/platform-time';
import { useI18n } from '../../i18n/I18nProvider';
import { GuessCard } from './GuessCard';
import { UnmaskPanel } from './UnmaskPanel';
import { placeText, reasonText } from './words';

interface Props {
  runId: number;
  date: string;
  score: number;
  pair: { userA: string; userB: string };
  view: PreviewSideView;
}

/** One user's screen: the person introduced to them (masked), the value, the reasons, the places, the daily rule. */
export function PreviewCard({ runId, date, score, pair, view }: Props) {
  const { t, fmt } = useI18n();
  const other = view.other;
  // The shared places would give the game away: they are revealed once the guess is played (or cannot be).
  const [revealed, setRevealed] = useState(false);
  const reveal = useCallback(() => setRevealed(true), []);
  return (
    <article
      className="card preview-card"
      data-testid={`preview-card-${view.side}`}
      data-viewer={view.viewer.userId}
      data-other={other.userId}
    >
      <header className="preview-card-header">
        <h2>{t('preview.card.title', { name: view.viewer.displayName })}</h2>
        <span className="muted small mono">{t('preview.card.viewerId', { id: view.viewer.userId })}</span>
      </header>
      <p className="muted small">{t('preview.card.introduced')}</p>
      <div className="preview-profile" data-testid={`preview-other-${view.side}`}>
        <span className="preview-avatar" aria-hidden="true">
          {other.displayName.slice(0, 1)}
        </span>
        <div>
          <div className="preview-name" data-testid={`preview-other-name-${view.side}`}>
            {other.displayName} {other.verified && <span className="badge">{t('preview.profile.verified')}</span>}
          </div>
          <div className="muted small">
            {t(`preview.profile.gender.${other.gender}`)} · {t('preview.profile.age', { band: other.ageBand })} ·{' '}
            {other.city}
            {' · '}
            {other.district ?? t('preview.profile.noDistrict')}
          </div>
          <div className="muted small mono">{other.userId}</div>
        </div>
        <div className="preview-score" data-testid={`preview-score-${view.side}`} data-score={score}>
          <span className="preview-score-value">{fmt.integer(score)}</span>
          <span className="muted small">{t('preview.card.score')}</span>
        </div>
      </div>
      {/* Keyed by the account: whatever was unmasked for another one goes with its panel. */}
      <UnmaskPanel key={other.userId} userId={other.userId} testId={`unmask-${view.side}`} />
      <h3>{t('preview.card.reasons')}</h3>
      <ul className="preview-reasons">
        {view.reasons.map((r) => (
          <li key={r.code} data-testid={`preview-reason-${view.side}`} data-code={r.code}>
            {reasonText(t, r)}
          </li>
        ))}
      </ul>
      <GuessCard runId={runId} userA={pair.userA} userB={pair.userB} side={view.side} onSettled={reveal} />
      {revealed ? (
        <>
          <h3>{t('preview.card.places')}</h3>
          {view.places.length === 0 ? (
            <p className="muted small">{t('preview.card.noPlaces')}</p>
          ) : (
            <ul className="preview-places">
              {view.places.map((p, i) => (
                <li key={i} data-testid={`preview-place-${view.side}`} data-level={p.level}>
                  {placeText(t, p)} <span className="muted small">({t(`preview.level.${p.level}`)})</span>
                </li>
              ))}
            </ul>
          )}
          {view.withheldPlaces > 0 && (
            <p className="muted small">{t('preview.card.withheld', { n: view.withheldPlaces })}</p>
          )}
        </>
      ) : (
        <p className="muted small" data-testid={`preview-places-hidden-${view.side}`}>
          {t('preview.card.placesAfterGuess')}
        </p>
      )}
      <footer className="preview-daily" data-testid={`preview-daily-rule-${view.side}`}>
        <span>{t('preview.card.dailyRule')}</span>{' '}
        <span className="muted small">{t('preview.card.date', { date: fmt.date(platformNoon(date)) })}</span>
      </footer>
    </article>
  );
}
