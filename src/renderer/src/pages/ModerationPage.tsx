import { roleAtLeast } from '../../../shared/domain/operator-roles';
import { useSignedIn } from '../session/signed-in';
import { useRef, useState } from 'react';
import type { BulkSelection, SavedView } from '../../../shared/contract';
import { MODERATION_QUEUES } from '../../../shared/domain/moderation';
import { useJob } from '../api/jobs';
import { useCallQuery, useRefresh } from '../api/queries';
import { useAction } from '../api/useAction';
import { ErrorNote } from '../components/ErrorNote';
import { JobProgressBar } from '../components/JobProgressBar';
import { useNow } from '../hooks/useNow';
import { type Shortcuts, useShortcuts } from '../hooks/useShortcuts';
import { useI18n } from '../i18n/I18nProvider';
import { ActionBar } from './moderation/ActionBar';
import { BulkDialog } from './moderation/BulkDialog';
import { EvaluationPanel } from './moderation/EvaluationPanel';
import { FilterBar } from './moderation/FilterBar';
import { ItemDetail } from './moderation/ItemDetail';
import { QueueList } from './moderation/QueueList';
import { useDecisionFlow } from './moderation/useDecisionFlow';
import { useOpenItem } from './moderation/useOpenItem';
import { type QueueQuery, useQueue } from './moderation/useQueue';
import { useSelection } from './moderation/useSelection';
import { ACTION_KEYS } from './moderation/words';
import './moderation/moderation.css';

/**
 * The review queue, keyboard first: j/k move, 1–4/h/e pick an action, Enter decides, u undoes, x and Shift+X
 * select for a bulk action, / searches, n writes a note. The parts are hooks of their own (moderation/use*.ts):
 * the queue's pages, the open item and its claim, the selection, the decision flow; this page wires them to keys.
 */
