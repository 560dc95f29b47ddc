import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import type { ProgressSink } from '../../../shared/progress';
import { spawnWorker } from '../../util/spawn-worker';
import type { KnownIds, SqlValue } from './fields';
import type { ParsedSink, ParseOptions } from './record-parser';
import type { QuarantineReason } from './row-problem';

/**
 * Parsing a big file on a helper thread while the import's own thread writes (measured on 100,000 users' 4.9 M
 * transactions: reading, validating and converting is about a quarter of a single-threaded import, and SQLite's
 * side cannot be split). The helper runs the same parseRecords as the inline path (workers/import-parse.worker.ts)
 * and sends what it hands its sink in batches, in file order; the writer replays them into its own sink.
 *
 * The writer is synchronous (it runs inside the import's transaction), so it takes batches with
 * receiveMessageOnPort and sleeps on a shared counter when none is waiting; the helper stops when MAX_IN_FLIGHT
 * batches wait unread (AHEAD_BUDGET_KIB of them for a file handed ahead), so memory stays bounded whichever side is
 * slower.
 *
 * A batch is packed for a cheap crossing: structured-cloning an array of a row's values costs ~650 ns a row to
 * receive (measured), one string of all its text values joined by NUL (which no accepted value holds) plus typed
 * arrays ~230 ns, packing included.
 */

/** Files at least this big are parsed on a helper thread; below it starting the thread costs more than it saves. */
export const PARSE_THREAD_MIN_BYTES = 16 << 20;
/**
 * The helper is a second core's work, and an import is background work: a file is handed to it only when the machine
 * had this many cores idle just before (one for the importing thread, half of one at least for the helper). Where
 * operators' calls keep the cores busy — the console serving them on the same machine — the file is parsed inline
 * and the import takes longer instead (measured with `bench -- contention`: docs/SCALING.md).
 */
export const PARSE_THREAD_IDLE_CORES = 1.5;
/** How long the machine is watched for idle cores before a big file (a few of the kernel's ~10 ms ticks per core). */
export const IDLE_SAMPLE_MS = 200;

export interface HelperCandidate {
  sizeBytes: number;
  /**
   * Rows of the file name ids the file itself provides (tables.ts, `namesOwnIds`): a row may then name one an earlier
   * row of it provided, known only once the importing thread accepted that row, so such a file is parsed inline.
   * No file of the format does (users and merchants name nothing); a provided id is added to the known ones by the
   * importing thread as it accepts the row, wherever the row was parsed.
   */
  namesOwnIds: boolean;
}

/** May this file go to the helper at all: big enough, and naming no id it provides? (`minBytes`: tests set it lower.) */
export function helperMayParse(file: HelperCandidate, minBytes = PARSE_THREAD_MIN_BYTES): boolean {
  return !file.namesOwnIds && file.sizeBytes >= minBytes;
}

/** Parse this file on the helper? `idleCores` is asked only for a file that may go there. */
export function parseOnHelper(
  file: HelperCandidate,
  idleCores: () => number,
  minBytes = PARSE_THREAD_MIN_BYTES,
): boolean {
  return helperMayParse(file, minBytes) && idleCores() >= PARSE_THREAD_IDLE_CORES;
}
/** Rows (or refusals) per batch. */
const BATCH_ROWS = 4096;
/** Batches sent and not yet read before the helper waits. */
const MAX_IN_FLIGHT = 4;
/**
 * How far the helper may run ahead of the writer in a file it was handed early (ParseHelper.parseAhead), in KiB of
 * batches sent and not yet read. The writer spends a big file's last stretch building its indexes (a province's
 * transactions: ~60 s on one thread) with the helper idle; the next file's rows parsed meanwhile are written later
 * as fast as the writer alone can. A province's transfers (4.4 M rows) come to ~1 GB of batches, a city's to a tenth,
 * which fits whole. At a province 512 MiB saved a few seconds more than this, but the memory freed after it stayed
 * mapped and the next run's peak counted it (3.8 GB against 3.0–3.2); with 256 MiB it did not (3.1 GB). Once
 * the writer reads the file, what waits may stay as large as it then is, and not grow (AHEAD_KIB). Files written at
 * the writer's pace, not the helper's (upserts into a table with rows), are not handed ahead (file-importer.ts).
 */
export const AHEAD_BUDGET_KIB = 256 * 1024;
/** How long either side sleeps on the other before looking at cancel again. */
const WAIT_MS = 250;
/**
 * A helper that neither posts nor shows a sign of life for this long is taken for dead (a thread that failed to
 * start, or was killed): the writer cannot see a worker's error event, its thread's loop being busy with the import.
 */
const STALL_MS = 60_000;

