import { type Db, openDatabase } from './db/database';
import { closeDatabase } from './db/close';
import { EventHub } from './events';
import { JobRegistry } from './jobs/job-registry';
import { ReviewReads } from './jobs/review-reads';
import { SessionStore } from './operators/sessions';
import { DEFAULT_OUTBOX_TIMING, OutboxWriter, type OutboxTiming } from './outbox/writer';
import { defaultOutboxDir } from './paths';

/**
 * Everything the handlers work with, built once per process over one mirror file. Services know nothing of
 * Electron or HTTP: the adapters only translate transport to `dispatch`.
 */
/**
 * How long stopping the console waits for cancelled jobs to roll back. A worker's rollback is quick (its one
 * transaction is dropped); what waits is mostly the write of who cancelled, which waits up to 30 s for the lock too.
 */
const SHUTDOWN_JOBS_WAIT_MS = 30_000;

export interface AppServices {
  dbPath: string;
  db: Db;
  events: EventHub;
  jobs: JobRegistry;
  /** The outbox beside the mirror: decisions go out in batches through it; closing the services writes what is pending. */
  outbox: OutboxWriter;
  outboxDir: string;
  /** What only the desktop window can do (native dialogs); absent in web mode, where the UI asks for a path. */
  desktop: DesktopCapabilities | null;
  /**
   * Operators' sessions (one per Electron window, per browser session): a call's identity comes from the session
   * its caller presents (handlers/context.ts), never from the process.
   */
  sessions: SessionStore;
  /** Reviewers' reads (queue pages, an item's detail, its timeline pages), masked, on worker threads of their own. */
  reviewReads: ReviewReads;
  /** Registers something to end with the services (a long-lived worker such as the tuning session). */
  onClose(dispose: () => void): void;
  /** Stops the console: cancels running jobs and waits for them to end (bounded), then closes. */
  shutdown(): Promise<void>;
  /** Closes at once: running jobs are cancelled and not waited for (tests, and the end of shutdown). */
  close(): void;
}

export interface DesktopCapabilities {
  pickDirectory(title: string): Promise<string | null>;
}

export interface CreateServicesOptions {
  dbPath: string;
  desktop?: DesktopCapabilities;
  /** A session ends after this long without a call (default 30 minutes). */
  sessionIdleSeconds?: number;
  /** Where the outbox writer's lines go (default: stderr). */
  log?: (line: string) => void;
  /** Tests: how the outbox batches decisions. */
  outboxTiming?: OutboxTiming;
}

export function createServices(options: CreateServicesOptions): AppServices {
  const db = openDatabase(options.dbPath);
  // Main's loop never waits on another writer's lock: a write that meets it fails at once and dispatch tries the
  // call again on timers, other calls served in between, until the one documented wait (db/busy.ts, BUSY_WAIT_MS).
  db.pragma('busy_timeout = 0');
  // Nor does it trim a big WAL (journal_size_limit: dropping 10 GiB of it took 2.9 s): the jobs' connections give
  // theirs back on their own threads (db/close.ts), and the next job's trims one a reader kept.
  db.pragma('journal_size_limit = -1');
  const events = new EventHub();
  const disposers: (() => void)[] = [];
  const outboxDir = defaultOutboxDir(options.dbPath);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const services: AppServices = {
    dbPath: options.dbPath,
    db,
    events,
    jobs: new JobRegistry(events, db),
    outbox: new OutboxWriter(db, outboxDir, log, options.outboxTiming ?? DEFAULT_OUTBOX_TIMING),
    outboxDir,
    desktop: options.desktop ?? null,
    sessions: new SessionStore(db, { idleSeconds: options.sessionIdleSeconds }),
    reviewReads: new ReviewReads(options.dbPath, log),
    onClose(dispose) {
      disposers.push(dispose);
    },
    async shutdown() {
      // Jobs first: a worker rolling back still writes its run's end, and an operator's cancel is audited after it.
      if (!(await services.jobs.stopAll(SHUTDOWN_JOBS_WAIT_MS)))
        log(
          `closing with a job still ending after ${SHUTDOWN_JOBS_WAIT_MS / 1000} s: the next start marks its run interrupted`,
        );
      services.close();
    },
    close() {
      for (const dispose of disposers.splice(0)) dispose();
      services.jobs.cancelAll();
      services.reviewReads.close();
      services.outbox.close();
      closeDatabase(db);
    },
  };
  return services;
}
