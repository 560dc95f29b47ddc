import { useCallback, useEffect, useRef, useState } from 'react';
import type { ModerationQueue, ModerationQueueItem, QueueFilter, QueueSort } from '../../../../shared/contract';
import { ApiError, call } from '../../api/client';

/** Items fetched per request: a screen is ~20 rows, so one page covers ten screens of scrolling. */
export const QUEUE_PAGE = 200;

export interface QueueQuery {
  queue: ModerationQueue;
  filter: QueueFilter;
  sort: QueueSort;
}

type Counts = Record<ModerationQueue, number>;

interface WindowState {
  key: string;
  total: number | null;
  counts: Counts | null;
  pages: Map<number, ModerationQueueItem[]>;
}

export interface QueueWindow {
  total: number | null;
  counts: Counts | null;
  error: ApiError | null;
  /** True until the first page of the current query arrived. */
  loading: boolean;
  item(index: number): ModerationQueueItem | undefined;
  /** Fetches the pages covering rows first…last that are not loaded yet. */
  ensure(first: number, last: number): void;
}

/**
 * A queue of any length (50,000 flags) fetched page by page as the list scrolls. Changing the query or `version`
 * refetches; the old rows stay on screen until the new first page arrives, so a decision does not blank the list.
 */
export function useQueueWindow(query: QueueQuery, version: number): QueueWindow {
  const key = `${JSON.stringify(query)}#${version}`;
  const latest = useRef(key);
  latest.current = key;
  const requested = useRef(new Set<string>());
  const [state, setState] = useState<WindowState>({ key: '', total: null, counts: null, pages: new Map() });
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(
    (page: number) => {
      const id = `${key}@${page}`;
      if (requested.current.has(id)) return;
      requested.current.add(id);
      const q = JSON.parse(key.slice(0, key.lastIndexOf('#'))) as QueueQuery;
      call('moderation.queue', { ...q, offset: page * QUEUE_PAGE, limit: QUEUE_PAGE })
        .then((r) => {
          if (latest.current !== key) return;
          setError(null);
          setState((s) => {
            const pages = s.key === key ? new Map(s.pages) : new Map<number, ModerationQueueItem[]>();
            pages.set(page, r.items);
            return { key, total: r.total, counts: r.counts ?? s.counts, pages };
          });
        })
        .catch((e: unknown) => {
          requested.current.delete(id);
          if (latest.current === key)
            setError(e instanceof ApiError ? e : new ApiError({ code: 'INTERNAL', message: String(e) }));
        });
    },
    [key],
  );

  useEffect(() => {
    requested.current.clear();
    load(0);
  }, [load]);

  const current = state.key === key;
  const ensure = useCallback(
    (first: number, last: number) => {
      for (let p = Math.floor(Math.max(0, first) / QUEUE_PAGE); p <= Math.floor(Math.max(0, last) / QUEUE_PAGE); p++) {
        if (!(current && state.pages.has(p))) load(p);
      }
    },
    [current, state.pages, load],
  );
  const item = useCallback(
    (index: number) => state.pages.get(Math.floor(index / QUEUE_PAGE))?.[index % QUEUE_PAGE],
    [state.pages],
  );

  return { total: state.total, counts: state.counts, error, loading: !current, item, ensure };
}
