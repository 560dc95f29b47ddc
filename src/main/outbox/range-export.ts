import { isBusy } from '../db/busy';
import type { Db } from '../db/database';
import { writeOutboxFile } from './atomic-file';
import {
  lastInLedger,
  markRangeFileWritten,
  type OutboxRangeKind,
  recordRangeFile,
  unwrittenRangeFiles,
} from './ledger';

/**
 * THE way rows go to the outbox by id range (decisions, and the audit trail with them): each file is written once and
 * never rewritten — "appending" to the outbox means adding the next file, `<kind>-<from>-<to>.jsonl` (inclusive id
 * range), which keeps every write atomic. Ids are zero-padded so a plain sort of the directory is their order.
 */
const ID_WIDTH = 12;

export function rangeFileName(kind: OutboxRangeKind, fromId: number, toId: number): string {
  return `${kind}-${String(fromId).padStart(ID_WIDTH, '0')}-${String(toId).padStart(ID_WIDTH, '0')}.jsonl`;
}

/** Where a range kind's rows come from and how one becomes a line of its file. */
export interface RangeSource<Row> {
  kind: OutboxRangeKind;
  id(row: Row): number;
  /** Rows with ids above `lastId`, ascending. */
  after(db: Db, lastId: number): Row[];
  /** Rows with ids from..to inclusive, ascending (a recorded file written again). */
  between(db: Db, from: number, to: number): Row[];
  /** One JSON line: ids and codes, typed text masked — never raw PII. */
  line(row: Row): string;
}

export interface RangeExport {
  /** The new file, or null when nothing was pending. */
  file: string | null;
  rows: number;
  /** Files the ledger recorded but never saw written (a crash in between), written again first. */
  resent: string[];
}

/**
 * Writes every row the ledger has not carried yet as one new file. The ledger row (its id range) is committed first,
 * under the write lock, so two consoles on one mirror never write overlapping ranges; then the file is written and
 * the row marked written. A row left unmarked by a crash in between is written again first (at most that one file
 * goes out twice, and the result says so). Removing delivered files never causes a re-send: the ledger, not the
 * directory, says how far the outbox got.
 */
export function exportPendingRange<Row>(db: Db, outboxDir: string, source: RangeSource<Row>): RangeExport {
  const { kind } = source;
  const resent: string[] = [];
  for (const f of unwrittenRangeFiles(db, kind)) {
    writeOutboxFile(outboxDir, f.file, source.between(db, f.from, f.to).map(source.line));
    markRangeFileWritten(db, kind, f.id);
    resent.push(f.file);
  }
  const pending = db
    .transaction(() => {
      const rows = source.after(db, lastInLedger(db, kind));
      if (rows.length === 0) return null;
      const file = rangeFileName(kind, source.id(rows[0]!), source.id(rows[rows.length - 1]!));
      return {
        id: recordRangeFile(db, kind, source.id(rows[0]!), source.id(rows[rows.length - 1]!), file),
        file,
        rows,
      };
    })
    .immediate();
  if (!pending) return { file: null, rows: 0, resent };
  const file = writeOutboxFile(outboxDir, pending.file, pending.rows.map(source.line));
  markRangeFileWritten(db, kind, pending.id);
  return { file, rows: pending.rows.length, resent };
}

/**
 * Exports what is pending, never failing the caller: it runs after a commit — what it carries is already durable, so
 * the call must not report failure because an import holds the write lock or the outbox cannot be written right
 * now. The rows stay pending: a held lock is tried again on a timer (off the loop, backing off to once a second)
 * until the export goes through; anything else waits for the next export (the next batch or the next start; the
 * outbox ledger says how far it got). Returns null when the export could not run now.
 */
export function tryExportRange<Row>(
  db: Db,
  outboxDir: string,
  source: RangeSource<Row>,
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): RangeExport | null {
  try {
    return exportPendingRange(db, outboxDir, source);
  } catch (err) {
    if (isBusy(err)) exportWhenFree(db, outboxDir, source, warn);
    else
      warn(
        `outbox: ${source.kind} not exported yet (${err instanceof Error ? err.message : String(err)}); they stay pending and go out with the next export`,
      );
    return null;
  }
}

/** One waiting export per connection and kind: a timer, never keeping the process alive, ending with the connection. */
const exportsWaiting: Record<OutboxRangeKind, WeakSet<Db>> = { decisions: new WeakSet(), audit: new WeakSet() };

function exportWhenFree<Row>(
  db: Db,
  outboxDir: string,
  source: RangeSource<Row>,
  warn: (line: string) => void,
  delayMs = 50,
): void {
  const waiting = exportsWaiting[source.kind];
  if (waiting.has(db)) return;
  waiting.add(db);
  setTimeout(() => {
    waiting.delete(db);
    if (!db.open) return;
    try {
      exportPendingRange(db, outboxDir, source);
    } catch (err) {
      if (isBusy(err)) exportWhenFree(db, outboxDir, source, warn, Math.min(delayMs * 2, 1000));
      else warn(`outbox: ${source.kind} not exported yet (${err instanceof Error ? err.message : String(err)})`);
    }
  }, delayMs).unref();
}
