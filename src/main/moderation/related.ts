import crypto from 'node:crypto';
import { findContactHandles } from '../contact-handles/find';
import type { Db } from '../db/database';
import type { HandleKind } from '../../shared/domain/detection';
import { limitSql } from '../db/limit';

/**
 * Accounts a reviewer should look at next to this one (raw; masked in privacy/moderation-views.ts):
 * - `shared_payers`: accounts paid by at least two of the people who paid this one — a seller's second storefront
 *   is paid by the same buyers. Read through the transfer indexes: this account's payers, then what each paid.
 * - `shared_handle`: accounts whose evidence greetings carry a contact handle this account's evidence greetings carry
 *   too — a spam ring sends one handle from many accounts. As of the last detection run (`recordFlagHandles`), never
 *   by scanning greetings' text on main's loop.
 * At most `RELATED_LIMIT` of each, strongest first; each with its newest item when it has one.
 */
export const RELATED_LIMIT = 10;
/** One shared payer is what any two shops on one street have; two or more is a pattern. */
const MIN_SHARED_PAYERS = 2;
/** A payer who paid hundreds of accounts (a company, a collector) links everyone and says nothing. */
const MAX_PAYEES_OF_A_PAYER = 200;

export interface RelatedAccount {
  userId: string;
  reason: 'shared_payers' | 'shared_handle';
  /** Shared payers, or accounts' greetings sharing the handle. */
  strength: number;
  /** The kind of handle both sent (the handle itself stays in main). */
  handleKind: HandleKind | null;
  flagId: number | null;
}

export function relatedAccounts(db: Db, userId: string): RelatedAccount[] {
  const byPayers = db
    .prepare<{ user: string; min: number; cap: number }, { user_id: string; shared: number }>(
      // The payers' transfers are read once (materialized) for both the cap and the count.
      `WITH paid AS MATERIALIZED (
              SELECT t.from_user, t.to_user FROM transfers t
              WHERE t.from_user IN (SELECT from_user FROM transfers WHERE to_user = @user)),
            usable AS (SELECT from_user FROM paid GROUP BY from_user HAVING count(DISTINCT to_user) <= @cap)
       SELECT to_user AS user_id, count(DISTINCT from_user) AS shared
       FROM paid WHERE to_user <> @user AND from_user IN (SELECT from_user FROM usable)
       GROUP BY to_user HAVING shared >= @min
       ORDER BY shared DESC, to_user ${limitSql(RELATED_LIMIT)}`,
    )
    .all({ user: userId, min: MIN_SHARED_PAYERS, cap: MAX_PAYEES_OF_A_PAYER });
  const sharing = db
    .prepare<{ user: string }, { user_id: string; kind: HandleKind; senders: number }>(
      `SELECT o.user_id, o.kind, (SELECT count(*) FROM flag_handles c WHERE c.handle_key = o.handle_key) AS senders
       FROM flag_handles m JOIN flag_handles o ON o.handle_key = m.handle_key AND o.user_id <> m.user_id
       WHERE m.user_id = @user`,
    )
    .all({ user: userId });
  const byHandle = new Map<string, { kind: HandleKind; strength: number }>();
  for (const r of sharing) {
    const seen = byHandle.get(r.user_id);
    if (!seen || r.senders > seen.strength) byHandle.set(r.user_id, { kind: r.kind, strength: r.senders });
  }
  const latestFlag = db.prepare<[string], number>(`SELECT max(id) FROM flags WHERE user_id = ?`).pluck();
  return [
    ...byPayers.map((r) => ({
      userId: r.user_id,
      reason: 'shared_payers' as const,
      strength: r.shared,
      handleKind: null,
    })),
    ...[...byHandle]
      .sort((a, b) => b[1].strength - a[1].strength || (a[0] < b[0] ? -1 : 1))
      .slice(0, RELATED_LIMIT)
      .map(([id, h]) => ({ userId: id, reason: 'shared_handle' as const, strength: h.strength, handleKind: h.kind })),
  ].map((r) => ({ ...r, flagId: latestFlag.get(r.userId) ?? null }));
}

/** The key a handle is kept under: who sent the same handle is what counts, never the handle itself. */
function handleKey(text: string): string {
  return crypto
    .createHash('sha256')
    .update('encounter-console/flag-handles\0')
    .update(text)
    .digest('base64url')
    .slice(0, 22);
}

/**
 * Contact handles (phone numbers, WeChat ids, links) in the evidence greetings of every item → the accounts that
 * sent them, kept in `flag_handles` (migration 13). Called by a detection run in its transaction, after its items
 * are written: the evidence changes only then.
 */
export function recordFlagHandles(db: Db): number {
  const text = db.prepare<[string], { from_user: string; text: string }>(
    `SELECT from_user, text FROM greetings WHERE id = ?`,
  );
  const insert = db.prepare<[string, string, string]>(
    `INSERT OR IGNORE INTO flag_handles (handle_key, kind, user_id) VALUES (?, ?, ?)`,
  );
  // Read first, then write: one connection cannot write while it is still stepping through a read.
  const found: [string, string, string][] = [];
  const evidence = db.prepare<[], string>(`SELECT evidence FROM flags WHERE merged_into IS NULL`).pluck().all();
  for (const e of evidence) {
    for (const id of (JSON.parse(e) as { greetings?: string[] }).greetings ?? []) {
      const g = text.get(id);
      if (!g) continue;
      for (const h of findContactHandles(g.text)) {
        if (h.kind !== 'solicit') found.push([handleKey(h.text), h.kind, g.from_user]);
      }
    }
  }
  db.prepare(`DELETE FROM flag_handles`).run();
  let rows = 0;
  for (const row of found) rows += insert.run(...row).changes;
  return rows;
}
