import { useEffect, useState } from 'react';
import type { ModerationItemDetail } from '../../../../shared/contract';
import { CLAIM_IDLE_SECONDS } from '../../../../shared/domain/moderation';
import type { ApiError } from '../../api/client';
import { call, toApiError } from '../../api/client';
import { useCallQuery } from '../../api/queries';

/** Well inside main's claim lapse (40% of it: 4 of 10 minutes). */
const CLAIM_REFRESH_MS = CLAIM_IDLE_SECONDS * 1000 * 0.4;
/** What counts as the operator still being at the item (reading a long timeline is scrolling and pointing). */
const ACTIVITY = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'scroll'] as const;

export interface OpenItem {
  flagId: number;
  /** The masked detail, once the claim is settled and main answered. */
  data: ModerationItemDetail | null;
  /** Another operator's active claim: the item is shown but cannot be decided here. */
  claimedBy: string | null;
  error: ApiError | null;
}

/**
 * Opening an item claims it (released when the operator moves on), so two operators never judge one account at
 * once. The claim is kept alive while the operator is active and lapses when they walk away. The detail is a
 * cached read (a decision or an undo fetches it again), read once the claim is settled.
 */
export function useOpenItem(flagId: number | null): OpenItem | null {
  const [claim, setClaim] = useState<{ flagId: number; claimedBy: string | null } | null>(null);
  useEffect(() => {
    if (flagId === null) return;
    let alive = true;
    call('moderation.claim', { flagId }).then(
      () => alive && setClaim({ flagId, claimedBy: null }),
      (e: unknown) => {
        const err = toApiError(e);
        const claimedBy = err.error.code === 'CONFLICT' ? String(err.error.details?.claimedBy ?? '?') : null;
        if (alive) setClaim({ flagId, claimedBy });
      },
    );
    let lastActivity = Date.now();
    const active = (): void => {
      lastActivity = Date.now();
    };
    for (const type of ACTIVITY) window.addEventListener(type, active, { passive: true, capture: true });
    const keepAlive = setInterval(() => {
      if (Date.now() - lastActivity < CLAIM_REFRESH_MS) void call('moderation.claim', { flagId }).catch(() => {});
    }, CLAIM_REFRESH_MS);
    return () => {
      alive = false;
      clearInterval(keepAlive);
      for (const type of ACTIVITY) window.removeEventListener(type, active, { capture: true });
      void call('moderation.release', { flagId }).catch(() => {});
    };
  }, [flagId]);
  const claimed = flagId !== null && claim?.flagId === flagId ? claim : null;
  const detail = useCallQuery(
    'moderation.item',
    { flagId: flagId ?? 0 },
    // Never the previous item's detail under this one's id.
    { enabled: claimed !== null, placeholderData: undefined },
  );
  if (flagId === null) return null;
  const data = claimed ? (detail.data ?? null) : null;
  return {
    flagId,
    data,
    claimedBy: claimed?.claimedBy ?? data?.item.claimedBy ?? null,
    error: claimed ? detail.error : null,
  };
}