export function ModerationPage() {
  const { t } = useI18n();
  const operator = useSignedIn();
  const isLead = roleAtLeast(operator.role, 'lead');
  const [query, setQuery] = useState<QueueQuery>({ queue: 'unreviewed', filter: {}, sort: 'priority' });
  const [viewId, setViewId] = useState<number | null>(null);
  const views = useCallQuery('moderation.views', {});
  const reload = useRefresh(['moderation.queue', 'moderation.item']);
  const queue = useQueue(query);
  const [cursor, setCursorState] = useState(0);
  // The cursor as the last key left it. Keys typed faster than React renders (x j j Shift+X) all run against the
  // same render; each must start where the one before stopped, or j j moves one row and Shift+X selects too few.
  const cursorNow = useRef(0);
  const setCursor = (index: number): void => {
    cursorNow.current = index;
    setCursorState(index);
  };
  const selection = useSelection(queue.item);
  const [bulk, setBulk] = useState<BulkSelection | null>(null);
  const now = useNow(60_000);
  const searchRef = useRef<HTMLInputElement>(null);
  const noteRef = useRef<HTMLInputElement>(null);
  const startDetection = useAction('moderation.startDetection');
  const detectJob = useJob('detect');

  const total = queue.total ?? 0;
  // The list shrinks as items are decided: the cursor stays on the same row, which is now the next item.
  const at = Math.min(cursor, Math.max(0, total - 1));
  const current = queue.loading ? undefined : queue.item(at);
  const open = useOpenItem(current?.flagId ?? null);
  const ready = open?.data != null;
  const flow = useDecisionFlow(open, current?.detector);

  const changeQuery = (next: QueueQuery, view: number | null = null) => {
    setQuery(next);
    setViewId(view);
    setCursor(0);
    selection.clear();
  };

  const pickKeys = Object.fromEntries(
    Object.entries(ACTION_KEYS).map(([key, action]) => [key, () => flow.pick(action)]),
  );
  const last = Math.max(0, total - 1);
  const liveAt = () => Math.min(cursorNow.current, last);
  const down = () => setCursor(Math.min(last, liveAt() + 1));
  const up = () => setCursor(Math.max(0, liveAt() - 1));
  const select = (e: KeyboardEvent) => selection.toggle(liveAt(), e.shiftKey);
  const shortcuts: Shortcuts = {
    ...pickKeys,
    j: down,
    ArrowDown: down,
    k: up,
    ArrowUp: up,
    Enter: () => void flow.submit(),
    u: () => void flow.undoLast(),
    '/': () => searchRef.current?.focus(),
    n: () => noteRef.current?.focus(),
    ...(current ? { x: select, X: select } : {}),
  };
  // The bulk dialog is modal: it takes the keys while it is open.
  useShortcuts(shortcuts, bulk === null);

  const viewList: SavedView[] = views.data?.views ?? [];
  const state = queue.loading ? 'loading' : flow.busy ? 'busy' : 'ready';

  return (
    <section className="page mod-page" data-testid="page-moderation" data-state={state} data-role={operator.role}>
      <header className="page-header">
        <h1>{t('moderation.title')}</h1>
        <div className="row">
          <button
            type="button"
            className="primary"
            disabled={startDetection.busy || detectJob?.state === 'running'}
            onClick={() => void startDetection.run({})}
            data-testid="detect-start"
            title={t('moderation.detect.help')}
          >
            {t('moderation.detect.start')}
          </button>
          <button type="button" onClick={reload} data-testid="moderation-refresh">
            {t('common.refresh')}
          </button>
        </div>
      </header>
      {startDetection.error && <ErrorNote error={startDetection.error} />}
      {detectJob && <JobProgressBar job={detectJob} testId="detect-job" />}

      <div className="card mod-queue-card">
        <div className="mod-tabs" role="tablist">
          {MODERATION_QUEUES.map((q) => (
            <button
              key={q}
              type="button"
              role="tab"
              aria-selected={query.queue === q}
              className={query.queue === q ? 'active' : ''}
              onClick={() => changeQuery({ ...query, queue: q })}
              data-testid={`queue-tab-${q}`}
              data-count={queue.counts?.[q] ?? ''}
            >
              {t(`moderation.queue.${q}`)} <span className="mod-count">{queue.counts ? queue.counts[q] : '…'}</span>
            </button>
          ))}
        </div>
        <FilterBar
          query={query}
          onQuery={(q) => changeQuery(q)}
          views={viewList}
          viewId={viewId}
          onView={(v) => (v ? changeQuery({ queue: v.queue, filter: v.filter, sort: v.sort }, v.id) : setViewId(null))}
          searchRef={searchRef}
        />
        <div className="row mod-bulk-bar">
          {queue.heldByDetection !== null && queue.heldByDetection > 0 && (
            <span
              className="mod-badge warn small"
              data-testid="queue-held-by-detection"
              data-count={queue.heldByDetection}
            >
              {t('moderation.queue.heldByDetection', { n: queue.heldByDetection })}
            </span>
          )}
          <span className="muted small" data-testid="queue-total">
            {t('moderation.list.total', { n: queue.total ?? '…' })}
          </span>
          {selection.selected.size > 0 && (
            <span className="small" data-testid="selected-count" data-count={selection.selected.size}>
              {t('moderation.bulk.selected', { n: selection.selected.size })}
            </span>
          )}
          <button
            type="button"
            disabled={selection.selected.size === 0}
            onClick={() => setBulk({ flagIds: [...selection.selected] })}
            data-testid="bulk-selection"
          >
            {t('moderation.bulk.selection')}
          </button>
          <button
            type="button"
            disabled={total === 0}
            onClick={() => setBulk({ queue: query.queue, filter: query.filter })}
            data-testid="bulk-all"
          >
            {t('moderation.bulk.allMatching')}
          </button>
          {selection.selected.size > 0 && (
            <button type="button" className="link" onClick={selection.clear}>
              {t('moderation.bulk.clearSelection')}
            </button>
          )}
        </div>
        {queue.error && <ErrorNote error={queue.error} onRetry={reload} />}
        <div className="mod-split">
          <QueueList
            window={queue}
            cursor={at}
            selected={selection.selected}
            onCursor={setCursor}
            onToggle={selection.toggle}
            now={now}
          />
          <div
            className="mod-detail"
            data-testid="moderation-detail"
            data-flag-id={ready ? open.flagId : ''}
            data-claimed-by={open?.claimedBy ?? ''}
          >
            {!current && !queue.loading && <p className="muted">{t('moderation.detail.empty')}</p>}
            {(queue.loading || (current && !ready)) && <p className="muted">{t('moderation.detail.loading')}</p>}
            {open?.error && <ErrorNote error={open.error} onRetry={reload} />}
            {ready && open.claimedBy && (
              <p className="mod-hint" data-testid="detail-claimed">
                {t('moderation.detail.claimedBy', { name: open.claimedBy })}
              </p>
            )}
            {ready && (
              <ItemDetail
                detail={open.data!}
                onOpenRelated={(r) =>
                  r.item && changeQuery({ queue: r.item.queue, filter: { account: r.userId }, sort: query.sort })
                }
              />
            )}
          </div>
        </div>
        <ActionBar
          pending={flow.pending}
          onChange={flow.change}
          onPick={flow.pick}
          onSubmit={() => void flow.submit()}
          onUndo={() => void flow.undoLast()}
          canUndo={flow.canUndo}
          isLead={isLead}
          disabled={!ready || open?.claimedBy !== null}
          busy={flow.busy}
          noteRef={noteRef}
        />
        {flow.error && <ErrorNote error={flow.error} />}
        {flow.message && !flow.error && (
          <p className="small mod-message" data-testid="moderation-message" role="status">
            {flow.message}
          </p>
        )}
        <p className="small muted mod-keys" data-testid="shortcuts">
          <strong>{t('moderation.keys.title')}:</strong> {t('moderation.keys.move')} · {t('moderation.keys.actions')} ·{' '}
          {t('moderation.keys.holdEscalate')} · {t('moderation.keys.submit')} · {t('moderation.keys.undo')} ·{' '}
          {t('moderation.keys.search')}
        </p>
      </div>

      <div className="card">
        <h2>{t('moderation.eval.title')}</h2>
        <EvaluationPanel />
      </div>

      {bulk && (
        <BulkDialog
          selection={bulk}
          onClose={() => setBulk(null)}
          onApplied={(text, bulkId) => {
            setBulk(null);
            selection.clear();
            flow.bulkApplied(text, bulkId);
          }}
        />
      )}
    </section>
  );
}
