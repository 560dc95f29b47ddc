import path from 'node:path';
import type { ImportSummary } from './mirror/import';
import { lastImportRun, recoverInterruptedImports } from './mirror/import';
import { exportPendingUnlessBusy } from './moderation/decisions';
import { defaultOutboxDir } from './paths';
import type { AppServices } from './services';

export interface PrepareOptions {
  log(line: string): void;
  /** Users in the demo city generated on a first start; 0 = never generate (tests, operators with real data). */
  demoUsers: number;
}

export const DEMO_USERS = 20_000;
export const DEMO_SEED = 20261124;
export const DEMO_OPERATOR = 'demo (first start)';

/**
 * What every entry point does once its services exist, before the first call is answered: mark imports a crash
 * interrupted as failed (their transaction never committed, so the mirror is as before), export decisions that
 * were committed but not yet in the outbox when the last session ended, and on a first start —
 * no import ever ran — generate and import the demo city in a worker, with progress on the Mirror page.
 */
export function prepareMirror(services: AppServices, options: PrepareOptions): void {
  const recovered = recoverInterruptedImports(services.db);
  if (recovered > 0) options.log(`${recovered} interrupted import(s) marked failed; the mirror is as it was before them.`);
  const exported = exportPendingUnlessBusy(services.db, defaultOutboxDir(services.dbPath));
  if (exported) options.log(`decisions a crash kept from the outbox were exported: ${exported}`);
  if (options.demoUsers <= 0 || lastImportRun(services.db) !== null) return;
  const exportDir = path.join(path.dirname(services.dbPath), 'demo-export');
  options.log(`First start: generating a demo mirror of ${options.demoUsers.toLocaleString('en')} users in the background (${exportDir}).`);
  const { done } = services.jobs.start<{ users: number; seed: number; exportDir: string; operator: string }, ImportSummary>({
    kind: 'import',
    worker: 'demo',
    dbPath: services.dbPath,
    input: { users: options.demoUsers, seed: DEMO_SEED, exportDir, operator: DEMO_OPERATOR },
    onResult: (summary) => {
      const message = `demo mirror ready: ${summary.totals.read.toLocaleString('en')} rows imported in ${(summary.elapsedMs / 1000).toFixed(1)} s`;
      options.log(message);
      return message;
    },
  });
  void done;
}
