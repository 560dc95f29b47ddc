import { parentPort, workerData } from 'node:worker_threads';
import {
  batchingSink,
  markStarted,
  type ParseFile,
  type ParseThreadData,
  type ToWriter,
} from '../mirror/import/parse-thread';
import { parseRecords } from '../mirror/import/record-parser';
import { settleIds } from '../mirror/import/known-ids';
import type { KnownIds } from '../mirror/import/fields';

/**
 * The import's parsing helper (mirror/import/parse-thread.ts; not a job of its own): for each file the importing
 * thread hands it, reads the file, validates and converts its records, and posts them back in batches, in file
 * order, then its last word (end or error). It runs at the priority of the thread that started it (an import's:
 * background), and lives as long as the import.
 */
const data = workerData as ParseThreadData;
const control = new Int32Array(data.control);
markStarted(control);
/** The importing thread's known ids, as last sent: this thread's own copy, never changed, so its lookups are kept. */
let knownIds: KnownIds | null = null;
parentPort!.on('message', ({ options, knownIds: sent, width }: ParseFile) => {
  const sink = batchingSink(width, data.port, control);
  let last: ToWriter;
  try {
    if (sent) settleIds((knownIds = sent));
    if (!knownIds) throw new Error('the parsing helper was handed a file before any known ids');
    const read = parseRecords({ ...options, knownIds }, sink);
    sink.end();
    last = { type: 'end', read };
  } catch (error) {
    last = { type: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  try {
    sink.post(last);
  } catch {
    // The importing thread stopped reading (cancel, or an error of its own): nobody waits for this answer.
  }
});
