import { DomainError } from '../shared/envelope';
import { say } from '../shared/error-says';
import { BUSY_WAIT_MS, isBusy, retryWhileBusy, totalChanges } from './db/busy';
import type { AppServices } from './services';

/**
 * How dispatch runs one call's handler against the mirror, so that main's loop never waits on another writer's
 * lock and every answer says truly what the call did.
 *
 * A handler writes in its synchronous part, in one transaction (an audited handler and its audit row are one:
 * handlers/guards.ts). Main's connection never waits (busy_timeout 0), so a handler that meets the lock fails at
 * once; if that try left nothing behind — no row changed, no job started — it is tried again on timers
 * (db/busy.ts: other calls are served meanwhile) until BUSY_WAIT_MS, then answered BUSY, "nothing was recorded".
 * A try that did leave something (a job it started before a later step was refused) is never repeated: the answer
 * names what was started.
 */
export async function runHandler<T>(services: AppServices, run: () => T | Promise<T>): Promise<T> {
  let left: Leftovers = { wrote: false, jobs: [] };
  const started = performance.now();
  try {
    return await retryWhileBusy(
      async () => {
        const changes = totalChanges(services.db);
        const mark = services.jobs.mark();
        let reply: Promise<T>;
        try {
          reply = Promise.resolve(run());
        } catch (err) {
          reply = Promise.reject(err);
        }
        // What the synchronous part (where handlers write) left behind, before anything else can run.
        left = { wrote: totalChanges(services.db) !== changes, jobs: services.jobs.startedSince(mark) };
        return await reply;
      },
      { mayRetry: () => !left.wrote && left.jobs.length === 0 },
    );
  } catch (err) {
    throw refusalOf(err, left, Math.round(performance.now() - started));
  }
}

interface Leftovers {
  wrote: boolean;
  jobs: string[];
}

function refusalOf(err: unknown, left: Leftovers, waitedMs: number): unknown {
  const jobs = left.jobs.length ? `; it started job ${left.jobs.join(', ')}, which runs` : '';
  if (isBusy(err)) {
    if (!left.wrote && left.jobs.length === 0)
      return new DomainError(
        'BUSY',
        `the mirror is locked by another writer (an import?); nothing was recorded after trying for ${waitedMs} ms (up to ${BUSY_WAIT_MS} ms) — try again when it finishes`,
        say('busy', {}, { waitedMs }),
      );
    return new DomainError(
      'BUSY',
      `the mirror was locked by another writer part-way through this call${left.wrote ? '; what it wrote before stays recorded' : ''}${jobs}`,
      { recorded: left.wrote, startedJobs: left.jobs },
    );
  }
  // Any other refusal after a job was started says so: the operator must not start it again.
  if (left.jobs.length && err instanceof DomainError)
    return new DomainError(err.code, `${err.message}${jobs}`, { ...err.details, startedJobs: left.jobs });
  return err;
}
