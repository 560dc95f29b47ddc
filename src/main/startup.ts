import path from 'node:path';
import { lastImportRun } from './mirror/import';
import { describeInterrupted, recoverInterruptedRuns } from './runs/interrupted';
import type { AppServices } from './services';

export interface PrepareOptions {
  log(line: string): void;
  /** Users in the demo city generated on a first start; 0 = never generate (tests, operators with real data). */
  demoUsers: number;
}

export const DEMO_USERS = 20_000;
export const DEMO_SEED = 20261124;
export const DEMO_OPERATOR = 'demo (first start)';
/** Days of matching runs the demo leaves behind, ending today (all but today's published): the Overview's charts. */
export const DEMO_HISTORY_DAYS = 7;

/**
 * What every entry point does once its services exist, before the first call is answered: mark imports, matching
 * and detection runs a dead process left running as interrupted (nothing they wrote is ever read), write what the outbox
 * ledger holds but the last session did not write (decisions committed since its last batch, a file a crash
 * kept from being confirmed), and on a first start —
 * no import ever ran — generate and import the demo city in a worker, detect, match a week and publish it (all but today), with
 * progress on the Mirror page. Returns the demo job's end (it settles, never rejects: failures are job states), or
 * null when there is no demo to make.
 */
export function prepareMirror(services: AppServices, options: PrepareOptions): Promise<void> | null {
  const interrupted = describeInterrupted(recoverInterruptedRuns(services.db));
  if (interrupted) options.log(interrupted);
  const exported = services.outbox.flush(options.log);
  if (exported?.file)
    options.log(`decisions the last session kept from the outbox were exported: ${path.basename(exported.file)}`);
  if (options.demoUsers <= 0 || lastImportRun(services.db) !== null) return null;
  const exportDir = path.join(path.dirname(services.dbPath), 'demo-export');
  options.log(
    `First start: generating a demo mirror of ${options.demoUsers.toLocaleString('en')} users in the background (${exportDir}).`,
  );
  const { done } = services.jobs.start({
    kind: 'import',
    worker: 'demo',
    dbPath: services.dbPath,
    input: {
      users: options.demoUsers,
      seed: DEMO_SEED,
      exportDir,
      operator: DEMO_OPERATOR,
      historyDays: DEMO_HISTORY_DAYS,
    },
    onResult: (summary) => {
      const flags = Object.values(summary.detect.flagged).reduce((a, b) => a + b, 0);
      const message =
        `demo mirror ready: ${summary.import.totals.read.toLocaleString('en')} rows imported in ${(summary.import.elapsedMs / 1000).toFixed(1)} s, ` +
        `${flags} accounts flagged, introductions published for ${summary.publishedDates.length} days (today's run awaits publishing)`;
      options.log(message);
      return message;
    },
  });
  return done;
}
