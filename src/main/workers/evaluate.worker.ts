import { openDatabase } from '../db/database';
import { closeDatabase } from '../db/close';
import { defineWorkerJob } from '../jobs/worker-side';
import { evaluate } from '../moderation/evaluate';

/** Scores every account against a labels file off main's loop: on a 100k mirror that is seconds of work. */
defineWorkerJob('evaluate', (input, ctx) => {
  const db = openDatabase(ctx.dbPath);
  try {
    return evaluate(db, input.labelsFile, ctx.progress);
  } finally {
    closeDatabase(db);
  }
});
