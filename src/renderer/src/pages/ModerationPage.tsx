import { useEffect, useRef, useState } from 'react';
import {
  type BulkSelection,
  type DecisionAction,
  type ModerationItemDetail,
  type ModerationQueueItem,
  type SavedView,
} from '../../../shared/contract';
import { CLAIM_IDLE_SECONDS, MODERATION_QUEUES } from '../../../shared/domain/moderation';
import { type ApiError, call, toApiError } from '../api/client';
import { useJob } from '../api/jobs';
import { useCallQuery, useRefresh } from '../api/queries';
import { useAction } from '../api/useAction';
import { ErrorNote } from '../components/ErrorNote';
import { JobProgressBar } from '../components/JobProgressBar';
import { useI18n } from '../i18n/I18nProvider';
import { ActionBar, type PendingDecision } from './moderation/ActionBar';
import { BulkDialog } from './moderation/BulkDialog';
import { EvaluationPanel } from './moderation/EvaluationPanel';
import { FilterBar } from './moderation/FilterBar';
import { ItemDetail } from './moderation/ItemDetail';
import { QueueList } from './moderation/QueueList';
import { type QueueQuery, useQueue } from './moderation/useQueue';
import { ACTION_KEYS, actionKey, decisionReasonKey, suggestedReason } from './moderation/words';
import './moderation/moderation.css';

/** Well inside main's claim lapse (40% of it: 4 of 10 minutes). */
const CLAIM_REFRESH_MS = CLAIM_IDLE_SECONDS * 1000 * 0.4;

const NO_DECISION: PendingDecision = { action: null, reason: '', expiryDays: 7, note: '' };

interface OpenItem {
  flagId: number;
  data: ModerationItemDetail | null;
  /** Another operator's active claim: the item is shown but cannot be decided here. */
  claimedBy: string | null;
}

function isTyping(target: EventTarget | null): boolean {
  if (target instanceof HTMLInputElement) return target.type !== 'checkbox';
  return target instanceof HTMLElement && (target.tagName === 'SELECT' || target.tagName === 'TEXTAREA');
}

/**
 * Opening an item claims it (released when the operator moves on), so two operators never judge one account at
 * once. Returns the open item with its masked detail, read once the claim is settled.
 */
function useOpenItem(flagId: number | null): OpenItem | null {
  const [claim, setClaim] = useState<{ flagId: number; claimedBy: string | null } | null>(null);
  useEffect(() => {
    if (flagId === null) return;
    let alive = true;
    call('moderation.claim', { flagId }).then(
      () => alive && setClaim({ flagId, claimedBy: null }),
      (e: unknown) => {
        const err = toApiError(e);
        const claimedBy = err.error.code === 'CONFLICT' ? String(err.error.details?.claimedBy ?? '?') : null;
        if (alive) setClaim({ flagId, claimedBy });
      },
    );
    // A claim lapses 10 minutes after the claimer's last activity. Reading a long timeline (scrolling, moving the
    // pointer, keys) is activity and keeps it; an operator who walked away lets it lapse for the others.
    let lastActivity = Date.now();
    const active = (): void => {
      lastActivity = Date.now();
    };
    const activity = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'scroll'] as const;
    for (const type of activity) window.addEventListener(type, active, { passive: true, capture: true });
    const keepAlive = setInterval(() => {
      if (Date.now() - lastActivity < CLAIM_REFRESH_MS) void call('moderation.claim', { flagId }).catch(() => {});
    }, CLAIM_REFRESH_MS);
    return () => {
      alive = false;
      clearInterval(keepAlive);
      for (const type of activity) window.removeEventListener(type, active, { capture: true });
      void call('moderation.release', { flagId }).catch(() => {});
    };
  }, [flagId]);
  const claimed = flagId !== null && claim?.flagId === flagId ? claim : null;
  const detail = useCallQuery(
    'moderation.item',
    { flagId: flagId ?? 0 },
    { enabled: claimed !== null, placeholderData: undefined },
  );
  if (flagId === null) return null;
  const data = claimed ? (detail.data ?? null) : null;
  return { flagId, data, claimedBy: claimed?.claimedBy ?? data?.item.claimedBy ?? null };
}