// Slots of the shared control array.
const POSTED = 0;
const CONSUMED = 1;
const CANCEL = 2;
/** Bumped by the helper at every chunk read and every wait: the sign of life STALL_MS looks for. */
const ALIVE = 3;
/** Set by the helper once its code has loaded (markStarted). */
const STARTED = 4;
/** KiB of the batches sent and not yet read (each batch's `kib`). */
const KIB_IN_FLIGHT = 5;
/**
 * KiB the helper may have in flight beyond MAX_IN_FLIGHT batches, set by the writer (allowAhead): AHEAD_BUDGET_KIB
 * while a file handed ahead waits for its turn, what then waited once its turn came, 0 for any other file.
 */
const AHEAD_KIB = 6;
const CONTROL_SLOTS = 7;

/** The control array the writer and its helper share (the slots above, all 0). */
export function newControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT));
}

/** How many KiB of batches beyond MAX_IN_FLIGHT the helper may send before the writer reads them (AHEAD_KIB). */
export function allowAhead(control: Int32Array, kib: number): void {
  Atomics.store(control, AHEAD_KIB, kib);
  Atomics.notify(control, CONSUMED);
}

/** The writer gave up (cancel, an error, the import's end): the helper stops at its next wait or chunk. */
export function stopReading(control: Int32Array): void {
  Atomics.store(control, CANCEL, 1);
  Atomics.notify(control, CONSUMED);
}
/**
 * How long the first file's idle-core sample waits for the helper to have started: its start-up (loading its code)
 * would otherwise count as operators' work in that sample, and the file be parsed inline (a province's users, 1 M
 * rows, always were).
 */
export const HELPER_START_WAIT_MS = 2_000;

const TAG_NULL = 0;
const TAG_TEXT = 1;
const TAG_NUMBER = 2;

interface Refusal {
  /** Rows of the batch accepted before this refusal (replayed in file order). */
  before: number;
  line: number;
  offset: number;
  reason: QuarantineReason;
  field: string | null;
  message: string;
  raw: string;
  key: string | null;
}

interface ParsedBatch {
  rows: number;
  width: number;
  tags: Uint8Array;
  numbers: Float64Array;
  texts: string;
  lines: Float64Array;
  offsets: Float64Array;
  refusals: Refusal[];
  header: string[] | null;
  /** Where reading stood at the last chunk read before this batch was sent; -1 when no chunk ended since the last. */
  bytesRead: number;
  totalBytes: number;
  /** What the batch holds, in KiB (its texts counted at two bytes a character): counted in KIB_IN_FLIGHT. */
  kib: number;
}

export type ToWriter =
  { type: 'batch'; batch: ParsedBatch } | { type: 'end'; read: number } | { type: 'error'; message: string };

export interface ParseThreadData {
  control: SharedArrayBuffer;
  port: MessagePort;
}

/**
 * One file for the helper (through the worker's own port): what parseRecords needs, and the table's width. The known
 * ids travel only when the helper does not hold them yet (null: parse against the ones it holds): at a million users
 * each copy cost the helper ~0.6 s to receive and ~1 s to index again, before every big file.
 */
export interface ParseFile {
  options: Omit<ParseOptions, 'knownIds'>;
  knownIds: KnownIds | null;
  width: number;
}

/**
 * The helper's sink: packs what parseRecords hands it into batches and posts each, waiting while too many are unread.
 * `end` posts the last batch; `post` sends the helper's last word (end or error).
 */
