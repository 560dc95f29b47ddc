import { openDatabase } from '../db/database';
import { usingConnection } from '../db/close';
import { defineWorkerJob } from '../jobs/worker-side';
import { evaluate } from '../moderation/evaluate';

/** Scores every account against a labels file off main's loop: on a 100k mirror that is seconds of work. */
defineWorkerJob('evaluate', (input, ctx) =>
  usingConnection(openDatabase(ctx.dbPath), (db) => evaluate(db, input.labelsFile, ctx.progress)),
);
