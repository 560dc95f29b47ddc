import { useState } from 'react';
import { useCallQuery } from '../api/queries';
import { ErrorNote } from '../components/ErrorNote';
import { useI18n } from '../i18n/I18nProvider';
import { PreviewCard } from './preview/PreviewCard';
import './preview/preview.css';
import { Pager } from '../components/Pager';

const PAGE = 20;
/** Shown in the help text; main enforces the policy's k (default 5, never below 3). */
const DEFAULT_K = 5;

function PairPreview({ runId, userA, userB }: { runId: number; userA: string; userB: string }) {
  const { t } = useI18n();
  const pair = useCallQuery('preview.pair', { runId, userA, userB });
  if (pair.error) return <ErrorNote error={pair.error} onRetry={() => void pair.refetch()} />;
  if (!pair.data) return <p className="muted">{t('common.loading')}</p>;
  const p = pair.data;
  return (
    <div className="cols-2 preview-cards" data-testid="preview-cards" data-run={p.runId}>
      {p.sides.map((side) => (
        <PreviewCard
          key={side.side}
          runId={p.runId}
          date={p.date}
          score={p.score}
          pair={{ userA, userB }}
          view={side}
        />
      ))}
    </div>
  );
}

export function PreviewPage() {
  const { t, fmt } = useI18n();
  const runs = useCallQuery('preview.runs', { limit: 50 });
  const [runId, setRunId] = useState<number | null>(null);
  const [search, setSearch] = useState('');
  const [userId, setUserId] = useState<string | undefined>(undefined);
  const [offset, setOffset] = useState(0);
  const [pair, setPair] = useState<{ userA: string; userB: string } | null>(null);
  const activeRun = runId ?? runs.data?.runs[0]?.id ?? null;
  const list = useCallQuery(
    'preview.introductions',
    { runId: activeRun ?? 0, userId, offset, limit: PAGE },
    { enabled: activeRun !== null },
  );

  const state = !runs.data ? 'loading' : activeRun === null ? 'empty' : pair ? 'previewing' : 'ready';
  return (
    <section className="page" data-testid="page-preview" data-state={state}>
      <header className="page-header">
        <h1>{t('preview.title')}</h1>
      </header>
      <p className="muted small">{t('preview.help', { k: DEFAULT_K })}</p>
      {runs.error && <ErrorNote error={runs.error} onRetry={() => void runs.refetch()} />}
      {runs.data && runs.data.runs.length === 0 && <p className="muted">{t('preview.runs.none')}</p>}
      {runs.data && activeRun !== null && (
        <div className="card">
          <div className="row">
            <label className="inline">
              {t('preview.run')}
              <select
                value={activeRun}
                onChange={(e) => {
                  setRunId(Number(e.target.value));
                  setOffset(0);
                  setPair(null);
                }}
                data-testid="preview-run"
              >
                {runs.data.runs.map((r) => (
                  <option key={r.id} value={r.id}>
                    {t('preview.run.option', { id: r.id, date: r.date, n: fmt.integer(r.introductions) })}
                  </option>
                ))}
              </select>
            </label>
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                setUserId(search.trim() || undefined);
                setOffset(0);
              }}
            >
              <label className="inline">
                {t('preview.search')}
                <input
                  value={search}
                  onChange={(e) => setSearch(e.target.value)}
                  data-testid="preview-search"
                  maxLength={64}
                />
              </label>
              <button type="submit" data-testid="preview-search-submit">
                {t('preview.search.submit')}
              </button>
              {userId && (
                <button
                  type="button"
                  onClick={() => {
                    setSearch('');
                    setUserId(undefined);
                    setOffset(0);
                  }}
                >
                  {t('preview.search.clear')}
                </button>
              )}
            </form>
          </div>
          {list.error && <ErrorNote error={list.error} onRetry={() => void list.refetch()} />}
          {list.data && list.data.total === 0 && <p className="muted">{t('preview.introductions.none')}</p>}
          {list.data && list.data.total > 0 && (
            <>
              <table className="grid" data-testid="preview-introductions" data-total={list.data.total}>
                <thead>
                  <tr>
                    <th scope="col">{t('preview.introductions.pair')}</th>
                    <th scope="col" className="num">
                      {t('preview.introductions.score')}
                    </th>
                    <th scope="col" />
                  </tr>
                </thead>
                <tbody>
                  {list.data.introductions.map((i) => {
                    const selected = pair?.userA === i.userA && pair.userB === i.userB;
                    return (
                      <tr
                        key={`${i.userA}-${i.userB}`}
                        data-testid="preview-introduction"
                        data-selected={selected}
                        data-user-a={i.userA}
                        data-user-b={i.userB}
                      >
                        <td className="mono">
                          {i.userA} · {i.userB}
                        </td>
                        <td className="num">{fmt.integer(i.score)}</td>
                        <td>
                          <button
                            type="button"
                            className="link"
                            onClick={() => setPair({ userA: i.userA, userB: i.userB })}
                            data-testid="preview-open"
                          >
                            {t('preview.introductions.open')}
                          </button>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              <Pager
                offset={offset}
                pageSize={PAGE}
                shown={list.data.introductions.length}
                total={list.data.total}
                onOffset={setOffset}
              />
            </>
          )}
        </div>
      )}
      {activeRun !== null && pair && (
        <PairPreview
          key={`${activeRun}-${pair.userA}-${pair.userB}`}
          runId={activeRun}
          userA={pair.userA}
          userB={pair.userB}
        />
      )}
      {activeRun !== null && !pair && runs.data && <p className="muted">{t('preview.pick')}</p>}
    </section>
  );
}
