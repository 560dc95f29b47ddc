import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useCallQuery } from '../api/queries';
import { ErrorNote } from '../components/ErrorNote';
import { Pager } from '../components/Pager';
import { useI18n } from '../i18n/I18nProvider';
import { PreviewCard } from './preview/PreviewCard';
import './preview/preview.css';

const PAGE = 20;
/** Shown in the help text; main enforces the policy's k (default 5, never below 3). */
const DEFAULT_K = 5;

interface Pair {
  userA: string;
  userB: string;
}

/**
 * Both users' cards. Once they are loaded they are scrolled into view and take the focus (a pair picked at the foot
 * of the list would otherwise open below the fold with nothing seeming to happen); Escape gives it back to the list.
 */
function PairPreview({ runId, pair, onLeave }: { runId: number; pair: Pair; onLeave(): void }) {
  const { t } = useI18n();
  const result = useCallQuery('preview.pair', { runId, userA: pair.userA, userB: pair.userB });
  const box = useRef<HTMLElement>(null);
  const loaded = result.data !== undefined;
  useEffect(() => {
    if (!loaded || !box.current) return;
    box.current.scrollIntoView({ block: 'start' });
    box.current.focus({ preventScroll: true });
  }, [loaded]);
  if (result.error) return <ErrorNote error={result.error} onRetry={() => void result.refetch()} />;
  if (!result.data) return <p className="muted">{t('common.loading')}</p>;
  const p = result.data;
  const ids = p.operatorsOnly.userIds;
  return (
    <section
      ref={box}
      tabIndex={-1}
      className="preview-cards"
      data-testid="preview-cards"
      data-run={p.runId}
      aria-label={t('preview.cards.title')}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onLeave();
      }}
    >
      {p.sides.map((side) => (
        <PreviewCard
          key={side.side}
          runId={p.runId}
          date={p.date}
          score={p.score}
          pair={pair}
          view={side}
          ids={side.side === 'a' ? { viewer: ids.a, other: ids.b } : { viewer: ids.b, other: ids.a }}
        />
      ))}
    </section>
  );
}

export function PreviewPage() {
  const { t, fmt } = useI18n();
  const runs = useCallQuery('preview.runs', { limit: 50 });
  const [runId, setRunId] = useState<number | null>(null);
  const [search, setSearch] = useState('');
  const [userId, setUserId] = useState<string | undefined>(undefined);
  const [offset, setOffset] = useState(0);
  const [cursor, setCursor] = useState(0);
  const [pair, setPair] = useState<Pair | null>(null);
  const rows = useRef<(HTMLTableRowElement | null)[]>([]);
  const activeRun = runId ?? runs.data?.runs[0]?.id ?? null;
  const list = useCallQuery(
    'preview.introductions',
    { runId: activeRun ?? 0, userId, offset, limit: PAGE },
    { enabled: activeRun !== null },
  );
  const shown = list.data?.introductions ?? [];

  const focusRow = (index: number) => {
    const i = Math.max(0, Math.min(shown.length - 1, index));
    setCursor(i);
    rows.current[i]?.focus();
  };
  // The list is one tab stop; arrows (and j / k) move within it, Enter previews the row.
  const onListKey = (e: KeyboardEvent) => {
    const moves: Record<string, number> = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1 };
    if (e.key in moves) {
      e.preventDefault();
      focusRow(cursor + moves[e.key]!);
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      focusRow(e.key === 'Home' ? 0 : shown.length - 1);
    } else if (e.key === 'Enter' && shown[cursor]) {
      e.preventDefault();
      setPair({ userA: shown[cursor].userA, userB: shown[cursor].userB });
    }
  };
  const changePage = (next: number) => {
    setOffset(next);
    setCursor(0);
  };

  const state = !runs.data ? 'loading' : activeRun === null ? 'empty' : pair ? 'previewing' : 'ready';
  return (
    <section className="page page-wide" data-testid="page-preview" data-state={state}>
      <header className="page-header">
        <h1>{t('preview.title')}</h1>
      </header>
      <p className="muted small">{t('preview.help', { k: DEFAULT_K })}</p>
      {runs.error && <ErrorNote error={runs.error} onRetry={() => void runs.refetch()} />}
      {runs.data && runs.data.runs.length === 0 && <p className="muted">{t('preview.runs.none')}</p>}
      <div className={`preview-layout${pair ? ' with-pair' : ''}`}>
        {runs.data && activeRun !== null && (
          <div className="card preview-list">
            <div className="row">
              <label className="inline">
                {t('preview.run')}
                <select
                  value={activeRun}
                  onChange={(e) => {
                    setRunId(Number(e.target.value));
                    changePage(0);
                    setPair(null);
                  }}
                  data-testid="preview-run"
                >
                  {runs.data.runs.map((r) => (
                    <option key={r.id} value={r.id}>
                      {t('preview.run.option', { id: r.id, date: r.date, n: r.introductions })}
                    </option>
                  ))}
                </select>
              </label>
              <form
                className="row"
                onSubmit={(e) => {
                  e.preventDefault();
                  setUserId(search.trim() || undefined);
                  changePage(0);
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
                      changePage(0);
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
                <table
                  className="grid"
                  role="grid"
                  data-testid="preview-introductions"
                  data-total={list.data.total}
                  onKeyDown={onListKey}
                >
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
                    {shown.map((i, index) => {
                      const selected = pair?.userA === i.userA && pair.userB === i.userB;
                      const open = () => {
                        setCursor(index);
                        setPair({ userA: i.userA, userB: i.userB });
                      };
                      return (
                        <tr
                          key={`${i.userA}-${i.userB}`}
                          ref={(el) => {
                            rows.current[index] = el;
                          }}
                          tabIndex={index === Math.min(cursor, shown.length - 1) ? 0 : -1}
                          className="clickable"
                          onClick={open}
                          // Focus however it came (a click, a search, the tab key) moves the cursor, so Enter
                          // opens the row the operator sees focused, never the one the cursor last stood on.
                          onFocus={() => setCursor(index)}
                          aria-selected={selected}
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
                              tabIndex={-1}
                              onClick={(e) => {
                                e.stopPropagation();
                                open();
                              }}
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
                  shown={shown.length}
                  total={list.data.total}
                  onOffset={changePage}
                />
                <p className="muted small" data-testid="preview-keys">
                  {t('preview.keys')}
                </p>
              </>
            )}
          </div>
        )}
        {activeRun !== null && pair && (
          <PairPreview
            key={`${activeRun}-${pair.userA}-${pair.userB}`}
            runId={activeRun}
            pair={pair}
            onLeave={() => focusRow(cursor)}
          />
        )}
        {activeRun !== null && !pair && runs.data && <p className="muted preview-pick">{t('preview.pick')}</p>}
      </div>
    </section>
  );
}
