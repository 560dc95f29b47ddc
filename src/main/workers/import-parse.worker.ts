import { parentPort, workerData } from 'node:worker_threads';
import { batchingSink, type ParseFile, type ParseThreadData, type ToWriter } from '../mirror/import/parse-thread';
import { parseRecords } from '../mirror/import/record-parser';

/**
 * The import's parsing helper (mirror/import/parse-thread.ts; not a job of its own): for each file the importing
 * thread hands it, reads the file, validates and converts its records, and posts them back in batches, in file
 * order, then its last word (end or error). It runs at the priority of the thread that started it (an import's:
 * background), and lives as long as the import.
 */
const data = workerData as ParseThreadData;
const control = new Int32Array(data.control);
parentPort!.on('message', ({ options, width }: ParseFile) => {
  const sink = batchingSink(width, data.port, control);
  let last: ToWriter;
  try {
    const read = parseRecords(options, sink);
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
