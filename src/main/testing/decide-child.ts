import { openDatabase } from '../db/database';
import { decide } from '../moderation/decisions';

/**
 * Child process for the kill -9 test: makes one decision, prints its id the moment decide() returns, then idles
 * until the parent SIGKILLs it. Nothing after decide() (no close, no exit handler) runs.
 */
const [file, flagId] = process.argv.slice(2);
const db = openDatabase(file!);
const row = decide(
  db,
  { flagId: Number(flagId), action: 'restrict', reasonCode: 'selling_confirmed', note: 'kill test' },
  { name: 'ann', role: 'reviewer' },
  {},
);
process.stdout.write(`decided ${row.id}\n`);
setInterval(() => {}, 1000);
