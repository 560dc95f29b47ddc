import { type Db, openDatabase } from './db/database';
import { EventHub } from './events';
import { JobRegistry } from './jobs/job-registry';
import type { Operator } from '../shared/contract';

/**
 * Everything the handlers work with, built once per process over one mirror file. Services know nothing of
 * Electron or HTTP: the adapters only translate transport to `dispatch`.
 */
export interface AppServices {
  dbPath: string;
  db: Db;
  events: EventHub;
  jobs: JobRegistry;
  /** What only the desktop window can do (native dialogs); absent in web mode, where the UI asks for a path. */
  desktop: DesktopCapabilities | null;
  /** The operator who signed in at start (one console window = one operator). */
  session: { operator: Operator | null };
  /** Registers something to end with the services (a long-lived worker such as the tuning session). */
  onClose(dispose: () => void): void;
  close(): void;
}

export interface DesktopCapabilities {
  pickDirectory(title: string): Promise<string | null>;
}

export interface CreateServicesOptions {
  dbPath: string;
  desktop?: DesktopCapabilities;
}

export function createServices(options: CreateServicesOptions): AppServices {
  const db = openDatabase(options.dbPath);
  // Main's loop never waits on another writer's lock: a write that meets it fails at once and dispatch tries the
  // call again on timers, other calls served in between, until the one documented wait (db/busy.ts, BUSY_WAIT_MS).
  db.pragma('busy_timeout = 0');
  const events = new EventHub();
  const disposers: (() => void)[] = [];
  const services: AppServices = {
    dbPath: options.dbPath,
    db,
    events,
    jobs: new JobRegistry(events),
    desktop: options.desktop ?? null,
    session: { operator: null },
    onClose(dispose) {
      disposers.push(dispose);
    },
    close() {
      for (const dispose of disposers.splice(0)) dispose();
      services.jobs.cancelAll();
      db.close();
    },
  };
  return services;
}
