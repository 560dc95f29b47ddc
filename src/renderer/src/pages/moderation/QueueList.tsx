import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import type { ModerationQueueItem } from '../../../../shared/contract';
import { codeText } from '../../i18n/codes';
import { useI18n } from '../../i18n/I18nProvider';
import type { QueueWindow } from './useQueue';
import { scoreText } from './words';

/** Fixed row height (the stylesheet's too): rows are placed by arithmetic, never measured. */
export const ROW_HEIGHT = 34;
const OVERSCAN = 8;
const VIEW_HEIGHT = 544;

export interface QueueListProps {
  window: QueueWindow;
  cursor: number;
  selected: ReadonlySet<number>;
  onCursor(index: number): void;
  /** Checkbox toggle; `range` when shift was held (select from the last toggled row). */
  onToggle(index: number, range: boolean): void;
  now: number;
}

const Row = memo(function Row({
  item,
  index,
  top,
  active,
  checked,
  now,
  onCursor,
  onToggle,
}: {
  item: ModerationQueueItem | undefined;
  index: number;
  top: number;
  active: boolean;
  checked: boolean;
  now: number;
  onCursor(index: number): void;
  onToggle(index: number, range: boolean): void;
}) {
  const { t } = useI18n();
  const style = { top, height: ROW_HEIGHT };
  if (!item) return <div className="mod-row placeholder" style={style} aria-hidden />;
  const days = Math.max(0, Math.floor((now - item.firstDetectedAt) / 86_400));
  const reasons = item.reasons.map((r) => codeText(t, 'flagReason', r));
  return (
    <div
      className={`mod-row${active ? ' active' : ''}${item.claimedBy ? ' claimed' : ''}`}
      style={style}
      role="option"
      aria-selected={active}
      data-testid="queue-row"
      data-flag-id={item.flagId}
      data-index={index}
      // Shift+mousedown would extend the browser's text selection over the whole page; here Shift means rows.
      onMouseDown={(e) => {
        if (e.shiftKey) e.preventDefault();
      }}
      onClick={(e) => {
        onCursor(index);
        // Shift-click on the row, as on its checkbox: the range from the last toggled row to this one.
        if (e.shiftKey) onToggle(index, true);
      }}
    >
      <input
        type="checkbox"
        checked={checked}
        aria-label={t('moderation.list.select')}
        data-testid="queue-row-check"
        onClick={(e) => {
          e.stopPropagation();
          onToggle(index, e.shiftKey);
        }}
        onChange={() => {}}
      />
      <span className="mod-user" title={item.userId}>
        {item.maskedName} <span className="muted small mono">{item.userId}</span>
      </span>
      <span className={`mod-detector ${item.detector}`}>{codeText(t, 'detector', item.detector)}</span>
      <span className="num mod-score">{scoreText(item.score)}</span>
      {/* A column of its own: inside the score's cell it was cut off with the score at a laptop's width. */}
      <span className="mod-held">
        {item.heldByDetection && (
          <span
            className="mod-badge warn small"
            title={t('moderation.list.heldByDetectionTitle')}
            data-testid="queue-row-held"
          >
            {t('moderation.list.heldByDetection')}
          </span>
        )}
      </span>
      <span className="num muted small" data-testid="queue-row-reach">
        {item.reach}
      </span>
      <span className="mod-reasons small" title={reasons.join(' · ')}>
        {item.claimedBy ? t('moderation.list.claimedBy', { name: item.claimedBy }) : reasons.join(' · ')}
      </span>
      <span className="num muted small">{t('moderation.list.days', { n: days })}</span>
    </div>
  );
});

/**
 * The queue, windowed by TanStack Virtual: only the visible rows (+ overscan) exist in the DOM whatever the queue's
 * length, and the pages under them are fetched as they come into view.
 */
export function QueueList({ window: w, cursor, selected, onCursor, onToggle, now }: QueueListProps) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const total = w.total ?? 0;
  // The rule warns that the React Compiler would skip this component; the console is not compiled by it, and the
  // rows are memoised by hand (Row).
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => box.current,
    // Fixed row height: rows are never measured, the window is arithmetic.
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    initialRect: { width: 0, height: VIEW_HEIGHT },
  });
  const rows = virtualizer.getVirtualItems();
  const first = rows[0]?.index ?? 0;
  const last = rows.at(-1)?.index ?? -1;
  const show = w.show;
  useEffect(() => {
    if (last >= 0) show(first, last);
  }, [first, last, show]);

  // Keep the cursor row in view when j/k move it past the edge.
  useEffect(() => {
    if (cursor < total) virtualizer.scrollToIndex(cursor, { align: 'auto' });
  }, [cursor, total, virtualizer]);

  return (
    <div className="mod-list-wrap">
      <div className="mod-row mod-head" aria-hidden>
        <span />
        <span>{t('moderation.list.user')}</span>
        <span>{t('moderation.list.detector')}</span>
        <span className="num">{t('moderation.list.score')}</span>
        <span />
        <span className="num">{t('moderation.list.reach')}</span>
        <span>{t('moderation.list.reasons')}</span>
        <span className="num">{t('moderation.list.age')}</span>
      </div>
      <div
        ref={box}
        className="mod-list"
        style={{ height: VIEW_HEIGHT }}
        role="listbox"
        data-testid="queue-list"
        data-state={w.loading ? 'loading' : 'ready'}
        // Old rows stay on screen while a new query loads; the total is only stated once it is the new query's.
        data-total={w.loading ? '' : (w.total ?? '')}
        data-rendered={rows.length}
      >
        {w.total === 0 && <p className="muted mod-empty">{t('moderation.list.empty')}</p>}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {rows.map(({ index, start }) => {
            const item = w.item(index);
            return (
              <Row
                key={index}
                index={index}
                top={start}
                item={item}
                active={index === cursor}
                checked={item ? selected.has(item.flagId) : false}
                now={now}
                onCursor={onCursor}
                onToggle={onToggle}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
