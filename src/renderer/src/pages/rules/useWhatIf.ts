import { useEffect, useRef, useState } from 'react';
import type { WhatIfView } from '../../../../shared/contract';
import type { RuleSet } from '../../../../shared/domain/ruleset';
import { ApiError, call } from '../../api/client';

/** Debounce while dragging: main re-scores only the draft the operator paused on (and drops superseded ones). */
export const WHAT_IF_DEBOUNCE_MS = 150;

export interface WhatIfState {
  result: WhatIfView | null;
  pending: boolean;
  error: ApiError | null;
}

/**
 * The live what-if of a draft: a request ~150 ms after the last change, numbered so an older answer that arrives
 * late never overwrites a newer one. `enabled` is false until the cache for the date is ready.
 */
export function useWhatIf(draft: RuleSet | null, enabled: boolean, refreshKey: unknown): WhatIfState {
  const [state, setState] = useState<WhatIfState>({ result: null, pending: false, error: null });
  const seq = useRef(0);
  const key = JSON.stringify(draft);

  useEffect(() => {
    if (!enabled || key === 'null') return;
    const mine = ++seq.current;
    setState((s) => (s.pending ? s : { ...s, pending: true }));
    const timer = setTimeout(() => {
      call('tuning.whatIf', { ruleSet: JSON.parse(key) as RuleSet, seq: mine })
        .then((answer) => {
          if (mine !== seq.current || answer.status !== 'ready') return;
          setState({ result: answer.result, pending: false, error: null });
        })
        .catch((err: unknown) => {
          if (mine !== seq.current) return;
          setState((s) => ({
            ...s,
            pending: false,
            error: err instanceof ApiError ? err : new ApiError({ code: 'INTERNAL', message: String(err) }),
          }));
        });
    }, WHAT_IF_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [key, enabled, refreshKey]);

  return state;
}
