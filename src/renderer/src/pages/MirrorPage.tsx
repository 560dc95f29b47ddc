import { useState } from 'react';
import type { ImportRun } from '../../../shared/contract';
import { useJob } from '../api/jobs';
import { useCallQuery, useRefresh } from '../api/queries';
import { useAction } from '../api/useAction';
import { ErrorNote } from '../components/ErrorNote';
import { JobProgressBar } from '../components/JobProgressBar';
import { TableCounts } from '../components/TableCounts';
import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/catalogue';
import { codeText } from '../i18n/codes';
import { QUARANTINE_REASONS } from '../../../shared/domain/export-format';
import { Pager } from '../components/Pager';

const QUARANTINE_PAGE = 25;

/** Start an import: the desktop's folder dialog, or a typed path in web mode. */
function ImportForm({ running }: { running: boolean }) {
  const { t } = useI18n();
  const [dir, setDir] = useState('');
  const start = useAction('mirror.startImport');
  const pick = useAction('mirror.pickExportDir');
  const capabilities = useCallQuery('app.capabilities', {});

  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        void start.run({ dir });
      }}
    >
      <input
        className="grow mono"
        value={dir}
        onChange={(e) => setDir(e.target.value)}
        placeholder={t('mirror.import.placeholder')}
        aria-label={t('mirror.import.dir')}
        data-testid="import-dir"
      />
      {capabilities.data?.desktop && (
        <button
          type="button"
          onClick={() => void pick.run({}).then((r) => r?.dir && setDir(r.dir))}
          data-testid="import-browse"
        >
          {t('mirror.import.browse')}
        </button>
      )}
      <button
        type="submit"
        className="primary"
        disabled={start.busy || running || dir.trim() === ''}
        data-testid="import-start"
      >
        {t('mirror.import.start')}
      </button>
      {(start.error ?? pick.error) && <ErrorNote error={(start.error ?? pick.error)!} />}
    </form>
  );
}

/** A snapshot's removals beyond its own files: what other tables held of the accounts it erased. */
function ErasedRows({ run }: { run: ImportRun }) {
  const { t, fmt } = useI18n();
  const entries = Object.entries(run.erasedRows);
  if (entries.length === 0 && run.erasedFlagged === 0) return null;
  const rows = fmt.list(entries.map(([table, n]) => `${t(`table.${table}` as MessageKey)} ${fmt.integer(n)}`));
  return (
    <p className="small" data-testid={`import-run-${run.id}-erased`}>
      {entries.length > 0 && t('mirror.runs.erasedRows', { rows })}
      {run.erasedFlagged > 0 && (
        <strong data-testid={`import-run-${run.id}-erased-flagged`} style={{ color: 'var(--warn)' }}>
          {' '}
          {t('mirror.runs.erasedFlagged', { n: fmt.integer(run.erasedFlagged) })}
        </strong>
      )}
    </p>
  );
}

