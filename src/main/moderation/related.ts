import { findContactHandles } from '../contact-handles/find';
import type { Db } from '../db/database';
import type { HandleKind } from '../../shared/domain/detection';
import type { FlagEvidence } from './queue';

/**
 * Accounts a reviewer should look at next to this one (raw; masked in privacy/moderation-views.ts):
 * - `shared_payers`: accounts paid by at least two of the people who paid this one — a seller's second storefront
 *   is paid by the same buyers. Read through the transfer indexes: this account's payers, then what each paid.
 * - `shared_handle`: accounts whose flagged greetings carry a contact handle this account's flagged greetings carry
 *   too — a spam ring sends one handle from many accounts. Read from the evidence detection kept on open items
 *   (what a reviewer would otherwise compare by hand), never by scanning every greeting's text.
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
    .prepare<{ user: string; min: number; cap: number; limit: number }, { user_id: string; shared: number }>(
      `WITH payers AS (SELECT DISTINCT from_user AS payer FROM transfers WHERE to_user = @user),
            busy AS (SELECT p.payer FROM payers p
                     WHERE (SELECT count(DISTINCT t.to_user) FROM transfers t WHERE t.from_user = p.payer) <= @cap)
       SELECT t.to_user AS user_id, count(DISTINCT t.from_user) AS shared
       FROM busy b JOIN transfers t ON t.from_user = b.payer
       WHERE t.to_user <> @user
       GROUP BY t.to_user HAVING shared >= @min
       ORDER BY shared DESC, t.to_user LIMIT @limit`,
    )
    .all({ user: userId, min: MIN_SHARED_PAYERS, cap: MAX_PAYEES_OF_A_PAYER, limit: RELATED_LIMIT });
  const handles = handleSenders(db);
  const mine = [...handles.values()].filter(({ senders }) => senders.has(userId));
  const byHandle = new Map<string, { kind: HandleKind; strength: number }>();
  for (const { kind, senders } of mine) {
    for (const other of senders) {
      if (other === userId) continue;
      const seen = byHandle.get(other);
      if (!seen || senders.size > seen.strength) byHandle.set(other, { kind, strength: senders.size });
    }
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

/**
 * Contact handles (phone numbers, WeChat ids, links) in the evidence greetings of every item → the accounts that
 * sent them. Evidence changes only when detection runs and greeting texts only when an import lands, so the answer
 * is kept until one of them does — not recomputed after every decision (a decision changes neither).
 */
const handleSendersKept = new WeakMap<Db, { stamp: string; senders: HandleSenders }>();

/** Handle text → its kind and the accounts that sent it. */
type HandleSenders = Map<string, { kind: HandleKind; senders: Set<string> }>;

function handleSenders(db: Db): HandleSenders {
  const stamp = db
    .prepare(
      `SELECT coalesce((SELECT max(id) FROM detect_runs), 0) || ':' || coalesce((SELECT max(id) FROM import_runs), 0)`,
    )
    .pluck()
    .get() as string;
  const kept = handleSendersKept.get(db);
  if (kept?.stamp === stamp) return kept.senders;
  const senders = computeHandleSenders(db);
  handleSendersKept.set(db, { stamp, senders });
  return senders;
}

function computeHandleSenders(db: Db): HandleSenders {
  {
    const senders: HandleSenders = new Map();
    const text = db.prepare<[string], { from_user: string; text: string }>(
      `SELECT from_user, text FROM greetings WHERE id = ?`,
    );
    for (const f of db
      .prepare<[], { evidence: string }>(`SELECT evidence FROM flags WHERE merged_into IS NULL`)
      .iterate()) {
      for (const id of (JSON.parse(f.evidence) as FlagEvidence).greetings ?? []) {
        const g = text.get(id);
        if (!g) continue;
        for (const h of findContactHandles(g.text)) {
          if (h.kind === 'solicit') continue;
          let s = senders.get(h.text);
          if (!s) senders.set(h.text, (s = { kind: h.kind, senders: new Set() }));
          s.senders.add(g.from_user);
        }
      }
    }
    return senders;
  }
}
