import fs from 'node:fs';
import { openDatabase } from '../db/database';
import { runMatching } from '../engine';
import { runDetection } from '../moderation/detect';

/**
 * Child process for the kill -9 test of matching and detection runs: starts one (`match DATE` or `detect`), and at
 * its first progress step says so and stops right there — inside the run, its row already `running` — until the
 * parent SIGKILLs it. Nothing after the kill runs.
 */
const [file, kind, date] = process.argv.slice(2);
const db = openDatabase(file!);
const progress = {
  report(phase: string, done: number) {
    fs.writeSync(1, `progress ${phase} ${done}\n`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
  },
  throwIfCancelled() {},
};
if (kind === 'match') {
  void runMatching(db, { date: date!, operator: 'child', excluded: new Set() }, progress).then(() =>
    process.stdout.write('finished\n'),
  );
} else {
  runDetection(db, progress, { operator: 'child' });
  process.stdout.write('finished\n');
}
