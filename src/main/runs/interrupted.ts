import os from 'node:os';
import type { Db } from '../db/database';
import { recoverInterruptedImports } from '../mirror/import';

/**
 * Runs left `running` by a process that died. An import holds the write lock for its whole transaction, so its
 * run row is recovered by taking that lock (mirror/import/runs.ts); a matching or detection run computes for
 * seconds between short writes and holds no lock, so its row names the process that owns it (`host/pid`), and
 * one whose process is gone was interrupted. Nothing such a run wrote is ever read: a match run's introductions
 * and a detection run's flags are written in the same transaction that completes the run.
 */

/** This process, as the owner of the runs it starts. */
export function runOwner(): string {
  return `${os.hostname()}/${process.pid}`;
}

/** True unless the owner is a process of this machine that no longer exists (unknown owners count as gone). */
export function ownerAlive(owner: string | null): boolean {
  if (owner === null) return false;
  const slash = owner.lastIndexOf('/');
  const host = owner.slice(0, slash);
  const pid = Number(owner.slice(slash + 1));
  // Another machine's process cannot be asked; the mirror is a local file, so this does not happen in practice.
  if (host !== os.hostname()) return true;
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The error a run interrupted by a dead process is marked failed with (imports, matching, detection alike). */
export const INTERRUPTED = 'interrupted';

export interface InterruptedRuns {
  imports: number;
  matchRuns: number[];
  detectRuns: number[];
}

const sql = {
  runningMatch: `SELECT id, owner FROM match_runs WHERE status = 'running'`,
  runningDetect: `SELECT id, owner FROM detect_runs WHERE status = 'running'`,
  interruptMatch: `UPDATE match_runs SET status = 'failed', error = 'interrupted', finished_at = ? WHERE id = ? AND status = 'running'`,
  interruptDetect: `UPDATE detect_runs SET status = 'failed', finished_at = ?, summary = '{"error":"interrupted"}' WHERE id = ? AND status = 'running'`,
};

/**
 * At every start (console, serve, CLI): imports, matching and detection runs whose process died are marked
 * failed with the error `interrupted` (the contract shows them as `interrupted`). Runs of live processes —
 * another console, a CLI run in progress — are left alone.
 */
export function recoverInterruptedRuns(db: Db): InterruptedRuns {
  const imports = recoverInterruptedImports(db);
  const finishedIso = new Date().toISOString();
  const finishedSec = Math.floor(Date.now() / 1000);
  const dead = (rows: { id: number; owner: string | null }[]) =>
    rows.filter((r) => !ownerAlive(r.owner)).map((r) => r.id);
  const matchRuns = dead(db.prepare(sql.runningMatch).all() as { id: number; owner: string | null }[]);
  const detectRuns = dead(db.prepare(sql.runningDetect).all() as { id: number; owner: string | null }[]);
  if (matchRuns.length || detectRuns.length) {
    db.transaction(() => {
      for (const id of matchRuns) db.prepare(sql.interruptMatch).run(finishedIso, id);
      for (const id of detectRuns) db.prepare(sql.interruptDetect).run(finishedSec, id);
    })();
  }
  return { imports, matchRuns, detectRuns };
}

/** One line for logs, or null when nothing was interrupted. */
export function describeInterrupted(r: InterruptedRuns): string | null {
  const parts: string[] = [];
  if (r.imports) parts.push(`${r.imports} import(s) marked failed (the mirror is as it was before them)`);
  if (r.matchRuns.length) parts.push(`matching run(s) ${r.matchRuns.join(', ')} marked interrupted`);
  if (r.detectRuns.length) parts.push(`detection run(s) ${r.detectRuns.join(', ')} marked interrupted`);
  return parts.length ? `interrupted by a process that died: ${parts.join('; ')}` : null;
}