export function ModerationPage() {
  const { t } = useI18n();
  const session = useCallQuery('session.get', {});
  const isLead = session.data?.operator?.role === 'lead';
  const [query, setQuery] = useState<QueueQuery>({ queue: 'unreviewed', filter: {}, sort: 'score' });
  const [viewId, setViewId] = useState<number | null>(null);
  const views = useCallQuery('moderation.views', {});
  const reload = useRefresh(['moderation.queue', 'moderation.item']);
  const queue = useQueue(query);
  const [cursor, setCursor] = useState(0);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const lastToggled = useRef<number | null>(null);
  const [pending, setPending] = useState<PendingDecision>(NO_DECISION);
  /** What `u` undoes, newest last: one decision, or everything left of one bulk action. */
  const [undoStack, setUndoStack] = useState<({ decisionId: number } | { bulkId: string })[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const decide = useAction('moderation.decide');
  const undo = useAction('moderation.undo');
  const undoBulk = useAction('moderation.undoBulk');
  // Until main answered and the queue on screen was fetched again (useAction waits for it).
  const busy = decide.busy || undo.busy || undoBulk.busy;
  const [bulk, setBulk] = useState<BulkSelection | null>(null);
  const [now, setNow] = useState(() => Math.floor(Date.now() / 1000));
  const searchRef = useRef<HTMLInputElement>(null);
  const noteRef = useRef<HTMLInputElement>(null);
  const startDetection = useAction('moderation.startDetection');
  const detectJob = useJob('detect');

  useEffect(() => {
    const timer = setInterval(() => setNow(Math.floor(Date.now() / 1000)), 60_000);
    return () => clearInterval(timer);
  }, []);

  const total = queue.total ?? 0;
  // The list shrinks as items are decided: the cursor stays on the same row, which is now the next item.
  const at = Math.min(cursor, Math.max(0, total - 1));
  const current = queue.loading ? undefined : queue.item(at);
  const open = useOpenItem(current?.flagId ?? null);
  const ready = open?.data !== null && open?.data !== undefined && open.flagId === current?.flagId;

  useEffect(() => {
    setPending(NO_DECISION);
  }, [current?.flagId]);

  const changeQuery = (next: QueueQuery, view: number | null = null) => {
    setQuery(next);
    setViewId(view);
    setCursor(0);
    setSelected(new Set());
    lastToggled.current = null;
  };

  const pick = (action: DecisionAction) => {
    setPending((p) => ({ ...p, action, reason: suggestedReason(action, current?.detector ?? 'micro_seller') }));
    setError(null);
  };

  const submit = async () => {
    if (!ready || !open || open.claimedBy || busy) return;
    if (!pending.action || !pending.reason) {
      setMessage(t(pending.action ? 'moderation.action.pickReason' : 'moderation.action.pick'));
      return;
    }
    setError(null);
    try {
      const d = await decide.mutateAsync({
        flagId: open.flagId,
        action: pending.action,
        reasonCode: pending.reason,
        ...(pending.note.trim() ? { note: pending.note.trim() } : {}),
        ...(pending.action === 'restrict' || pending.action === 'suspend' ? { expiresInDays: pending.expiryDays } : {}),
      });
      setUndoStack((s) => [...s, { decisionId: d.id }]);
      setMessage(
        t('moderation.action.decided', { action: t(actionKey(d.action)), reason: t(decisionReasonKey(d.reasonCode)) }),
      );
      setPending(NO_DECISION);
    } catch (e) {
      setError(toApiError(e));
    }
  };

  const undoLast = async () => {
    const last = undoStack[undoStack.length - 1];
    if (last === undefined || busy) return;
    setError(null);
    try {
      if ('bulkId' in last) {
        const { undone } = await undoBulk.mutateAsync({ bulkId: last.bulkId });
        setMessage(t('moderation.action.undidBulk', { n: undone }));
      } else {
        await undo.mutateAsync({ decisionId: last.decisionId });
        setMessage(t('moderation.action.undid', { id: last.decisionId }));
      }
      setUndoStack((s) => s.slice(0, -1));
    } catch (e) {
      const err = toApiError(e);
      // Undone meanwhile (by a lead) or refused for good: drop it from the stack, so `u` reaches the one before it.
      if (err.error.code === 'CONFLICT' || err.error.code === 'FORBIDDEN' || err.error.code === 'NOT_FOUND')
        setUndoStack((s) => s.slice(0, -1));
      setError(err);
    }
  };

  const toggle = (index: number, item: ModerationQueueItem, range: boolean) => {
    setSelected((s) => {
      const next = new Set(s);
      if (range && lastToggled.current !== null) {
        const [from, to] = [Math.min(lastToggled.current, index), Math.max(lastToggled.current, index)];
        for (let i = from; i <= to; i++) {
          const it = queue.item(i);
          if (it) next.add(it.flagId);
        }
      } else if (next.has(item.flagId)) next.delete(item.flagId);
      else next.add(item.flagId);
      return next;
    });
    lastToggled.current = index;
  };

  // Keyboard first. The handler reads the latest render's state through a ref, so it is bound once.
  const keys = useRef<(e: KeyboardEvent) => void>(() => {});
  keys.current = (e: KeyboardEvent) => {
    if (bulk || e.ctrlKey || e.metaKey || e.altKey) return;
    if (isTyping(e.target)) {
      if (e.key === 'Escape') (e.target as HTMLElement).blur();
      return;
    }
    const action = ACTION_KEYS[e.key];
    if (action) {
      e.preventDefault();
      pick(action);
    } else if (e.key === 'j' || e.key === 'ArrowDown') {
      e.preventDefault();
      setCursor(Math.min(Math.max(0, total - 1), at + 1));
    } else if (e.key === 'k' || e.key === 'ArrowUp') {
      e.preventDefault();
      setCursor(Math.max(0, at - 1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      void submit();
    } else if (e.key === 'u') {
      e.preventDefault();
      void undoLast();
    } else if (e.key === '/') {
      e.preventDefault();
      searchRef.current?.focus();
    } else if ((e.key === 'x' || e.key === 'X') && current) {
      toggle(at, current, e.shiftKey);
    } else if (e.key === 'n') {
      e.preventDefault();
      noteRef.current?.focus();
    }
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => keys.current(e);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const viewList: SavedView[] = views.data?.views ?? [];
  const state = queue.loading ? 'loading' : busy ? 'busy' : 'ready';

  return (
    <section
      className="page mod-page"
      data-testid="page-moderation"
      data-state={state}
      data-role={session.data?.operator?.role ?? ''}
    >
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
          <span className="muted small" data-testid="queue-total">
            {t('moderation.list.total', { n: queue.total ?? '…' })}
          </span>
          {selected.size > 0 && <span className="small">{t('moderation.bulk.selected', { n: selected.size })}</span>}
          <button
            type="button"
            disabled={selected.size === 0}
            onClick={() => setBulk({ flagIds: [...selected] })}
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
          {selected.size > 0 && (
            <button type="button" className="link" onClick={() => setSelected(new Set())}>
              {t('moderation.bulk.clearSelection')}
            </button>
          )}
        </div>
        {queue.error && <ErrorNote error={queue.error} onRetry={reload} />}
        <div className="mod-split">
          <QueueList window={queue} cursor={at} selected={selected} onCursor={setCursor} onToggle={toggle} now={now} />
          <div
            className="mod-detail"
            data-testid="moderation-detail"
            data-flag-id={ready ? open.flagId : ''}
            data-claimed-by={open?.claimedBy ?? ''}
          >
            {!current && !queue.loading && <p className="muted">{t('moderation.detail.empty')}</p>}
            {(queue.loading || (current && !ready)) && <p className="muted">{t('moderation.detail.loading')}</p>}
            {ready && open.claimedBy && (
              <p className="mod-hint" data-testid="detail-claimed">
                {t('moderation.detail.claimedBy', { name: open.claimedBy })}
              </p>
            )}
            {ready && <ItemDetail detail={open.data!} />}
          </div>
        </div>
        <ActionBar
          pending={pending}
          onChange={setPending}
          onPick={pick}
          onSubmit={() => void submit()}
          onUndo={() => void undoLast()}
          canUndo={undoStack.length > 0}
          isLead={isLead}
          disabled={!ready || open?.claimedBy !== null}
          busy={busy}
          noteRef={noteRef}
        />
        {error && <ErrorNote error={error} />}
        {message && !error && (
          <p className="small mod-message" data-testid="moderation-message" role="status">
            {message}
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
            setUndoStack((s) => [...s, { bulkId }]);
            setSelected(new Set());
            setMessage(text);
            setError(null);
          }}
        />
      )}
    </section>
  );
}
