import { useCallback, useState } from 'react';
import type { PreviewSideView } from '../../../../shared/contract';
import { platformNoon } from '../../../../shared/domain/platform-time';
import { CopyId } from '../../components/CopyId';
import { codeText } from '../../i18n/codes';
import { useI18n } from '../../i18n/I18nProvider';
import { GuessCard, GuessStatus } from './GuessCard';
import { UnmaskPanel } from './UnmaskPanel';
import { placeText, reasonText } from './words';

interface Props {
  runId: number;
  date: string;
  score: number;
  pair: { userA: string; userB: string };
  view: PreviewSideView;
  /** The viewer's and the other's user ids: for the operator beside the card, never on it. */
  ids: { viewer: string; other: string };
}

/**
 * One user's screen — the person introduced to them (masked), the value, the guess card, then the reasons and the
 * places, the daily rule — and beside it, marked "operators only", whose card it is (ids) and unmask. The card
 * itself carries no id and no count of withheld places.
 */
export function PreviewCard({ runId, date, score, pair, view, ids }: Props) {
  const { t, fmt } = useI18n();
  const other = view.other;
  // The reasons and the shared places would give the game away: they show once it is played (or cannot be).
  const [revealed, setRevealed] = useState(false);
  const reveal = useCallback(() => setRevealed(true), []);
  return (
    <div className="preview-side" data-testid={`preview-side-${view.side}`}>
      <article
        className="card preview-card"
        data-testid={`preview-card-${view.side}`}
        data-revealed={revealed}
        aria-label={t('preview.card.title', { name: view.viewer.displayName })}
      >
        <header className="preview-card-header">
          <h2>{t('preview.card.title', { name: view.viewer.displayName })}</h2>
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
              {codeText(t, 'gender', other.gender)} · {t('preview.profile.age', { band: other.ageBand })} · {other.city}
              {' · '}
              {other.district ?? t('preview.profile.noDistrict')}
            </div>
          </div>
          <div className="preview-score" data-testid={`preview-score-${view.side}`} data-score={score}>
            <span className="preview-score-value">{fmt.integer(score)}</span>
            <span className="muted small">{t('preview.card.score')}</span>
          </div>
        </div>
        <GuessCard runId={runId} userA={pair.userA} userB={pair.userB} side={view.side} onSettled={reveal} />
        {revealed ? (
          <>
            <h3>{t('preview.card.reasons')}</h3>
            <ul className="preview-reasons" data-testid={`preview-reasons-${view.side}`}>
              {view.reasons.map((r) => (
                <li key={r.code} data-testid={`preview-reason-${view.side}`} data-code={r.code}>
                  {reasonText(t, r)}
                </li>
              ))}
            </ul>
            <h3>{t('preview.card.places')}</h3>
            {view.places.length === 0 ? (
              <p className="muted small">{t('preview.card.noPlaces')}</p>
            ) : (
              <ul className="preview-places">
                {view.places.map((p, i) => (
                  <li key={i} data-testid={`preview-place-${view.side}`} data-level={p.level}>
                    {placeText(t, p)} <span className="muted small">({codeText(t, 'disclosureLevel', p.level)})</span>
                  </li>
                ))}
              </ul>
            )}
          </>
        ) : (
          <p className="muted small" data-testid={`preview-places-hidden-${view.side}`}>
            {t('preview.card.reasonsAfterGuess')}
          </p>
        )}
        <footer className="preview-daily" data-testid={`preview-daily-rule-${view.side}`}>
          <span>{t('preview.card.dailyRule')}</span>{' '}
          <span className="muted small">{t('preview.card.date', { date: fmt.date(platformNoon(date)) })}</span>
        </footer>
      </article>
      <aside className="card operators-only" data-testid={`operators-only-${view.side}`}>
        <h3>
          <span className="ops-badge">{t('words.operatorsOnly')}</span> {t('preview.ops.title')}
        </h3>
        <dl className="facts small">
          <dt>{t('preview.ops.viewer')}</dt>
          <dd>
            <CopyId id={ids.viewer} testId={`ops-viewer-${view.side}`} />
          </dd>
          <dt>{t('preview.ops.other')}</dt>
          <dd>
            <CopyId id={ids.other} testId={`ops-other-${view.side}`} />
          </dd>
        </dl>
        <GuessStatus runId={runId} userA={pair.userA} userB={pair.userB} side={view.side} />
        {/* Keyed by the account: whatever was unmasked for another one goes with its panel. */}
        <UnmaskPanel key={ids.other} userId={ids.other} testId={`unmask-${view.side}`} />
      </aside>
    </div>
  );
}
