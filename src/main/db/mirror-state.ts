import { totalChanges } from './busy';
import type { Db } from './database';

/**
 * A stamp of everything committed to the mirror as this connection sees it: SQLite's `data_version` (moves when
 * another connection or process commits) with this connection's own `total_changes()` (moves on every row it
 * writes, committed or not). Two equal stamps mean no row changed in between — what makes a kept answer safe.
 */
export function mirrorState(db: Db): string {
  return `${db.prepare('PRAGMA data_version').pluck().get() as number}:${totalChanges(db)}`;
}

/**
 * Answers computed from the mirror, kept while the mirror is unchanged (`mirrorState`) — for the reads every page
 * makes many times a second (queue order, who detection holds), so that serving them costs a lookup instead of a
 * scan on main's loop. `key` must name every other input of the answer (a filter, the second it is asked at); the
 * same key on the same state gets the same answer, so nothing kept is ever stale. A few keys per connection at most.
 */
export class MirrorMemo<V> {
  private readonly kept = new WeakMap<Db, { state: string; values: Map<string, V> }>();

  constructor(private readonly maxKeys = 32) {}

  get(db: Db, key: string, compute: () => V): V {
    const state = mirrorState(db);
    let entry = this.kept.get(db);
    if (!entry || entry.state !== state) {
      entry = { state, values: new Map() };
      this.kept.set(db, entry);
    }
    const kept = entry.values.get(key);
    if (kept !== undefined) return kept;
    const value = compute();
    // Computing may have written (it should not): keep only what was computed on the state it was asked at.
    if (mirrorState(db) !== state) return value;
    if (entry.values.size >= this.maxKeys) entry.values.delete(entry.values.keys().next().value!);
    entry.values.set(key, value);
    return value;
  }
}
