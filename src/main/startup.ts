import path from 'node:path';
import { lastImportRun } from './mirror/import';
import { describeInterrupted, recoverInterruptedRuns } from './runs/interrupted';
import type { AppServices } from './services';
import { ensureRuleSetInForce } from './tuning/versions';

export interface PrepareOptions {
  log(line: string): void;
  /** Users in the demo city generated on a first start; 0 = never generate (tests, operators with real data). */
  demoUsers: number;
}

export const DEMO_USERS = 20_000;

/** What an entry point was told about the mirror and the demo on its command line. */
export interface DemoArgs {
  /** `--db FILE`: a mirror the operator named (real data, or one to import into), never filled behind their back. */
  db?: string | undefined;
  /** `--demo`: make the demo city on this mirror's first start even though it was named. */
  demo?: boolean | undefined;
  /** `--demo-users N`: the demo city's size. */
  demoUsers?: string | undefined;
}

/**
 * How many demo users a first start generates: the default mirror (`npm start`) gets the demo city; a mirror named
 * with `--db` gets one only when `--demo` asks for it — a new file is for the operator's own export.
 */
export function demoUsersFor(args: DemoArgs): number {
  if (args.db !== undefined && !args.demo) return 0;
  if (args.demoUsers === undefined) return DEMO_USERS;
  const n = Number(args.demoUsers);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--demo-users: expected a whole number of users (0 or more), got "${args.demoUsers}"`);
  return n;
}
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
  ensureRuleSetInForce(services.db);
  const exported = services.outbox.flush(options.log).decisions;
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
    startedBy: DEMO_OPERATOR,
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