export function batchingSink(
  width: number,
  port: MessagePort,
  control: Int32Array,
): ParsedSink & { end(): void; post(message: ToWriter): void } {
  let tags = new Uint8Array(BATCH_ROWS * width);
  let numbers = new Float64Array(BATCH_ROWS * width);
  let texts: string[] = [];
  let lines = new Float64Array(BATCH_ROWS);
  let offsets = new Float64Array(BATCH_ROWS);
  let refusals: Refusal[] = [];
  let refusalChars = 0;
  let header: string[] | null = null;
  let rows = 0;
  let bytesRead = -1;
  let totalBytes = 0;
  const cancelled = (): boolean => Atomics.load(control, CANCEL) === 1;
  const post = (message: ToWriter, transfer: ArrayBuffer[] = []): void => {
    const kib = message.type === 'batch' ? message.batch.kib : 0;
    // Wait while the writer is behind (by batches, and by what it allows ahead); a writer that gave up (cancel,
    // error) sets CANCEL and reads nothing more.
    while (
      Atomics.load(control, POSTED) - Atomics.load(control, CONSUMED) >= MAX_IN_FLIGHT &&
      Atomics.load(control, KIB_IN_FLIGHT) + kib > Atomics.load(control, AHEAD_KIB)
    ) {
      if (cancelled()) throw new Error('the import stopped reading');
      Atomics.add(control, ALIVE, 1);
      Atomics.wait(control, CONSUMED, Atomics.load(control, CONSUMED), WAIT_MS);
    }
    Atomics.add(control, KIB_IN_FLIGHT, kib);
    port.postMessage(message, transfer);
    Atomics.add(control, POSTED, 1);
    Atomics.notify(control, POSTED);
  };
  const flush = (): void => {
    if (rows === 0 && refusals.length === 0 && header === null && bytesRead < 0) return;
    const joined = texts.join('\0');
    const batch: ParsedBatch = {
      rows,
      width,
      tags: tags.subarray(0, rows * width),
      numbers: numbers.subarray(0, rows * width),
      texts: joined,
      lines: lines.subarray(0, rows),
      offsets: offsets.subarray(0, rows),
      refusals,
      header,
      bytesRead,
      totalBytes,
      // The typed arrays are sent whole (their buffers are transferred), whatever part of them the rows fill.
      kib: Math.ceil(
        (tags.byteLength + numbers.byteLength + lines.byteLength + offsets.byteLength) / 1024 +
          (2 * (joined.length + refusalChars)) / 1024,
      ),
    };
    post({ type: 'batch', batch }, [tags.buffer, numbers.buffer, lines.buffer, offsets.buffer] as ArrayBuffer[]);
    tags = new Uint8Array(BATCH_ROWS * width);
    numbers = new Float64Array(BATCH_ROWS * width);
    lines = new Float64Array(BATCH_ROWS);
    offsets = new Float64Array(BATCH_ROWS);
    texts = [];
    refusals = [];
    refusalChars = 0;
    header = null;
    rows = 0;
    bytesRead = -1;
  };
  return {
    header(cells) {
      header = cells;
    },
    row(values, line, offset) {
      const base = rows * width;
      for (let i = 0; i < width; i++) {
        const v = values[i]!;
        if (v === null) tags[base + i] = TAG_NULL;
        else if (typeof v === 'number') {
          tags[base + i] = TAG_NUMBER;
          numbers[base + i] = v;
        } else {
          tags[base + i] = TAG_TEXT;
          texts.push(v);
        }
      }
      lines[rows] = line;
      offsets[rows] = offset;
      if (++rows === BATCH_ROWS) flush();
    },
    refused(line, offset, reason, field, message, raw, key) {
      refusals.push({ before: rows, line, offset, reason, field, message, raw, key });
      refusalChars += message.length + raw.length + (key?.length ?? 0);
      if (refusals.length === BATCH_ROWS) flush();
    },
    chunk(read, total) {
      if (cancelled()) throw new Error('the import stopped reading');
      Atomics.add(control, ALIVE, 1);
      bytesRead = read;
      totalBytes = total;
    },
    end() {
      flush();
    },
    post,
  };
}

/** Called by the helper once its code has loaded: the importing thread may now sample the machine's idle cores. */
export function markStarted(control: Int32Array): void {
  Atomics.store(control, STARTED, 1);
  Atomics.notify(control, STARTED);
}

/** Hands one batch to the writer's sink, in the order the helper met its rows and refusals. */
function replay(batch: ParsedBatch, sink: ParsedSink, values: SqlValue[]): void {
  const { rows, width, tags, numbers, refusals } = batch;
  const texts = batch.texts.length > 0 || tags.includes(TAG_TEXT) ? batch.texts.split('\0') : [];
  if (batch.header) sink.header(batch.header);
  let t = 0;
  let next = 0;
  const refuseUpTo = (row: number): void => {
    for (; next < refusals.length && refusals[next]!.before <= row; next++) {
      const r = refusals[next]!;
      sink.refused(r.line, r.offset, r.reason, r.field, r.message, r.raw, r.key);
    }
  };
  for (let r = 0; r < rows; r++) {
    refuseUpTo(r);
    const base = r * width;
    for (let i = 0; i < width; i++) {
      const tag = tags[base + i];
      values[i] = tag === TAG_TEXT ? texts[t++]! : tag === TAG_NUMBER ? numbers[base + i]! : null;
    }
    sink.row(values, batch.lines[r]!, batch.offsets[r]!);
  }
  // Every text value crossed as one piece: a NUL inside one (validation refuses them) would shift all after it.
  if (t !== texts.length) throw new Error(`a parsed batch carried ${texts.length} text values for ${t} text cells`);
  refuseUpTo(rows);
  // Progress and the cancel check as inline: once per chunk read (a 4 MiB chunk is ~10 batches of rows).
  if (batch.bytesRead >= 0) sink.chunk(batch.bytesRead, batch.totalBytes);
}

/**
 * The helper thread of one import: started when the import starts (so it has booted by the time the first big file
 * comes), handed one file at a time, closed when the import ends. A file it fails on (cancel, an error on either
 * side) closes it; the import is over then anyway.
 */
