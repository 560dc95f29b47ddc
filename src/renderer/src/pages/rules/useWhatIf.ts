import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { WhatIfView } from '../../../../shared/contract';
import type { RuleSet } from '../../../../shared/domain/ruleset';
import { ApiError, call } from '../../api/client';
import { callKey } from '../../api/queries';
import { useDebounced } from '../../hooks/useDebounced';

/** Debounce while dragging: main re-scores only the draft the operator paused on (and drops superseded ones). */
export const WHAT_IF_DEBOUNCE_MS = 150;

export interface WhatIfState {
  result: WhatIfView | null;
  pending: boolean;
  error: ApiError | null;
}

/** Main answers `superseded` to a draft a newer one overtook (another window of this console asked meanwhile). */
const SUPERSEDED = new ApiError({ code: 'CONFLICT', message: 'a newer what-if overtook this one' });
/** Numbers the requests, so main's answers (and the panel's data-seq) say which request they answer. */
let seq = 0;

/**
 * The query of one rule set's what-if against the active one: the live panel and the activation dialog share it (one
 * cache entry per rule set, so confirming a version the panel just showed costs nothing).
 */
export function whatIfQuery(ruleSet: RuleSet) {
  return {
    queryKey: callKey('tuning.whatIf', { ruleSet }),
    queryFn: async () => {
      const answer = await call('tuning.whatIf', { ruleSet, seq: ++seq });
      if (answer.status !== 'ready') throw SUPERSEDED;
      return answer.result;
    },
    // Overtaken by another window's request: ask again (a few times), rather than leave the panel waiting.
    retry: (failures: number, error: ApiError) => error === SUPERSEDED && failures < 3,
    staleTime: Infinity,
  };
}

/**
 * The live what-if of a draft, cached per draft: a request ~150 ms after the last change; the figures of the last
 * answered draft stay on screen (pending) until the new one is answered. Saving or activating a version and a
 * rebuilt cache fetch it again (api/changes.ts). `enabled` is false until the cache for the date is ready.
 */
export function useWhatIf(draft: RuleSet | null, enabled: boolean): WhatIfState {
  const settled = useDebounced(draft, WHAT_IF_DEBOUNCE_MS);
  const asked = settled ?? draft;
  const query = useQuery({
    // An answer depends only on the draft, the active rule set and the built cache; the last two invalidate it
    // (api/changes.ts), so going back to a draft shows its answer at once. Every position a slider passed through
    // is a draft: keep the answers only for a moment.
    ...whatIfQuery(asked!),
    enabled: enabled && asked !== null,
    placeholderData: keepPreviousData,
    gcTime: 30_000,
  });
  const moving = JSON.stringify(draft) !== JSON.stringify(settled);
  return {
    result: query.data ?? null,
    pending: moving || query.isFetching || query.isPlaceholderData,
    error: query.error === SUPERSEDED ? null : query.error,
  };
}
