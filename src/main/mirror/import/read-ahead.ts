import fs from 'node:fs';

/** Files at least this big are read ahead; a smaller one is read in a few chunks the kernel's own read-ahead covers. */
export const READ_AHEAD_MIN_BYTES = 64 << 20;
/** How far ahead of the parser the file is asked for: eight of the reader's chunks. */
export const READ_AHEAD_WINDOW_BYTES = 32 << 20;
/** One request's size. At most two are issued per chunk the parser takes, so libuv's threads are never all held. */
const READ_AHEAD_REQUEST_BYTES = 4 << 20;

/**
 * Asks for a big file's next bytes before its parser reaches them, so its synchronous reads find them in the page
 * cache instead of waiting on the disk. The parser runs on one thread without yielding (parse-thread.ts, or inside
 * the import's transaction), so it cannot wait for an asynchronous read; these reads run on libuv's threads into a
 * buffer nobody reads, and what they leave behind is the kernel's cached pages. The kernel's own read-ahead is not
 * enough while the disk also writes the import's WAL: parsing a province's transactions.csv (4.8 GB, not in memory,
 * 30 ms of work per 4 MiB) waited 8.4 s in readSync, 0.8 s with this.
 *
 * The descriptor is this object's to close: a read may still be in flight when the parser is done, and its callback
 * runs only once the thread's event loop turns, so the last one to finish closes it.
 */
export class ReadAhead {
  private requestedTo = 0;
  private inFlight = 0;
  private closing = false;
  private readonly discard = Buffer.allocUnsafe(READ_AHEAD_REQUEST_BYTES);

  constructor(
    private readonly fd: number,
    private readonly totalBytes: number,
  ) {}

  /** The parser has read the file up to `offset`: keep the next window asked for. */
  advance(offset: number): void {
    const until = Math.min(offset + READ_AHEAD_WINDOW_BYTES, this.totalBytes);
    this.requestedTo = Math.max(this.requestedTo, offset);
    for (let issued = 0; issued < 2 && this.requestedTo < until; issued++) {
      const length = Math.min(READ_AHEAD_REQUEST_BYTES, until - this.requestedTo);
      this.inFlight++;
      fs.read(this.fd, this.discard, 0, length, this.requestedTo, this.settled);
      this.requestedTo += length;
    }
  }

  /** The parser is done (or gave up): the descriptor closes now, or when the last read in flight settles. */
  close(): void {
    this.closing = true;
    if (this.inFlight === 0) fs.closeSync(this.fd);
  }

  /** Requested so far, for tests: the end of the window last asked for. */
  get requestedUpTo(): number {
    return this.requestedTo;
  }

  private readonly settled = (): void => {
    // A failed read changes nothing: the parser's own read of those bytes reports any real error.
    if (--this.inFlight === 0 && this.closing) fs.close(this.fd, () => {});
  };
}
