import { useState } from 'react';
import type { MatchRunView } from '../../../shared/contract';
import { useJob, useJobEnded } from '../api/jobs';
import { useCallQuery } from '../api/queries';
import { useAction } from '../api/useAction';
import { ErrorNote } from '../components/ErrorNote';
import { JobProgressBar } from '../components/JobProgressBar';
import { codeText } from '../i18n/codes';
import { RunDateField, useRunDate } from '../components/RunDate';
import { useI18n } from '../i18n/I18nProvider';
import { Pager } from '../components/Pager';
import { PublishPanel } from './matching/PublishPanel';

const PAGE = 25;

function RunSummary({ run }: { run: MatchRunView }) {
  const { t, fmt } = useI18n();
  if (!run.summary) return <p className="muted">{run.error ?? t(`matching.status.${run.status}`)}</p>;
  const s = run.summary;
  const totalMs = Object.values(s.phasesMs).reduce((a, b) => a + b, 0);
  return (
    <dl
      className="facts"
      data-testid="run-summary"
      data-introductions={s.introductions}
      data-eligible={s.eligibleUsers}
      data-held-by-detection={s.heldByDetection}
    >
      <dt>{t('matching.summary.eligible')}</dt>
      <dd>{fmt.integer(s.eligibleUsers)}</dd>
      <dt>{t('matching.summary.heldByDetection')}</dt>
      <dd data-testid="run-held-by-detection">{fmt.integer(s.heldByDetection)}</dd>
      <dt>{t('matching.summary.introductions')}</dt>
      <dd>{fmt.integer(s.introductions)}</dd>
      <dt>{t('matching.summary.matchedShare')}</dt>
      <dd>{fmt.percent(s.matchedShare)}</dd>
      <dt>{t('matching.summary.meanScore')}</dt>
      <dd>{fmt.decimal(s.meanScore)}</dd>
      <dt>{t('matching.summary.bound')}</dt>
      <dd>
        {t('matching.summary.boundValue', {
          total: fmt.integer(s.totalScore),
          bound: fmt.integer(s.upperBound),
          ratio: fmt.percent(s.boundRatio),
        })}
      </dd>
      <dt>{t('matching.summary.window')}</dt>
      <dd>{fmt.integer(s.windowTransactions)}</dd>
      <dt>{t('matching.summary.elapsed')}</dt>
      <dd>{t('common.seconds', { n: fmt.decimal(totalMs / 1000) })}</dd>
    </dl>
  );
}

function Introductions({ runId }: { runId: number }) {
  const { t, fmt } = useI18n();
  const [offset, setOffset] = useState(0);
  const page = useCallQuery('matching.introductions', { runId, offset, limit: PAGE });
  if (page.error) return <ErrorNote error={page.error} onRetry={() => void page.refetch()} />;
  if (!page.data) return <p className="muted">{t('common.loading')}</p>;
  if (page.data.total === 0) return <p className="muted">{t('matching.introductions.none')}</p>;
  return (
    <>
      <table className="grid" data-testid="run-introductions" data-total={page.data.total}>
        <thead>
          <tr>
            <th scope="col">{t('matching.introductions.pair')}</th>
            <th scope="col" className="num">
              {t('matching.introductions.score')}
            </th>
            <th scope="col">{t('matching.introductions.reasons')}</th>
          </tr>
        </thead>
        <tbody>
          {page.data.introductions.map((i) => (
            <tr key={`${i.userA}-${i.userB}`} data-testid="run-introduction">
              <td className="mono">
                {i.userA} · {i.userB}
              </td>
              <td className="num">{fmt.decimal(i.score)}</td>
              <td>{fmt.list(i.reasons.map((r) => codeText(t, 'introductionReason', r)))}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager
        offset={offset}
        pageSize={PAGE}
        shown={page.data.introductions.length}
        total={page.data.total}
        onOffset={setOffset}
      />
    </>
  );
}

export function MatchingPage() {
  const { t, fmt } = useI18n();
  const { date, setDate } = useRunDate();
  const [selected, setSelected] = useState<number | null>(null);
  const start = useAction('matching.start');
  const job = useJob('match');
  // A run that ended refreshes the list (api/changes.ts) and is shown: it is the newest.
  useJobEnded('match', () => setSelected(null));
  const runs = useCallQuery('matching.runs', { limit: 20 });
  const session = useCallQuery('session.get', {});
  const isLead = session.data?.operator?.role === 'lead';
  const open = runs.data?.runs.find((r) => r.id === selected) ?? runs.data?.runs[0] ?? null;

  return (
    <section className="page" data-testid="page-matching" data-state={runs.data ? 'ready' : 'loading'}>
      <header className="page-header">
        <h1>{t('matching.title')}</h1>
      </header>
      <div className="card">
        <h2>{t('matching.run.title')}</h2>
        <p className="muted small">{t('matching.run.help')}</p>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (date) void start.run({ date });
          }}
        >
          <RunDateField label={t('matching.run.date')} date={date} onChange={setDate} testId="match-date" />
          <button
            type="submit"
            className="primary"
            disabled={!date || start.busy || job?.state === 'running'}
            data-testid="match-start"
          >
            {t('matching.run.start')}
          </button>
          {start.error && <ErrorNote error={start.error} />}
        </form>
        {job && <JobProgressBar job={job} testId="match-job" />}
      </div>
      <div className="card">
        <h2>{t('matching.runs.title')}</h2>
        {runs.error && <ErrorNote error={runs.error} onRetry={() => void runs.refetch()} />}
        {runs.data && runs.data.runs.length === 0 && <p className="muted">{t('matching.runs.none')}</p>}
        {runs.data && runs.data.runs.length > 0 && (
          <table className="grid" data-testid="match-runs">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('matching.run.date')}</th>
                <th scope="col">{t('matching.runs.status')}</th>
                <th scope="col">{t('matching.runs.operator')}</th>
                <th scope="col" className="num">
                  {t('matching.summary.introductions')}
                </th>
                <th scope="col" className="num">
                  {t('matching.summary.matchedShare')}
                </th>
                <th scope="col" className="num">
                  {t('matching.summary.meanScore')}
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.data.runs.map((r) => (
                <tr
                  key={r.id}
                  data-testid={`match-run-${r.id}`}
                  data-status={r.status}
                  aria-selected={r.id === open?.id}
                  className="clickable"
                  onClick={() => setSelected(r.id)}
                >
                  <td>{r.id}</td>
                  <td>{r.date}</td>
                  <td>
                    <span className="status" data-status={r.status}>
                      {t(`matching.status.${r.status}`)}
                    </span>
                    {r.publication && (
                      <span className="status" data-status="published" data-testid={`match-run-${r.id}-published`}>
                        {t('matching.status.published')}
                      </span>
                    )}
                  </td>
                  <td>{r.operator}</td>
                  <td className="num">{r.summary ? fmt.integer(r.summary.introductions) : '—'}</td>
                  <td className="num">{r.summary ? fmt.percent(r.summary.matchedShare) : '—'}</td>
                  <td className="num">{r.summary ? fmt.decimal(r.summary.meanScore) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {open && (
        <div className="card" data-testid="match-run-detail" data-run-id={open.id}>
          <h2>{t('matching.detail.title', { id: open.id, date: open.date })}</h2>
          <RunSummary run={open} />
          <PublishPanel key={open.id} run={open} isLead={isLead} />
          {open.summary && <Introductions key={open.id} runId={open.id} />}
        </div>
      )}
    </section>
  );
}
