import { useCall } from '../api/useCall';
import { ErrorNote } from '../components/ErrorNote';
import { TableCounts } from '../components/TableCounts';
import { useI18n } from '../i18n/I18nProvider';

export function OverviewPage() {
  const { t, fmt } = useI18n();
  const status = useCall('mirror.status', {});
  const data = status.data;
  const empty = data ? (data.tables.find((r) => r.name === 'users')?.rows ?? 0) === 0 : false;

  return (
    <section className="page" data-testid="page-overview" data-state={data ? 'ready' : status.error ? 'error' : 'loading'}>
      <header className="page-header">
        <h1>{t('overview.title')}</h1>
        <button type="button" onClick={status.reload} data-testid="overview-refresh">
          {t('common.refresh')}
        </button>
      </header>
      {status.error && <ErrorNote error={status.error} onRetry={status.reload} />}
      {!data && !status.error && <p className="muted">{t('common.loading')}</p>}
      {data && (
        <>
          <div className="card">
            <h2>{t('overview.mirror')}</h2>
            <dl className="facts">
              <dt>{t('overview.dbPath')}</dt>
              <dd data-testid="overview-db-path" className="mono">{data.dbPath}</dd>
              <dt>{t('overview.schema')}</dt>
              <dd data-testid="overview-schema">{t('overview.schemaValue', { version: data.schemaVersion, latest: data.latestSchemaVersion })}</dd>
              <dt>{t('overview.size')}</dt>
              <dd>{fmt.bytes(data.sizeBytes)}</dd>
            </dl>
            {empty && <p className="muted">{t('overview.empty')}</p>}
          </div>
          <div className="card">
            <h2>{t('overview.tables')}</h2>
            <TableCounts tables={data.tables} />
          </div>
        </>
      )}
    </section>
  );
}
