import type { Db } from '../db/database';
import { type DecisionExport, tryExportPending } from '../moderation/decisions';
import { type RangeExport } from './range-export';
import { tryExportAudit } from './audit-file';
import { writeUnwrittenPublications } from './publish';

/**
 * What a console writes to the outbox on its own: decisions in batches (those made within a short span go into
 * one file, not one file per decision) with the audit trail up to that moment beside them (`audit-<from>-<to>.jsonl`:
 * who decided, published, unmasked, signed in), and whatever the ledger recorded but a crash kept from being written.
 * The trail goes out with each batch of decisions, at each start and when the console closes. One per console
 * process (AppServices.outbox); it never fails anyone — what cannot be written now stays pending.
 */

/** What one flush wrote: each null when its export could not run now (it stays pending). */
export interface OutboxFlush {
  decisions: DecisionExport | null;
  audit: RangeExport | null;
}

export interface OutboxTiming {
  /** Quiet time after the last decision before its batch is written. */
  quietMs: number;
  /** The longest a decision waits while decisions keep coming. */
  maxWaitMs: number;
}

export const DEFAULT_OUTBOX_TIMING: OutboxTiming = { quietMs: 3_000, maxWaitMs: 20_000 };

export class OutboxWriter {
  private timer: NodeJS.Timeout | null = null;
  private firstPendingAt: number | null = null;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly dir: string,
    private readonly log: (line: string) => void,
    private readonly timing: OutboxTiming = DEFAULT_OUTBOX_TIMING,
  ) {}

  /** A decision was committed: its batch is written once decisions pause (or after maxWaitMs at most). */
  decisionsChanged(): void {
    if (this.closed) return;
    const now = Date.now();
    this.firstPendingAt ??= now;
    const wait = Math.max(0, Math.min(this.timing.quietMs, this.firstPendingAt + this.timing.maxWaitMs - now));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), wait);
    this.timer.unref();
  }

  /**
   * Writes everything pending now: files the ledger recorded but never saw written again first (and says so),
   * then the decisions not yet carried, then the audit trail up to now (so the rows saying who made those decisions
   * travel with them).
   */
  flush(log: (line: string) => void = this.log): OutboxFlush {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.firstPendingAt = null;
    let resent: string[] = [];
    try {
      resent = writeUnwrittenPublications(this.db, this.dir);
    } catch (error) {
      log(`outbox: a published date's file could not be written yet (${(error as Error).message})`);
    }
    const decisions = tryExportPending(this.db, this.dir, log);
    const audit = tryExportAudit(this.db, this.dir, log);
    resent = [...resent, ...(decisions?.resent ?? []), ...(audit?.resent ?? [])];
    for (const file of resent)
      log(`outbox: re-sent ${file}: a crash came between recording it and writing it (upstream may receive it twice)`);
    return { decisions, audit };
  }

  /** Writes what is pending and stops. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
  }
}
