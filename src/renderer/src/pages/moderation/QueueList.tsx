import { memo, useEffect, useRef, useState } from 'react';
import type { ModerationQueueItem } from '../../../../shared/contract';
import type { MessageKey } from '../../i18n/catalogue';
import { useI18n } from '../../i18n/I18nProvider';
import type { QueueWindow } from './useQueue';
import { flagReasonKey, scoreText } from './words';

/** Fixed row height: the list is windowed by arithmetic (index = scrollTop / ROW), never by measuring rows. */
export const ROW_HEIGHT = 34;
const OVERSCAN = 8;
const VIEW_HEIGHT = 544;

export interface QueueListProps {
  window: QueueWindow;
  cursor: number;
  selected: ReadonlySet<number>;
  onCursor(index: number): void;
  /** Checkbox toggle; `range` when shift was held (select from the last toggled row). */
  onToggle(index: number, item: ModerationQueueItem, range: boolean): void;
  now: number;
}

const Row = memo(function Row({
  item,
  index,
  active,
  checked,
  now,
  onCursor,
  onToggle,
}: {
  item: ModerationQueueItem | undefined;
  index: number;
  active: boolean;
  checked: boolean;
  now: number;
  onCursor(index: number): void;
  onToggle(index: number, item: ModerationQueueItem, range: boolean): void;
}) {
  const { t } = useI18n();
  const style = { top: index * ROW_HEIGHT, height: ROW_HEIGHT };
  if (!item) return <div className="mod-row placeholder" style={style} aria-hidden />;
  const days = Math.max(0, Math.floor((now - item.firstDetectedAt) / 86_400));
  const reasons = item.reasons.map((r) => {
    const key = flagReasonKey(r);
    return key ? t(key) : r;
  });
  return (
    <div
      className={`mod-row${active ? ' active' : ''}${item.claimedBy ? ' claimed' : ''}`}
      style={style}
      role="option"
      aria-selected={active}
      data-testid="queue-row"
      data-flag-id={item.flagId}
      data-index={index}
      onClick={() => onCursor(index)}
    >
      <input
        type="checkbox"
        checked={checked}
        aria-label={t('moderation.list.select')}
        data-testid="queue-row-check"
        onClick={(e) => {
          e.stopPropagation();
          onToggle(index, item, e.shiftKey);
        }}
        onChange={() => {}}
      />
      <span className="mod-user" title={item.userId}>
        {item.maskedName} <span className="muted small mono">{item.userId}</span>
      </span>
      <span className={`mod-detector ${item.detector}`}>{t(`moderation.detector.${item.detector}` as MessageKey)}</span>
      <span className="num mod-score">{scoreText(item.score)}</span>
      <span className="mod-reasons small" title={reasons.join(' · ')}>
        {item.claimedBy ? t('moderation.list.claimedBy', { name: item.claimedBy }) : reasons.join(' · ')}
      </span>
      <span className="num muted small">{t('moderation.list.days', { n: days })}</span>
    </div>
  );
});

/** The queue, windowed: only the ~16 visible rows (+ overscan) exist in the DOM whatever the queue's length. */
export function QueueList({ window: w, cursor, selected, onCursor, onToggle, now }: QueueListProps) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const total = w.total ?? 0;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total - 1, Math.ceil((scrollTop + VIEW_HEIGHT) / ROW_HEIGHT) + OVERSCAN);

  const show = w.show;
  useEffect(() => {
    if (total > 0) show(first, last);
  }, [first, last, total, show]);

  // Keep the cursor row in view when j/k move it past the edge.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const top = cursor * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  }, [cursor]);

  const rows = [];
  for (let i = first; i <= last; i++) {
    const item = w.item(i);
    rows.push(
      <Row
        key={i}
        index={i}
        item={item}
        active={i === cursor}
        checked={item ? selected.has(item.flagId) : false}
        now={now}
        onCursor={onCursor}
        onToggle={onToggle}
      />,
    );
  }
  return (
    <div className="mod-list-wrap">
      <div className="mod-row mod-head" aria-hidden>
        <span />
        <span>{t('moderation.list.user')}</span>
        <span>{t('moderation.list.detector')}</span>
        <span className="num">{t('moderation.list.score')}</span>
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
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        {w.total === 0 && <p className="muted mod-empty">{t('moderation.list.empty')}</p>}
        <div style={{ height: total * ROW_HEIGHT, position: 'relative' }}>{rows}</div>
      </div>
    </div>
  );
}
