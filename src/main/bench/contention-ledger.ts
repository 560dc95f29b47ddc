import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../db/database';

/** What the operators' side saw of one decision it sent. */
export interface DecisionOutcome {
  flagId: number;
  /** 'confirmed' (ok, with its decision id), 'refused' (BUSY), 'none' (no answer in time), or `error:<code>`. */
  answer: string;
  decisionId: number | null;
  ms: number;
}

export interface DecisionAccounting {
  confirmed: number;
  refused: number;
  /** The slowest refusal, ms (the promise: refused within the documented wait, promptly). */
  refusedSlowestMs: number;
  /** Refused, yet a decision row exists for its item: an answer that lied. */
  refusedButRecorded: number;
  /** Confirmed but not exactly once in the table and once in the outbox, or never answered. */
  lost: number;
  /** A decision present twice (two rows for one item sent once, or one id in two outbox lines). */
  answeredTwice: number;
}

/**
 * Accounts for every decision the operators sent, from the mirror and the outbox as upstream would read them (after
 * the serving console closed, so its outbox writer has flushed): nothing the console confirmed may be missing or
 * doubled, nothing it refused may be recorded.
 */
export function verifyDecisions(
  dbFile: string,
  outboxDir: string,
  sent: readonly DecisionOutcome[],
): DecisionAccounting {
  const outboxCount = new Map<string, number>();
  if (fs.existsSync(outboxDir))
    for (const f of fs.readdirSync(outboxDir).filter((n) => n.startsWith('decisions-') && n.endsWith('.jsonl')))
      for (const line of fs.readFileSync(path.join(outboxDir, f), 'utf8').split('\n'))
        if (line.trim()) {
          const id = (JSON.parse(line) as { decision_id: string }).decision_id;
          outboxCount.set(id, (outboxCount.get(id) ?? 0) + 1);
        }
  const db = openDatabase(dbFile, { readonly: true });
  try {
    const rowsOfFlag = db.prepare<[number], { id: number }>(`SELECT id FROM decisions WHERE flag_id = ?`);
    const a: DecisionAccounting = {
      confirmed: 0,
      refused: 0,
      refusedSlowestMs: 0,
      refusedButRecorded: 0,
      lost: 0,
      answeredTwice: 0,
    };
    for (const d of sent) {
      const rows = rowsOfFlag.all(d.flagId);
      if (rows.length > 1) a.answeredTwice++;
      if (d.answer === 'confirmed') {
        a.confirmed++;
        const inOutbox = outboxCount.get(String(d.decisionId)) ?? 0;
        if (inOutbox > 1) a.answeredTwice++;
        if (!rows.some((r) => r.id === d.decisionId) || inOutbox === 0) a.lost++;
      } else if (d.answer === 'refused') {
        a.refused++;
        a.refusedSlowestMs = Math.max(a.refusedSlowestMs, d.ms);
        if (rows.length > 0) a.refusedButRecorded++;
      } else if (d.answer === 'none') a.lost++;
    }
    return a;
  } finally {
    db.close();
  }
}