function RunFiles({ run }: { run: ImportRun }) {
  const { t, fmt } = useI18n();
  if (run.files.length === 0) return <p className="muted small">{run.error ?? t('mirror.runs.noFiles')}</p>;
  return (
    <>
      <table className="grid" data-testid={`import-run-${run.id}-files`}>
        <thead>
          <tr>
            <th scope="col">{t('mirror.file')}</th>
            {(['read', 'inserted', 'updated', 'unchanged', 'quarantined', 'removed', 'expected'] as const).map((k) => (
              <th key={k} scope="col" className="num">
                {t(`mirror.count.${k}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {run.files.map((f) => (
            <tr key={f.file} data-testid={`import-file-${f.file}`} data-quarantined={f.quarantined}>
              <th scope="row" className="mono">
                {f.file}
              </th>
              <td className="num">{fmt.integer(f.read)}</td>
              <td className="num">{fmt.integer(f.inserted)}</td>
              <td className="num">{fmt.integer(f.updated)}</td>
              <td className="num">{fmt.integer(f.unchanged)}</td>
              <td className="num">{fmt.integer(f.quarantined)}</td>
              <td className="num" data-testid={`import-file-${f.file}-removed`} data-withheld={f.removalsWithheld > 0}>
                {f.removalsWithheld > 0 ? (
                  <strong
                    style={{ color: 'var(--warn)' }}
                    title={t('mirror.count.withheldWhy', { lines: f.removalsWithheld })}
                  >
                    {t('mirror.count.withheld')}
                  </strong>
                ) : (
                  fmt.integer(f.removed)
                )}
              </td>
              <td
                className="num"
                data-testid={`import-file-${f.file}-expected`}
                data-mismatch={f.expected !== null && f.expected !== f.read}
              >
                {f.expected === null ? (
                  '—'
                ) : f.expected === f.read ? (
                  fmt.integer(f.expected)
                ) : (
                  <strong
                    style={{ color: 'var(--warn)' }}
                    title={t('mirror.count.mismatch')}
                  >{`${fmt.integer(f.expected)} ≠`}</strong>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErasedRows run={run} />
    </>
  );
}

function ImportRuns({
  runs,
  selected,
  onSelect,
}: {
  runs: ImportRun[];
  selected: number | null;
  onSelect(id: number): void;
}) {
  const { t, fmt } = useI18n();
  if (runs.length === 0) return <p className="muted">{t('mirror.runs.none')}</p>;
  const open = runs.find((r) => r.id === selected) ?? runs[0]!;
  return (
    <>
      <table className="grid" data-testid="import-runs">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('mirror.runs.started')}</th>
            <th scope="col">{t('mirror.runs.operator')}</th>
            <th scope="col">{t('mirror.runs.export')}</th>
            <th scope="col">{t('mirror.runs.status')}</th>
            <th scope="col" className="num">
              {t('mirror.runs.elapsed')}
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr
              key={r.id}
              data-testid={`import-run-${r.id}`}
              data-status={r.status}
              aria-selected={r.id === open.id}
              onClick={() => onSelect(r.id)}
              className="clickable"
            >
              <td>{r.id}</td>
              <td>{fmt.dateTime(r.startedAt)}</td>
              <td>{r.operator}</td>
              <td className="mono">{r.exportId ?? r.exportDir}</td>
              <td>
                <span className="status" data-status={r.status}>
                  {t(`mirror.status.${r.status}`)}
                </span>
              </td>
              <td className="num">
                {r.elapsedMs === null ? '—' : t('common.seconds', { n: fmt.decimal(r.elapsedMs / 1000) })}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3 className="small">{t('mirror.runs.filesOf', { id: open.id })}</h3>
      <RunFiles run={open} />
    </>
  );
}

function Quarantine({ runId }: { runId: number | null }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [offset, setOffset] = useState(0);
  const page = useCallQuery('mirror.quarantine', {
    ...(runId ? { runId } : {}),
    ...(reason ? { reason } : {}),
    offset,
    limit: QUARANTINE_PAGE,
  });
  const reasons = QUARANTINE_REASONS;
  return (
    <div data-testid="quarantine" data-total={page.data?.total ?? ''}>
      <div className="row">
        <label className="inline">
          {t('mirror.quarantine.reason')}
          <select
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              setOffset(0);
            }}
            data-testid="quarantine-reason"
          >
            <option value="">{t('common.all')}</option>
            {reasons.map((r) => (
              <option key={r} value={r}>
                {codeText(t, 'quarantineReason', r)}
              </option>
            ))}
          </select>
        </label>
        {page.data && <span className="muted">{t('mirror.quarantine.total', { n: page.data.total })}</span>}
      </div>
      {page.error && <ErrorNote error={page.error} onRetry={() => void page.refetch()} />}
      {page.data && page.data.rows.length === 0 && <p className="muted">{t('mirror.quarantine.empty')}</p>}
      {page.data && page.data.rows.length > 0 && (
        <>
          <table className="grid">
            <thead>
              <tr>
                <th scope="col">{t('mirror.file')}</th>
                <th scope="col" className="num">
                  {t('mirror.quarantine.line')}
                </th>
                <th scope="col">{t('mirror.quarantine.field')}</th>
                <th scope="col">{t('mirror.quarantine.reason')}</th>
                <th scope="col">{t('mirror.quarantine.message')}</th>
                <th scope="col">{t('mirror.quarantine.excerpt')}</th>
              </tr>
            </thead>
            <tbody>
              {page.data.rows.map((q) => (
                <tr key={q.id} data-testid="quarantine-row" data-reason={q.reason}>
                  <td className="mono">{q.file}</td>
                  <td className="num">{q.line}</td>
                  <td className="mono" style={{ whiteSpace: 'nowrap' }}>
                    {q.field ?? '—'}
                  </td>
                  <td>{codeText(t, 'quarantineReason', q.reason)}</td>
                  <td>{q.message}</td>
                  <td className="mono excerpt">{q.excerpt}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            offset={offset}
            pageSize={QUARANTINE_PAGE}
            shown={page.data.rows.length}
            total={page.data.total}
            onOffset={setOffset}
          />
        </>
      )}
    </div>
  );
}

export function MirrorPage() {
  const { t } = useI18n();
  const [selectedRun, setSelectedRun] = useState<number | null>(null);
  // A finished import refreshes every read on its own (api/changes.ts); the button is for changes made elsewhere.
  const refresh = useRefresh(['mirror.status', 'mirror.importRuns', 'mirror.quarantine']);
  const job = useJob('import');
  const status = useCallQuery('mirror.status', {});
  const runs = useCallQuery('mirror.importRuns', { limit: 20 });
  const runId = selectedRun ?? runs.data?.runs[0]?.id ?? null;

  return (
    <section className="page" data-testid="page-mirror" data-state={status.data && runs.data ? 'ready' : 'loading'}>
      <header className="page-header">
        <h1>{t('mirror.title')}</h1>
        <button type="button" onClick={refresh} data-testid="mirror-refresh">
          {t('common.refresh')}
        </button>
      </header>
      <div className="card">
        <h2>{t('mirror.import.title')}</h2>
        <p className="muted small">{t('mirror.import.help')}</p>
        <ImportForm running={job?.state === 'running'} />
        {job && <JobProgressBar job={job} testId="import-job" />}
      </div>
      <div className="card">
        <h2>{t('mirror.runs.title')}</h2>
        {runs.error && <ErrorNote error={runs.error} onRetry={() => void runs.refetch()} />}
        {runs.data && <ImportRuns runs={runs.data.runs} selected={runId} onSelect={setSelectedRun} />}
      </div>
      <div className="card">
        <h2>{runId ? t('mirror.quarantine.titleRun', { id: runId }) : t('mirror.quarantine.title')}</h2>
        <Quarantine runId={runId} />
      </div>
      <div className="card">
        <h2>{t('overview.tables')}</h2>
        {status.data && <TableCounts tables={status.data.tables} />}
      </div>
    </section>
  );
}
