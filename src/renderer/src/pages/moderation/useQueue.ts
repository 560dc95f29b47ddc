import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { ModerationQueue, ModerationQueueItem, QueueFilter, QueueSort } from '../../../../shared/contract';
import type { ApiError } from '../../api/client';
import { callQuery, useCallQuery } from '../../api/queries';

/** Items fetched per request: a screen is ~20 rows, so one page covers ten screens of scrolling. */
export const QUEUE_PAGE = 200;

export interface QueueQuery {
  queue: ModerationQueue;
  filter: QueueFilter;
  sort: QueueSort;
}

type Counts = Record<ModerationQueue, number>;

export interface QueueWindow {
  total: number | null;
  counts: Counts | null;
  /** Accounts held out of matching by detection now (from page 0). */
  heldByDetection: number | null;
  error: ApiError | null;
  /** True until the first page of the current query arrived (the previous query's rows stay on screen meanwhile). */
  loading: boolean;
  item(index: number): ModerationQueueItem | undefined;
  /** The rows on screen, first…last: the pages covering them are fetched, and fetched again when invalidated. */
  show(first: number, last: number): void;
}

const pageOf = (index: number): number => Math.floor(Math.max(0, index) / QUEUE_PAGE);

/**
 * A queue of any length (50,000 flags) fetched page by page as the list scrolls, each page a cached read
 * (`moderation.queue` with its offset). A decision, an undo, a bulk action or a detection run invalidates them
 * (api/changes.ts): the rows on screen are fetched again while the old ones stay, so a decision never blanks the
 * list. Page 0 carries the total and the tab counts and is always fetched.
 */
export function useQueue(query: QueueQuery): QueueWindow {
  const client = useQueryClient();
  const [span, setSpan] = useState({ first: 0, last: 0 });
  const head = useCallQuery('moderation.queue', { ...query, offset: 0, limit: QUEUE_PAGE });
  const loading = head.isPending || head.isPlaceholderData;
  const total = head.data?.total ?? null;
  const numbers: number[] = [];
  for (let p = Math.max(1, span.first); p <= span.last; p++) numbers.push(p);
  const rest = useQueries({
    queries: numbers.map((p) => ({
      ...callQuery('moderation.queue', { ...query, offset: p * QUEUE_PAGE, limit: QUEUE_PAGE }),
      enabled: !loading && total !== null && p * QUEUE_PAGE < total,
    })),
  });

  const show = useCallback((first: number, last: number) => {
    const next = { first: pageOf(first), last: pageOf(last) };
    setSpan((s) => (s.first === next.first && s.last === next.last ? s : next));
  }, []);
  const item = (index: number): ModerationQueueItem | undefined => {
    const p = pageOf(index);
    if (p === 0) return head.data?.items[index];
    if (loading) return undefined;
    // A page scrolled past is still in the cache (a Shift+X range may reach back to it).
    const page =
      rest[numbers.indexOf(p)]?.data ??
      client.getQueryData(
        callQuery('moderation.queue', { ...query, offset: p * QUEUE_PAGE, limit: QUEUE_PAGE }).queryKey,
      );
    return page?.items[index % QUEUE_PAGE];
  };

  return {
    total,
    counts: head.data?.counts ?? null,
    heldByDetection: head.data?.heldByDetection ?? null,
    error: head.error ?? rest.find((r) => r.error)?.error ?? null,
    loading,
    item,
    show,
  };
}
