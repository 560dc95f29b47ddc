import { DomainError } from '../../shared/envelope';
import { say } from '../../shared/error-says';

/**
 * Expensive calls an operator's session runs one at a time per kind: an evaluation or a shadow run scores the
 * whole mirror in a worker, so a second one sent while the first runs (a double click, a script in a loop) would
 * only multiply the work and the memory. It is answered BUSY at once, naming what is running and since when.
 * (Imports, matching and detection are jobs: one per kind for the whole console, ./job-registry.ts; what-ifs
 * are one at a time by the tuning session, an older draft answered `superseded`.)
 */
export type ExpensiveKind = 'evaluation' | 'shadowRun';

const WORDS: Record<ExpensiveKind, string> = { evaluation: 'an evaluation', shadowRun: 'a shadow run' };
const SAYS = { evaluation: 'evaluationRunning', shadowRun: 'shadowRunRunning' } as const;

/** What each operator session is running, by session id and kind; an entry lives only while its work runs. */
const running = new Map<number, Map<ExpensiveKind, number>>();

/** Runs `work` for `session` unless the same session already runs one of `kind`. */
export async function oneAtATime<T>(session: number, kind: ExpensiveKind, work: () => Promise<T>): Promise<T> {
  let mine = running.get(session);
  if (!mine) running.set(session, (mine = new Map()));
  const since = mine.get(kind);
  if (since !== undefined) {
    const seconds = Math.round((performance.now() - since) / 1000);
    throw new DomainError(
      'BUSY',
      `${WORDS[kind]} started ${seconds} s ago by this session is still running: one at a time`,
      say(SAYS[kind], { seconds }),
    );
  }
  mine.set(kind, performance.now());
  try {
    return await work();
  } finally {
    mine.delete(kind);
    if (mine.size === 0) running.delete(session);
  }
}
