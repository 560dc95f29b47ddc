import type { Operator, ParsedInput } from '../../shared/contract';
import { CheckedJson } from '../checked-reply';
import { WorkerSession } from './worker-session';
import type { ReviewReadReply, ReviewReadRequest } from './workers';

/** Two threads: the machine the console is built for has two cores, and one reviewer's read never waits on another's. */
export const REVIEW_READ_THREADS = 2;

interface Reader {
  session: WorkerSession<'review-reads'>;
  /** Requests sent and not yet answered. */
  pending: number;
}

/**
 * Main's side of the review-reads workers (workers/review-reads.worker.ts): up to REVIEW_READ_THREADS threads, each
 * with its own read-only connection, all started with the first read and kept for the life of the services; a
 * request goes to the thread with the fewest waiting. A thread that dies refuses the requests waiting on it (never
 * silently) and is started again with the next request. Main only sends the view the thread masked, checked and wrote.
 */
export class ReviewReads {
  private readonly readers: (Reader | null)[];

  constructor(
    private readonly dbPath: string,
    private readonly log: (line: string) => void,
    threads = REVIEW_READ_THREADS,
  ) {
    this.readers = Array.from({ length: threads }, () => null);
  }

  async queue(
    input: ParsedInput<'moderation.queue'>,
    operator: Operator,
    now: number,
  ): Promise<CheckedJson<'moderation.queue'>> {
    const reply = await this.send({ type: 'queue', input, operator, now });
    if (reply.type === 'queue') return CheckedJson.written('moderation.queue', reply.json);
    throw mismatch('queue', reply.type);
  }

  async item(flagId: number, operator: Operator, now: number): Promise<CheckedJson<'moderation.item'>> {
    const reply = await this.send({ type: 'item', flagId, operator, now });
    if (reply.type === 'item') return CheckedJson.written('moderation.item', reply.json);
    throw mismatch('item', reply.type);
  }

  async timeline(flagId: number, cursor: string): Promise<CheckedJson<'moderation.timeline'>> {
    const reply = await this.send({ type: 'timeline', flagId, cursor });
    if (reply.type === 'timeline') return CheckedJson.written('moderation.timeline', reply.json);
    throw mismatch('timeline', reply.type);
  }

  close(): void {
    for (const reader of this.readers) reader?.session.close('the console is closing');
    this.readers.fill(null);
  }

  private async send(request: ReviewReadRequest): Promise<ReviewReadReply> {
    const reader = this.leastBusy();
    reader.pending++;
    try {
      return await reader.session.request(request);
    } finally {
      reader.pending--;
    }
  }

  /**
   * The thread with the fewest requests waiting. Every missing thread is started first (all at the first read, and
   * again after one died): a thread boots and warms its page cache once, before the queue is busy, not under load.
   */
  private leastBusy(): Reader {
    const readers = this.readers.map((r, slot) => r ?? (this.readers[slot] = this.start(slot)));
    return readers.reduce((a, b) => (b.pending < a.pending ? b : a));
  }

  private start(slot: number): Reader {
    const reader: Reader = {
      pending: 0,
      session: new WorkerSession('review-reads', {
        dbPath: this.dbPath,
        input: {},
        onProgress: () => {},
        onFailure: (message) => {
          if (this.readers[slot] === reader) this.readers[slot] = null;
          this.log(`review reads: ${message}; a thread starts again with the next read`);
        },
      }),
    };
    return reader;
  }
}

const mismatch = (asked: string, answered: string): Error =>
  new Error(`the review-reads worker answered ${answered} to ${asked}`);
