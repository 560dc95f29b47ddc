import {
  keepPreviousData,
  QueryClient,
  queryOptions,
  useQuery,
  useQueryClient,
  type UseQueryOptions,
  type UseQueryResult,
} from '@tanstack/react-query';
import type { CallInput, CallName, CallOutput } from '../../../shared/contract';
import { type ApiError, call } from './client';
import type { Change, ReadCall } from './changes';

// Every key in the cache starts with a call's name, every error is the contract's: a misspelt call name in a key, an
// invalidation or a mutation is a compile error, and `error` is always an `ApiError` the ErrorNote can word.
declare module '@tanstack/react-query' {
  interface Register {
    defaultError: ApiError;
    queryKey: readonly [CallName, ...unknown[]];
    mutationKey: readonly [CallName];
  }
}

/** The cache key of one read: the call's name, then its input (compared by value, so a fresh literal is fine). */
export type CallKey<K extends ReadCall> = readonly [K, CallInput<K>];

export function callKey<K extends ReadCall>(name: K, input: CallInput<K>): CallKey<K> {
  return [name, input];
}

/** One read as TanStack Query options (typed key and value), for `useQuery`, `useQueries` or the client itself. */
export function callQuery<K extends ReadCall>(name: K, input: CallInput<K>) {
  return queryOptions<CallOutput<K>, ApiError, CallOutput<K>, CallKey<K>>({
    queryKey: callKey(name, input),
    queryFn: () => call(name, input),
  });
}

export type CallQueryOptions<K extends ReadCall, T = CallOutput<K>> = Omit<
  UseQueryOptions<CallOutput<K>, ApiError, T, CallKey<K>>,
  'queryKey' | 'queryFn'
>;

/**
 * A read, cached under its name and input and fetched again whenever something invalidates it (a job that ended,
 * an action that changed it — see `changes`). While a new input loads, the answer to the previous input stays on
 * screen (`isPlaceholderData` says so), as a pager or a filter expects.
 */
export function useCallQuery<K extends ReadCall, T = CallOutput<K>>(
  name: K,
  input: CallInput<K>,
  options?: CallQueryOptions<K, T>,
): UseQueryResult<T, ApiError> {
  return useQuery<CallOutput<K>, ApiError, T, CallKey<K>>({
    placeholderData: keepPreviousData,
    ...options,
    queryKey: callKey(name, input),
    queryFn: () => call(name, input),
  });
}

/** Brings the cache in step with a change; resolves once the reads on screen have their new answers. */
export async function applyChange(client: QueryClient, change: Change): Promise<void> {
  if (change === 'session') await client.resetQueries();
  else if (change === 'everything') await client.invalidateQueries();
  else await Promise.all(change.map((name) => client.invalidateQueries({ queryKey: [name] })));
}

/** A Refresh button's action: fetches the given reads again (an operator who suspects another changed them). */
export function useRefresh(names: readonly ReadCall[]): () => void {
  const client = useQueryClient();
  return () => void applyChange(client, names);
}

/**
 * The console's cache. Reads are fetched again when a page mounts (another operator may have acted meanwhile) and
 * when a change invalidates them — not on window focus, so an operator's screen does not shift under them; failures
 * are not retried behind the operator's back (the page offers Retry). Main is always reachable (IPC or loopback),
 * so the browser's online flag means nothing here.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, refetchOnReconnect: false, networkMode: 'always' },
      // An action's answer belongs to the page that asked (an unmask's raw fields above all): none is kept.
      mutations: { retry: false, networkMode: 'always', gcTime: 0 },
    },
  });
}
