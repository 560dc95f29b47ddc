import type { Operator } from '../../shared/contract/app';
import { CLAIM_IDLE_SECONDS } from '../../shared/domain/moderation';
import type { Db } from '../db/database';
import { conflict, notFound } from './errors';
import { nowSeconds } from './effective';
import { say } from '../../shared/error-says';

export interface ClaimRow {
  flag_id: number;
  operator: string;
  claimed_at: number;
  last_seen_at: number;
}

const statements = (db: Db) => ({
  flagExists: db.prepare<[number], { id: number }>(`SELECT id FROM flags WHERE id = ?`),
  get: db.prepare<[number], ClaimRow>(`SELECT * FROM claims WHERE flag_id = ?`),
  upsert: db.prepare<[number, string, number, number]>(
    `INSERT INTO claims (flag_id, operator, claimed_at, last_seen_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (flag_id) DO UPDATE SET operator = excluded.operator, claimed_at = excluded.claimed_at, last_seen_at = excluded.last_seen_at`,
  ),
  touch: db.prepare<[number, number, string]>(`UPDATE claims SET last_seen_at = ? WHERE flag_id = ? AND operator = ?`),
  release: db.prepare<[number, string]>(`DELETE FROM claims WHERE flag_id = ? AND operator = ?`),
});

/** Who actively holds an item (their claim has not lapsed), or null. */
export function activeClaimant(db: Db, flagId: number, now = nowSeconds()): string | null {
  const current = statements(db).get.get(flagId);
  return isActive(current, now) ? current.operator : null;
}

function isActive(claim: ClaimRow | undefined, now: number): claim is ClaimRow {
  return claim !== undefined && now - claim.last_seen_at < CLAIM_IDLE_SECONDS;
}

/**
 * Claims a queue item for `operator` (or refreshes their own claim). Throws CONFLICT when another operator holds
 * an active claim. Runs in an IMMEDIATE transaction so two operators racing for one item cannot both win.
 */
export function claim(db: Db, flagId: number, operator: Operator, now = nowSeconds()): ClaimRow {
  const s = statements(db);
  return db
    .transaction((): ClaimRow => {
      if (!s.flagExists.get(flagId)) throw notFound(`flag ${flagId}`);
      const current = s.get.get(flagId);
      if (isActive(current, now) && current.operator !== operator.name) {
        throw conflict(
          `flag ${flagId} is claimed by ${current.operator} (claim lapses ${CLAIM_IDLE_SECONDS / 60} min after their last activity)`,
          say('claimedBy', { flagId, operator: current.operator }, { claimedBy: current.operator }),
        );
      }
      const claimedAt = isActive(current, now) ? current.claimed_at : now;
      s.upsert.run(flagId, operator.name, claimedAt, now);
      return { flag_id: flagId, operator: operator.name, claimed_at: claimedAt, last_seen_at: now };
    })
    .immediate();
}

/** Keeps the operator's claim alive (call when they act on or view the item). */
export function touchClaim(db: Db, flagId: number, operator: Operator, now = nowSeconds()): void {
  statements(db).touch.run(now, flagId, operator.name);
}

/**
 * Gives up the operator's claim on an item: true when a claim of theirs was removed, false when they held none.
 * Another operator's active claim is theirs to give up: CONFLICT naming them (as claiming it would answer), and it
 * still holds — answering "released" there would tell the caller the item is free when it is not.
 */
export function releaseClaim(db: Db, flagId: number, operator: Operator, now = nowSeconds()): boolean {
  const s = statements(db);
  const current = s.get.get(flagId);
  if (isActive(current, now) && current.operator !== operator.name)
    throw conflict(
      `flag ${flagId} is claimed by ${current.operator}: only they release it`,
      say('claimedBy', { flagId, operator: current.operator }, { claimedBy: current.operator }),
    );
  return s.release.run(flagId, operator.name).changes > 0;
}

/** Throws CONFLICT when someone other than `operator` actively holds the item. */
export function assertNotClaimedByOther(db: Db, flagId: number, operator: Operator, now = nowSeconds()): void {
  const current = statements(db).get.get(flagId);
  if (isActive(current, now) && current.operator !== operator.name) {
    throw conflict(
      `flag ${flagId} is claimed by ${current.operator}`,
      say('claimedBy', { flagId, operator: current.operator }, { claimedBy: current.operator }),
    );
  }
}

/** SQL expression (on alias `f`, parameter `@now`): who actively holds the flag, or NULL. */
export const ACTIVE_CLAIMANT_SQL = `(SELECT c.operator FROM claims c WHERE c.flag_id = f.id AND @now - c.last_seen_at < ${CLAIM_IDLE_SECONDS})`;

/** SQL condition (on claims alias `c`, parameters `@operator`, `@now`): another operator actively holds the item. */
const HELD_BY_ANOTHER_SQL = `c.operator <> @operator AND @now - c.last_seen_at < ${CLAIM_IDLE_SECONDS}`;

/** SQL condition (on alias `f`) for items offered to operator `@operator`: unclaimed, lapsed, or their own claim. */
export const OFFERED_TO_OPERATOR_SQL = `NOT EXISTS (SELECT 1 FROM claims c WHERE c.flag_id = f.id AND ${HELD_BY_ANOTHER_SQL})`;

/** The items other operators actively hold now: what `OFFERED_TO_OPERATOR_SQL` leaves out, as a set of flag ids. */
export function flagsHeldByOthers(db: Db, operator: string, now: number): Set<number> {
  return new Set(
    db
      .prepare<{ operator: string; now: number }, number>(`SELECT c.flag_id FROM claims c WHERE ${HELD_BY_ANOTHER_SQL}`)
      .pluck()
      .all({ operator, now }),
  );
}
