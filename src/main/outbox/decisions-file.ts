import { rangeFileName } from './range-export';

/** One line of `decisions-<from>-<to>.jsonl` (DATA-FORMAT.md, "The outbox"). */
export interface OutboxDecision {
  decision_id: string;
  user_id: string;
  action: string;
  reason_code: string;
  decided_at: string;
  operator: string;
  note: string;
  expires_at?: string;
  reverses?: string;
}

/** The decisions file covering decision ids from..to (inclusive). */
export function decisionsFileName(fromId: number, toId: number): string {
  return rangeFileName('decisions', fromId, toId);
}
