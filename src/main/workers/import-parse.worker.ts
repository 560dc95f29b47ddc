import { workerData } from 'node:worker_threads';
import { batchingSink, type ParseThreadData, type ToWriter } from '../mirror/import/parse-thread';
import { parseRecords } from '../mirror/import/record-parser';

/**
 * The import's parsing helper (mirror/import/parse-thread.ts; not a job of its own): reads one big export file,
 * validates and converts its records, and posts them to the importing thread in batches, in file order. It runs at
 * the priority of the thread that started it (an import's: background).
 */
const data = workerData as ParseThreadData;
const control = new Int32Array(data.control);
const sink = batchingSink(data.width, data.port, control);
let last: ToWriter;
try {
  const read = parseRecords(data.options, sink);
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
data.port.close();
