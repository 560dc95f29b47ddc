import type { Db } from '../db/database';
import { EXCLUDING_ACTIONS } from '../../shared/domain/moderation';
import { EFFECTIVE_DECISIONS, sqlList } from './effective';

/**
 * Users who must not be introduced at `atSec`. Each flag of an account (and its decisions made without a flag) is
 * judged on its own: its latest effective decision (undone ones skipped) made at or before `atSec` is a restrict,
 * suspend or hold that has not expired. An account is out while ANY of them is — clearing or escalating its spam
 * flag must not lift a restriction decided on its selling flag. A later clear or warn on the same flag lifts it.
 * The engine takes this set as input.
 */
export function matchingExclusions(db: Db, atSec: number): Set<string> {
  const rows = db
    .prepare<{ at: number }, { user_id: string }>(
      `WITH eff AS (${EFFECTIVE_DECISIONS} AND d.decided_at <= @at),
            latest AS (SELECT max(id) AS id FROM eff GROUP BY user_id, coalesce(flag_id, -1))
       SELECT DISTINCT e.user_id FROM latest l JOIN eff e ON e.id = l.id
       WHERE e.action IN ${sqlList(EXCLUDING_ACTIONS)} AND (e.expires_at IS NULL OR e.expires_at > @at)`,
    )
    .all({ at: atSec });
  return new Set(rows.map((r) => r.user_id));
}
