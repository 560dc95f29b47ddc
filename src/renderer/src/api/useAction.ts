import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { CallInput, CallName, CallOutput } from '../../../shared/contract';
import { type ApiError, call } from './client';
import { changeOf } from './changes';
import { applyChange } from './queries';

export interface ActionState<K extends CallName> {
  /** Calls main; resolves with the value, or null after keeping the error in `error` for the page to show. */
  run(input: CallInput<K>): Promise<CallOutput<K> | null>;
  /** The same call for flows that decide by the error: rejects with the `ApiError` (also kept in `error`). */
  mutateAsync(input: CallInput<K>): Promise<CallOutput<K>>;
  /** True from the click until main answered and the reads it changed have their new answers. */
  busy: boolean;
  error: ApiError | null;
  /** Forgets the last error (and value). */
  reset(): void;
}

/**
 * A call the operator triggers (a button, a form, a key): tracks whether it is in flight and its last error, and
 * once it succeeded fetches again the reads it changed (`changes` in api/changes.ts) before it resolves.
 */
export function useAction<K extends CallName>(name: K): ActionState<K> {
  const client = useQueryClient();
  const mutation = useMutation<CallOutput<K>, ApiError, CallInput<K>>({
    mutationKey: [name],
    mutationFn: (input) => call(name, input),
    onSuccess: () => applyChange(client, changeOf(name)),
  });
  const { mutateAsync, isPending, error, reset } = mutation;
  const run = useCallback((input: CallInput<K>) => mutateAsync(input).catch(() => null), [mutateAsync]);
  return { run, mutateAsync, busy: isPending, error, reset };
}
