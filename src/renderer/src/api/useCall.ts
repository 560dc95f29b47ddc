import { useCallback, useEffect, useRef, useState } from 'react';
import type { CallInput, CallName, CallOutput } from '../../../shared/contract';
import { ApiError, call } from './client';

export interface CallState<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload(): void;
}

/** Fetches a call's value when the inputs change; `reload` fetches again. Stale answers are dropped. */
export function useCall<K extends CallName>(
  name: K,
  input: CallInput<K>,
  deps: readonly unknown[] = [],
): CallState<CallOutput<K>> {
  const [data, setData] = useState<CallOutput<K> | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const inputKey = JSON.stringify(input);

  useEffect(() => {
    const mine = ++seq.current;
    setLoading(true);
    call(name, JSON.parse(inputKey) as CallInput<K>)
      .then((value) => {
        if (mine !== seq.current) return;
        setData(value);
        setError(null);
      })
      .catch((err: unknown) => {
        if (mine !== seq.current) return;
        setError(err instanceof ApiError ? err : new ApiError({ code: 'INTERNAL', message: String(err) }));
      })
      .finally(() => {
        if (mine === seq.current) setLoading(false);
      });
    // The input is compared by value (inputKey), so callers may pass a fresh object literal on every render.
  }, [name, inputKey, tick, ...deps]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
