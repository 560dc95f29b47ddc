import { memo } from 'react';
import { Bar, BarChart, CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { CallOutput } from '../../../shared/contract';
import { useCallQuery, useRefresh } from '../api/queries';
import { ErrorNote } from '../components/ErrorNote';
import { TableCounts } from '../components/TableCounts';
import { platformDay } from '../../../shared/domain/platform-time';
import { useI18n } from '../i18n/I18nProvider';

const DAYS = 30;
/** Two charts side by side fit the content column at 1280 px (sidebar and card padding subtracted). */
const CHART_W = 470;
const CHART_H = 200;

interface DayPoint {
  date: string;
  /** MM-DD for the axis. */
  label: string;
  introductions: number | null;
  matchedShare: number | null;
  meanScore: number | null;
  flags: number;
}

/** Every calendar day of the range, so days without a run show as gaps rather than being squeezed out. */
function dayPoints(data: CallOutput<'dashboard.overview'>, today: string): DayPoint[] {
  const byDate = new Map(data.days.map((d) => [d.date, d]));
  const flags = new Map(data.flags.map((f) => [f.date, f.flags]));
  const end = Date.parse(`${today}T00:00:00Z`);
  const points: DayPoint[] = [];
  for (let i = DAYS - 1; i >= 0; i--) {
    const date = new Date(end - i * 86_400_000).toISOString().slice(0, 10);
    const d = byDate.get(date);
    points.push({
      date,
      label: date.slice(5),
      introductions: d ? d.introductions : null,
      matchedShare: d ? Math.round(d.matchedShare * 1000) / 10 : null,
      meanScore: d ? d.meanScore : null,
      flags: flags.get(date) ?? 0,
    });
  }
  return points;
}

const DayChart = memo(function DayChart({
  testId,
  title,
  points,
  field,
  kind,
  unit,
}: {
  testId: string;
  title: string;
  points: DayPoint[];
  field: 'introductions' | 'matchedShare' | 'meanScore' | 'flags';
  kind: 'bar' | 'line';
  unit?: string;
}) {
  const axis = (
    <>
      <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="var(--line)" />
      <XAxis dataKey="label" tick={{ fontSize: 11 }} interval={4} />
      <YAxis tick={{ fontSize: 11 }} width={48} unit={unit} />
      <Tooltip isAnimationActive={false} />
    </>
  );
  return (
    <figure
      className="chart"
      data-testid={testId}
      data-values={JSON.stringify(points.map((p) => p[field]))}
      style={{ margin: 0 }}
    >
      <figcaption className="small" style={{ fontWeight: 600, marginBottom: 4 }}>
        {title}
      </figcaption>
      {kind === 'bar' ? (
        <BarChart width={CHART_W} height={CHART_H} data={points} margin={{ top: 4, right: 8, bottom: 4, left: 0 }}>
          {axis}
          <Bar dataKey={field} fill="var(--accent)" isAnimationActive={false} />
        </BarChart>
      ) : (
        <LineChart width={CHART_W} height={CHART_H} data={points} margin={{ top: 4, right: 8, bottom: 4, left: 0 }}>
          {axis}
          <Line
            dataKey={field}
            stroke="var(--accent)"
            strokeWidth={2}
            dot={{ r: 2 }}
            connectNulls
            isAnimationActive={false}
          />
        </LineChart>
      )}
    </figure>
  );
});

function Dashboard({ today }: { today: string }) {
  const { t, fmt } = useI18n();
  const dash = useCallQuery('dashboard.overview', { today, days: DAYS });
  if (dash.error) return <ErrorNote error={dash.error} onRetry={() => void dash.refetch()} />;
  if (!dash.data) return <p className="muted">{t('common.loading')}</p>;
  const d = dash.data;
  const points = dayPoints(d, today);
  return (
    <>
      <div
        className="card"
        data-testid="overview-today"
        data-run-id={d.today?.runId ?? ''}
        data-introductions={d.today?.introductions ?? ''}
      >
        <h2>{t('overview.today', { date: today })}</h2>
        {!d.today && <p className="muted">{t('overview.today.none')}</p>}
        <dl className="facts">
          {d.today && (
            <>
              <dt>{t('overview.today.run')}</dt>
              <dd>
                #{d.today.runId}
                {d.today.rulesetVersion !== null ? ` · v${d.today.rulesetVersion}` : ''}
              </dd>
              <dt>{t('overview.introductions')}</dt>
              <dd>{fmt.integer(d.today.introductions)}</dd>
              <dt>{t('overview.matchedShare')}</dt>
              <dd>{fmt.percent(d.today.matchedShare)}</dd>
              <dt>{t('overview.meanScore')}</dt>
              <dd>{fmt.decimal(d.today.meanScore)}</dd>
              <dt>{t('overview.eligible')}</dt>
              <dd>{fmt.integer(d.today.eligibleUsers)}</dd>
            </>
          )}
          <dt>{t('overview.activeVersion')}</dt>
          <dd data-testid="overview-active-version">
            {d.activeVersion === null ? t('overview.activeDefaults') : `v${d.activeVersion}`}
          </dd>
          <dt>{t('overview.openFlags')}</dt>
          <dd data-testid="overview-open-flags">{fmt.integer(d.openFlags)}</dd>
          <dt>{t('overview.shadowRuns')}</dt>
          <dd>{fmt.integer(d.shadowRuns)}</dd>
        </dl>
      </div>
      <div className="card" data-testid="overview-dashboard" data-days={d.days.length}>
        <h2>{t('overview.lastDays', { days: DAYS })}</h2>
        {d.days.length === 0 && <p className="muted small">{t('overview.noRuns')}</p>}
        <div className="cols-2">
          <DayChart
            testId="overview-chart-introductions"
            title={t('overview.introductionsPerDay')}
            points={points}
            field="introductions"
            kind="bar"
          />
          <DayChart
            testId="overview-chart-matched-share"
            title={t('overview.matchedSharePerDay')}
            points={points}
            field="matchedShare"
            kind="line"
            unit="%"
          />
          <DayChart
            testId="overview-chart-mean-score"
            title={t('overview.meanScorePerDay')}
            points={points}
            field="meanScore"
            kind="line"
          />
          <DayChart
            testId="overview-chart-flags"
            title={t('overview.flagsPerDay')}
            points={points}
            field="flags"
            kind="bar"
          />
        </div>
      </div>
    </>
  );
}

export function OverviewPage() {
  const { t, fmt } = useI18n();
  const status = useCallQuery('mirror.status', {});
  const refresh = useRefresh(['mirror.status', 'dashboard.overview']);
  const data = status.data;
  const empty = data ? (data.tables.find((r) => r.name === 'users')?.rows ?? 0) === 0 : false;
  const today = platformDay();

  return (
    <section
      className="page"
      data-testid="page-overview"
      data-state={data ? 'ready' : status.error ? 'error' : 'loading'}
    >
      <header className="page-header">
        <h1>{t('overview.title')}</h1>
        <button type="button" onClick={refresh} data-testid="overview-refresh">
          {t('common.refresh')}
        </button>
      </header>
      {status.error && <ErrorNote error={status.error} onRetry={refresh} />}
      {!data && !status.error && <p className="muted">{t('common.loading')}</p>}
      {data && (
        <>
          <Dashboard today={today} />
          <div className="cols-2" style={{ alignItems: 'start' }}>
            <div className="card">
              <h2>{t('overview.mirror')}</h2>
              <dl className="facts">
                <dt>{t('overview.dbPath')}</dt>
                <dd data-testid="overview-db-path" className="mono">
                  {data.dbPath}
                </dd>
                <dt>{t('overview.schema')}</dt>
                <dd data-testid="overview-schema">
                  {t('overview.schemaValue', { version: data.schemaVersion, latest: data.latestSchemaVersion })}
                </dd>
                <dt>{t('overview.size')}</dt>
                <dd>{fmt.bytes(data.sizeBytes)}</dd>
              </dl>
              {empty && <p className="muted">{t('overview.empty')}</p>}
            </div>
            <div className="card">
              <h2>{t('overview.tables')}</h2>
              <TableCounts tables={data.tables} />
            </div>
          </div>
        </>
      )}
    </section>
  );
}
