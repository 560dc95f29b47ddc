import { useCallback, useState } from 'react';
import type { CallInput, CallName, CallOutput } from '../../../shared/contract';
import { ApiError, call } from './client';

export interface ActionState<K extends CallName> {
  /** Calls main; resolves with the value, or null after showing the error. */
  run(input: CallInput<K>): Promise<CallOutput<K> | null>;
  busy: boolean;
  error: ApiError | null;
}

/** A call the operator triggers (a button, a form): tracks whether it is in flight and its last error. */
export function useAction<K extends CallName>(name: K): ActionState<K> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(
    async (input: CallInput<K>) => {
      setBusy(true);
      setError(null);
      try {
        return await call(name, input);
      } catch (e) {
        setError(e instanceof ApiError ? e : new ApiError({ code: 'INTERNAL', message: String(e) }));
        return null;
      } finally {
        setBusy(false);
      }
    },
    [name],
  );
  return { run, busy, error };
}
