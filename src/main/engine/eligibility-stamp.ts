import type { Db } from '../db/database';

/**
 * A cheap fingerprint of everything that can change who is eligible between two re-scores of a cached date:
 * a new moderation decision (append-only, so its id only grows), a completed import (consents, user status,
 * blocks arrive only through imports) and a restriction whose expiry has passed since. Equal stamps mean the
 * cached pool is still right; a different stamp means refresh it before scoring.
 */
export function eligibilityStamp(db: Db, atSec: number): { key: string; importId: number } {
  const row = db
    .prepare<{ at: number }, { decision: number; imported: number; expired: number }>(
      `SELECT (SELECT coalesce(max(id), 0) FROM decisions) AS decision,
              (SELECT coalesce(max(id), 0) FROM import_runs WHERE status = 'completed') AS imported,
              (SELECT count(*) FROM decisions WHERE expires_at IS NOT NULL AND expires_at <= @at) AS expired`,
    )
    .get({ at: atSec })!;
  return { key: `${row.decision}:${row.imported}:${row.expired}`, importId: row.imported };
}
