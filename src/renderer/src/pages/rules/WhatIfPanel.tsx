import { memo, useCallback } from 'react';
import type { WhatIfView } from '../../../../shared/contract';
import type { ApiError } from '../../api/client';
import { ErrorNote } from '../../components/ErrorNote';
import { useI18n } from '../../i18n/I18nProvider';
import { VersusChart } from './VersusChart';

const OTHER = '(other)';
const UNKNOWN = '(unknown)';

function Figure({ label, draft, active, testId }: { label: string; draft: string; active: string; testId: string }) {
  return (
    <div
      className="figure"
      data-testid={testId}
      style={{ border: '1px solid var(--line)', borderRadius: 6, padding: '8px 12px', minWidth: 170 }}
    >
      <div className="small muted">{label}</div>
      <div style={{ fontSize: 20, fontWeight: 600, fontVariantNumeric: 'tabular-nums' }} data-role="draft">
        {draft}
      </div>
      <div className="small muted" data-role="active">
        ← {active}
      </div>
    </div>
  );
}

/** Memoised: while the operator drags, the page re-renders on every step but this panel only when an answer lands. */
export const WhatIfPanel = memo(function WhatIfPanel({
  result,
  pending,
  error,
}: {
  result: WhatIfView | null;
  pending: boolean;
  error: ApiError | null;
}) {
  const { t, fmt } = useI18n();
  const draftName = t('rules.draft');
  const activeName = result?.activeVersion
    ? t('rules.activeVersion', { version: result.activeVersion })
    : t('rules.active');
  const districtLabel = useCallback(
    (key: string): string =>
      key === OTHER ? t('rules.whatIf.other') : key === UNKNOWN ? t('rules.whatIf.unknown') : key,
    [t],
  );
  return (
    <div
      className="card"
      data-testid="whatif"
      data-state={error ? 'error' : pending || !result ? 'pending' : 'ready'}
      data-seq={result?.seq ?? -1}
      data-changed-users={result?.changedUsers ?? ''}
      data-draft-introductions={result?.draft.introductions ?? ''}
      data-draft-matched-share={result?.draft.matchedShare ?? ''}
    >
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 style={{ margin: 0 }}>{t('rules.whatIf.title')}</h2>
        <span className="small muted" aria-live="polite">
          {pending
            ? t('rules.whatIf.pending')
            : result
              ? t('rules.whatIf.computed', { users: fmt.integer(result.poolUsers), ms: fmt.decimal(result.computeMs) })
              : ''}
        </span>
      </div>
      {error && <ErrorNote error={error} />}
      {result && (
        <>
          {result.rebuildNeeded.length > 0 && (
            <p className="small" style={{ color: 'var(--warn)' }} data-testid="whatif-rebuild">
              {t('rules.rebuildNeeded')}
            </p>
          )}
          {result.mirrorUpdated && (
            <p className="small" style={{ color: 'var(--warn)' }} data-testid="whatif-mirror-updated">
              {t('rules.whatIf.mirrorUpdated')}
            </p>
          )}
          {result.newlyEligible > 0 && (
            <p
              className="small"
              style={{ color: 'var(--warn)' }}
              data-testid="whatif-newly-eligible"
              data-count={result.newlyEligible}
            >
              {t('rules.whatIf.newlyEligible', { n: fmt.integer(result.newlyEligible) })}
            </p>
          )}
          <div className="row" style={{ margin: '12px 0', alignItems: 'stretch' }}>
            <Figure
              testId="whatif-introductions"
              label={t('rules.whatIf.introductions')}
              draft={fmt.integer(result.draft.introductions)}
              active={fmt.integer(result.active.introductions)}
            />
            <Figure
              testId="whatif-matched-share"
              label={t('rules.whatIf.matchedShare')}
              draft={fmt.percent(result.draft.matchedShare)}
              active={fmt.percent(result.active.matchedShare)}
            />
            <Figure
              testId="whatif-mean-score"
              label={t('rules.whatIf.meanScore')}
              draft={fmt.decimal(result.draft.meanScore)}
              active={fmt.decimal(result.active.meanScore)}
            />
            <Figure
              testId="whatif-eligible"
              label={t('rules.whatIf.eligible')}
              draft={fmt.integer(result.draft.eligibleUsers)}
              active={fmt.integer(result.active.eligibleUsers)}
            />
            <Figure
              testId="whatif-held-by-detection"
              label={t('rules.whatIf.heldByDetection')}
              draft={fmt.integer(result.heldByDetection.draft)}
              active={fmt.integer(result.heldByDetection.active)}
            />
            <div
              style={{
                border: '1px solid var(--accent)',
                borderRadius: 6,
                padding: '8px 12px',
                minWidth: 220,
                background: 'var(--accent-bg)',
              }}
            >
              <div className="small muted">{t('rules.whatIf.changed')}</div>
              <div
                style={{ fontSize: 20, fontWeight: 600, fontVariantNumeric: 'tabular-nums' }}
                data-testid="whatif-changed"
              >
                {fmt.integer(result.changedUsers)}
              </div>
              <div className="small muted">
                {t('rules.whatIf.gainedLost', {
                  gained: fmt.integer(result.gainedUsers),
                  lost: fmt.integer(result.lostUsers),
                })}
              </div>
            </div>
          </div>
          {/* The figures update at once; the four charts redraw one per task (stagger) so none blocks input long. */}
          <div className="cols-2">
            <VersusChart
              testId="chart-histogram"
              title={t('rules.whatIf.histogram')}
              rows={result.histogram}
              draftName={draftName}
              activeName={activeName}
              stagger={0}
            />
            <VersusChart
              testId="chart-district"
              title={t('rules.whatIf.byDistrict')}
              rows={result.byDistrict}
              draftName={draftName}
              activeName={activeName}
              label={districtLabel}
              stagger={60}
            />
            <VersusChart
              testId="chart-age"
              title={t('rules.whatIf.byAgeBand')}
              rows={result.byAgeBand}
              draftName={draftName}
              activeName={activeName}
              stagger={120}
            />
            <VersusChart
              testId="chart-gender"
              title={t('rules.whatIf.byGenderPair')}
              rows={result.byGenderPair}
              draftName={draftName}
              activeName={activeName}
              stagger={180}
            />
          </div>
          {result.changedExamples.length > 0 && (
            <>
              <h2 style={{ marginTop: 12 }}>{t('rules.whatIf.examples')}</h2>
              <table className="grid" data-testid="whatif-examples">
                <thead>
                  <tr>
                    <th scope="col">{t('rules.whatIf.user')}</th>
                    <th scope="col">{t('rules.whatIf.activePartner')}</th>
                    <th scope="col">{t('rules.whatIf.draftPartner')}</th>
                  </tr>
                </thead>
                <tbody>
                  {result.changedExamples.map((e) => {
                    const person = (id: string | null) => {
                      if (id === null) return <span className="muted">{t('rules.whatIf.none')}</span>;
                      const p = result.people?.[id];
                      return (
                        <>
                          {p &&
                            `${p.displayName} · ${t(`rules.whatIf.gender.${p.gender}`)} · ${p.ageBand} · ${p.district ?? '—'} `}
                          <span className="muted small mono">{id}</span>
                        </>
                      );
                    };
                    return (
                      <tr key={e.userId} data-testid="whatif-example">
                        <td>{person(e.userId)}</td>
                        <td>{person(e.activePartner)}</td>
                        <td>{person(e.draftPartner)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </div>
  );
});
