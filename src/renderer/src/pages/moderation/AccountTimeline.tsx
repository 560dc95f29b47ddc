import { useState } from 'react';
import type { ModerationItemDetail, TimelineEntryView, TimelinePageView } from '../../../../shared/contract';
import { call, toApiError, type ApiError } from '../../api/client';
import { ErrorNote } from '../../components/ErrorNote';
import { codeText } from '../../i18n/codes';
import { useI18n } from '../../i18n/I18nProvider';
import { Masked } from './Masked';
import { scoreText } from './words';

/**
 * The account's greetings, transfers, reports and assessments merged newest first, a page at a time: the header says
 * how many of how many are shown ("54 of 150"), and "more" fetches the next page from main (moderation.timeline),
 * so nothing is cut without saying so. Keyed by the item in the parent: a new item starts from its first page.
 */
export function AccountTimeline({ flagId, first }: { flagId: number; first: ModerationItemDetail['timeline'] }) {
  const { t, fmt } = useI18n();
  const [pages, setPages] = useState<TimelinePageView[]>([first]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const entries = pages.flatMap((p) => p.entries);
  const last = pages.at(-1)!;
  const total = last.total;
  const more = (): void => {
    if (last.next === null || loading) return;
    setLoading(true);
    setError(null);
    call('moderation.timeline', { flagId, cursor: last.next }).then(
      (page) => {
        setPages((ps) => [...ps, page]);
        setLoading(false);
      },
      (e: unknown) => {
        setError(toApiError(e));
        setLoading(false);
      },
    );
  };
  const c = first.counts;
  return (
    <section className="mod-section" data-testid="detail-timeline" data-shown={entries.length} data-total={total}>
      <h3 className="small">
        {t('moderation.timeline.title')}{' '}
        <span className="muted" data-testid="timeline-count">
          {t('moderation.timeline.shown', { shown: fmt.integer(entries.length), total: fmt.integer(total) })}
        </span>
      </h3>
      <p className="small muted" data-testid="timeline-kinds">
        {t('moderation.timeline.kinds', {
          greetings: fmt.integer(c.greetings),
          transfers: fmt.integer(c.transfers),
          reports: fmt.integer(c.reports),
          flags: fmt.integer(c.flags),
        })}
      </p>
      {entries.length === 0 ? (
        <p className="muted small">{t('moderation.detail.none')}</p>
      ) : (
        <ol className="mod-timeline" data-testid="timeline-entries">
          {entries.map((e) => (
            <li key={`${e.kind}:${e.kind === 'flag' ? e.flagId : e.id}`} data-kind={e.kind}>
              <ActivityRow entry={e} />
            </li>
          ))}
        </ol>
      )}
      {error && <ErrorNote error={error} onRetry={more} />}
      {last.next !== null && (
        <button type="button" data-testid="timeline-more" disabled={loading} onClick={more}>
          {t('moderation.timeline.more', { n: fmt.integer(total - entries.length) })}
        </button>
      )}
    </section>
  );
}

/** One row of an account's activity — a timeline entry or an evidence row — as the reviewer reads it. */
export function ActivityRow({ entry: e }: { entry: TimelineEntryView }) {
  const { t, fmt } = useI18n();
  const kind = <span className="mod-badge">{codeText(t, 'timelineKind', e.kind)}</span>;
  const dir = (d: 'in' | 'out') => t(d === 'in' ? 'moderation.detail.in' : 'moderation.detail.out');
  switch (e.kind) {
    case 'greeting':
      return (
        <>
          {kind}{' '}
          <span className="muted small">
            {e.day} · {dir(e.direction)} · {e.counterpart}
          </span>{' '}
          <Masked value={e.text} />
          {e.replied && <span className="muted small"> · {t('moderation.detail.replied')}</span>}
        </>
      );
    case 'transfer':
      return (
        <>
          {kind}{' '}
          <span className="muted small">
            {e.day} · {dir(e.direction)} · {e.counterpart}
          </span>{' '}
          <strong>{fmt.money(e.amountFen)}</strong> <Masked value={e.memo} />
        </>
      );
    case 'report':
      return (
        <>
          {kind} <span className="muted small">{e.day}</span> {codeText(t, 'reportReason', e.reason)}{' '}
          <Masked value={e.text} />
        </>
      );
    case 'flag':
      return (
        <>
          {kind} <span className="muted small">{e.day}</span> {codeText(t, 'detector', e.detector)} ·{' '}
          {scoreText(e.score)} · {codeText(t, 'flagState', e.state)}
        </>
      );
  }
}
