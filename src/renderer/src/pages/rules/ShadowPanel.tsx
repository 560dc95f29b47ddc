import { memo, useState } from 'react';
import type { RuleSet } from '../../../../shared/domain/ruleset';
import { useAction } from '../../api/useAction';
import { useCallQuery } from '../../api/queries';
import { ErrorNote } from '../../components/ErrorNote';
import { useI18n } from '../../i18n/I18nProvider';
import { VersusChart } from './VersusChart';

function Comparison({ shadowId }: { shadowId: number }) {
  const { t, fmt } = useI18n();
  const cmp = useCallQuery('tuning.shadowCompare', { shadowId });
  if (cmp.error) return <ErrorNote error={cmp.error} onRetry={() => void cmp.refetch()} />;
  if (!cmp.data) return <p className="muted">{t('common.loading')}</p>;
  const c = cmp.data;
  const shadowName = t('rules.shadow.shadowRun', { id: c.shadow.id });
  const activeName = c.activeRunId === null ? t('rules.active') : t('rules.shadow.activeRun', { id: c.activeRunId });
  return (
    <div
      data-testid="shadow-comparison"
      data-shadow-id={c.shadow.id}
      data-active-run={c.activeRunId ?? ''}
      data-overlap={c.overlap}
      data-gainers={c.gainers}
      data-losers={c.losers}
      data-shadow-introductions={c.shadowIntroductions}
      data-active-introductions={c.activeIntroductions}
      style={{ marginTop: 12 }}
    >
      {c.activeRunId === null && <p className="muted small">{t('rules.shadow.noActiveRun')}</p>}
      <div className="cols-2">
        <table className="grid">
          <thead>
            <tr>
              <th scope="col" />
              <th scope="col" className="num">
                {shadowName}
              </th>
              <th scope="col" className="num">
                {activeName}
              </th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{t('rules.whatIf.introductions')}</th>
              <td className="num">{fmt.integer(c.shadowIntroductions)}</td>
              <td className="num">{fmt.integer(c.activeIntroductions)}</td>
            </tr>
            <tr>
              <th scope="row">{t('rules.whatIf.matchedShare')}</th>
              <td className="num">{fmt.percent(c.shadowMatchedShare)}</td>
              <td className="num">{c.activeMatchedShare === null ? '—' : fmt.percent(c.activeMatchedShare)}</td>
            </tr>
            <tr>
              <th scope="row">{t('rules.whatIf.meanScore')}</th>
              <td className="num">{fmt.decimal(c.shadowMeanScore)}</td>
              <td className="num">{c.activeMeanScore === null ? '—' : fmt.decimal(c.activeMeanScore)}</td>
            </tr>
            <tr>
              <th scope="row">{t('rules.shadow.overlap')}</th>
              <td className="num" colSpan={2} data-testid="shadow-overlap">
                {fmt.integer(c.overlap)}
              </td>
            </tr>
            <tr>
              <th scope="row">{t('rules.shadow.delta')}</th>
              <td className="num" colSpan={2}>
                {c.meanScoreDeltaOverlap > 0 ? '+' : ''}
                {fmt.decimal(c.meanScoreDeltaOverlap)}
              </td>
            </tr>
            <tr>
              <th scope="row">{t('rules.shadow.gainers')}</th>
              <td className="num" colSpan={2} data-testid="shadow-gainers">
                {fmt.integer(c.gainers)}
              </td>
            </tr>
            <tr>
              <th scope="row">{t('rules.shadow.losers')}</th>
              <td className="num" colSpan={2} data-testid="shadow-losers">
                {fmt.integer(c.losers)}
              </td>
            </tr>
            <tr>
              <th scope="row">{t('rules.shadow.partnerChanged')}</th>
              <td className="num" colSpan={2}>
                {fmt.integer(c.partnerChanged)}
              </td>
            </tr>
          </tbody>
        </table>
        <VersusChart
          testId="shadow-histogram"
          title={t('rules.shadow.histogram')}
          rows={c.histogram}
          draftName={shadowName}
          activeName={activeName}
        />
      </div>
      {(c.gainersSample.length > 0 || c.losersSample.length > 0) && (
        <p className="small mono" style={{ marginTop: 8 }}>
          {t('rules.shadow.sample')} — {t('rules.shadow.gainers')}: {c.gainersSample.join(', ') || '—'} ·{' '}
          {t('rules.shadow.losers')}: {c.losersSample.join(', ') || '—'}
        </p>
      )}
    </div>
  );
}

/** `getDraft` is read when the operator starts a shadow run, so dragging does not re-render the comparison. */
export const ShadowPanel = memo(function ShadowPanel({ getDraft, ready }: { getDraft(): RuleSet; ready: boolean }) {
  const { t, fmt } = useI18n();
  const [selected, setSelected] = useState<number | null>(null);
  const start = useAction('tuning.shadowRun');
  const runs = useCallQuery('tuning.shadowRuns', { limit: 10 });
  const open = selected ?? runs.data?.runs[0]?.id ?? null;
  return (
    <div className="card" data-testid="shadow-panel">
      <h2>{t('rules.shadow.title')}</h2>
      <p className="muted small">{t('rules.shadow.help')}</p>
      <div className="row" style={{ marginTop: 8 }}>
        <button
          type="button"
          className="primary"
          disabled={!ready || start.busy}
          onClick={() => void start.run({ ruleSet: getDraft() }).then((r) => r && setSelected(r.shadowId))}
          data-testid="shadow-run"
        >
          {t('rules.shadow.run')}
        </button>
        {start.error && <ErrorNote error={start.error} />}
      </div>
      {runs.data && runs.data.runs.length === 0 && <p className="muted">{t('rules.shadow.none')}</p>}
      {runs.data && runs.data.runs.length > 0 && (
        <table className="grid" data-testid="shadow-runs" style={{ marginTop: 8 }}>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('rules.date')}</th>
              <th scope="col">{t('matching.runs.operator')}</th>
              <th scope="col" className="num">
                {t('rules.whatIf.introductions')}
              </th>
              <th scope="col" className="num">
                {t('rules.whatIf.matchedShare')}
              </th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {runs.data.runs.map((r) => (
              <tr key={r.id} aria-selected={r.id === open} data-testid={`shadow-run-${r.id}`}>
                <td>{r.id}</td>
                <td>{r.date}</td>
                <td>{r.operator}</td>
                <td className="num">{fmt.integer(r.summary.introductions)}</td>
                <td className="num">{fmt.percent(r.summary.matchedShare)}</td>
                <td className="num">
                  <button type="button" onClick={() => setSelected(r.id)} data-testid={`shadow-compare-${r.id}`}>
                    {t('rules.shadow.compare')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open !== null && <Comparison key={open} shadowId={open} />}
    </div>
  );
});
