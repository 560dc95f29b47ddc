/**
 * `LIMIT n` written into a statement's SQL — the one way this code limits rows. A LIMIT is never bound: the SQLite
 * better-sqlite3 12 ships (3.51) lets its planner read a bound LIMIT's value (sqlite3ExprIsInteger) and marks the
 * parameter as one the plan depends on, so binding it again — better-sqlite3 binds every parameter on every run —
 * expires the statement and each run prepares it anew: 11–16 µs a run on the item pane's statements, against nothing
 * with the number written in. The number becomes SQL text, so it is checked here whatever the caller checked before.
 */
export function limitSql(rows: number): string {
  if (!Number.isSafeInteger(rows) || rows < 0) throw new RangeError(`a LIMIT is a whole number ≥ 0, got ${rows}`);
  return `LIMIT ${rows}`;
}
