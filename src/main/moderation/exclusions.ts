import type { Db } from '../db/database';
import { EFFECTIVE_DECISIONS } from './effective';

/**
 * Users who must not be introduced at `atSec`: their latest effective decision (undone ones skipped) made at or
 * before `atSec` is a restrict or suspend that has not expired, or a hold (a hold means "not until we decide").
 * A later clear or warn lifts an earlier restriction. The engine takes this set as input.
 */
export function matchingExclusions(db: Db, atSec: number): Set<string> {
  const rows = db
    .prepare<{ at: number }, { user_id: string }>(
      `WITH eff AS (${EFFECTIVE_DECISIONS} AND d.decided_at <= @at),
            latest AS (SELECT user_id, max(id) AS id FROM eff GROUP BY user_id)
       SELECT e.user_id FROM latest l JOIN eff e ON e.id = l.id
       WHERE e.action = 'hold'
          OR (e.action IN ('restrict', 'suspend') AND (e.expires_at IS NULL OR e.expires_at > @at))`,
    )
    .all({ at: atSec });
  return new Set(rows.map((r) => r.user_id));
}
