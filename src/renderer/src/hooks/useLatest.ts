import { useCallback, useLayoutEffect, useRef } from 'react';

/**
 * A stable function that returns the latest rendered `value`: for handlers bound once (a window key listener, an
 * event subscription, a memoised child's callback) that must still see this render's state.
 */
export function useLatest<T>(value: T): () => T {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return useCallback(() => ref.current, []);
}
