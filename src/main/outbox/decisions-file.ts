import { writeOutboxFile } from './atomic-file';

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

/**
 * Decision ids are zero-padded in file names so that a plain sort of the directory is the order of decisions.
 * Each file is written once and never rewritten: "appending" to the outbox means adding the next file
 * (`decisions-<from>-<to>.jsonl`, inclusive decision id range), which keeps every write atomic.
 */
const ID_WIDTH = 12;

export function decisionsFileName(fromId: number, toId: number): string {
  return `decisions-${String(fromId).padStart(ID_WIDTH, '0')}-${String(toId).padStart(ID_WIDTH, '0')}.jsonl`;
}

/** Writes one decisions file covering exactly `decisions` (ids ascending, contiguous from the caller's view). */
export function writeDecisionsFile(dir: string, decisions: readonly OutboxDecision[]): string | null {
  if (decisions.length === 0) return null;
  const from = Number(decisions[0]!.decision_id);
  const to = Number(decisions[decisions.length - 1]!.decision_id);
  return writeOutboxFile(
    dir,
    decisionsFileName(from, to),
    decisions.map((d) => JSON.stringify(d)),
  );
}