export class ParseHelper {
  private readonly channel = new MessageChannel();
  private readonly control = newControl();
  private readonly worker: Worker;
  /** Messages taken so far, over every file (the helper's POSTED counts the same). */
  private received = 0;
  private closed = false;
  /** The id sets the helper holds a copy of; null until sent, and again once they changed (idsChanged). */
  private idsHeld: KnownIds | null = null;
  /** The file handed ahead (parseAhead) and not yet read by `parse`. */
  private ahead: ParseOptions | null = null;

  constructor() {
    const data: ParseThreadData = { control: this.control.buffer as SharedArrayBuffer, port: this.channel.port2 };
    this.worker = spawnWorker('import-parse', { workerData: data, transferList: [this.channel.port2] });
    // An import that ends without close() (a bug) must not keep its process alive for the helper.
    this.worker.unref();
  }

  /**
   * Hands the helper the import's next file now, while this thread still writes the one before (builds its indexes):
   * the helper parses it up to AHEAD_BUDGET_KIB ahead, and `parse` for the same file then reads what it sent. Only a
   * file whose known ids are already what they will be when its turn comes (the file before provides none).
   */
  parseAhead(options: ParseOptions, width: number): void {
    if (this.closed) throw new Error("the import's parsing helper is closed");
    if (this.ahead !== null) throw new Error(`the parsing helper already parses ${this.ahead.path} ahead`);
    allowAhead(this.control, AHEAD_BUDGET_KIB);
    this.send(options, width);
    this.ahead = options;
  }

  private send(options: ParseOptions, width: number): void {
    const { knownIds, ...rest } = options;
    const idsStale = this.idsHeld !== knownIds;
    this.worker.postMessage({ options: rest, knownIds: idsStale ? knownIds : null, width } satisfies ParseFile);
    this.idsHeld = knownIds;
  }

  /**
   * parseRecords on the helper: the same calls on `sink`, in the same order, from this (the writer's) thread.
   * Returns the records read. Throws what the sink throws (cancel included: the helper is told to stop) and the
   * helper's own errors (I/O), with their messages.
   */
  parse(options: ParseOptions, width: number, sink: ParsedSink, progress: ProgressSink): number {
    if (this.closed) throw new Error("the import's parsing helper is closed");
    const { control } = this;
    const values: SqlValue[] = new Array<SqlValue>(width).fill(null);
    let alive = -1;
    let aliveAt = performance.now();
    let done = false;
    if (this.ahead === null) {
      allowAhead(control, 0);
      this.send(options, width);
    } else if (this.ahead.path !== options.path) {
      // The batches waiting are another file's: read as this one they would write its rows into the wrong table.
      this.close();
      throw new Error(`the parsing helper parses ${this.ahead.path} ahead, not ${options.path}`);
    }
    // Its turn: what waits may stay as large as it is now while this thread reads it (the helper keeps parsing where
    // it is the slower), and not grow: a writer slower than the helper holds no more than the read-ahead left.
    else allowAhead(control, Atomics.load(control, KIB_IN_FLIGHT));
    this.ahead = null;
    try {
      for (;;) {
        const got = receiveMessageOnPort(this.channel.port1) as { message: ToWriter } | undefined;
        if (got === undefined) {
          progress.throwIfCancelled();
          const now = performance.now();
          const sign = Atomics.load(control, ALIVE);
          if (sign !== alive) [alive, aliveAt] = [sign, now];
          else if (now - aliveAt > STALL_MS)
            throw new Error(`the thread parsing ${options.path} stopped answering (did it fail to start?)`);
          Atomics.wait(control, POSTED, this.received, WAIT_MS);
          continue;
        }
        this.received++;
        aliveAt = performance.now();
        const m = got.message;
        if (m.type === 'batch') Atomics.sub(control, KIB_IN_FLIGHT, m.batch.kib);
        Atomics.add(control, CONSUMED, 1);
        Atomics.notify(control, CONSUMED);
        if (m.type === 'end') {
          done = true;
          return m.read;
        }
        if (m.type === 'error') throw new Error(m.message);
        replay(m.batch, sink, values);
      }
    } finally {
      if (!done) this.close();
    }
  }

  /** Waits, up to `ms`, until the helper's thread has started (markStarted); returns at once after that. */
  waitStarted(ms: number): void {
    Atomics.wait(this.control, STARTED, 0, ms);
  }

  /** Has the helper's thread started (markStarted)? */
  started(): boolean {
    return Atomics.load(this.control, STARTED) === 1;
  }

  /**
   * The import's id sets changed (a users or merchants file added or removed ids): the next file sends them again.
   * The helper's copy is never changed in place, which is what lets it keep its lookups from file to file.
   */
  idsChanged(): void {
    this.idsHeld = null;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    stopReading(this.control);
    this.channel.port1.close();
    void this.worker.terminate();
  }
}
