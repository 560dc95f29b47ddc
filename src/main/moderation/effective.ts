import { FINAL_ACTIONS, UNDO_ACTION } from '../../shared/domain/moderation';

/** A closed list of codes as an SQL `IN` list: `('a', 'b')` (the codes are the vocabulary's, never input). */
export const sqlList = (codes: readonly string[]): string => `(${codes.map((c) => `'${c}'`).join(', ')})`;

/**
 * SQL fragments for "effective" decisions, shared by the decisions service, the queues and the matching
 * exclusions so all three agree: a decision is effective when it is not an undo row and no undo row reverses it.
 */
export const EFFECTIVE_DECISIONS = `
  SELECT d.* FROM decisions d
  WHERE d.action <> '${UNDO_ACTION}' AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.reverses = d.id)`;

/** Actions that close a flag (the queue's "resolved"); hold and escalate keep it open in their own queues. */
export const FINAL_ACTIONS_SQL = sqlList(FINAL_ACTIONS);

/** Unix seconds now; services take `now` as an option so tests can move the clock. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
