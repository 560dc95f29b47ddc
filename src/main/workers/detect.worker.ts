import { openDatabase } from '../db/database';
import { closeDatabase } from '../db/close';
import { defineWorkerJob } from '../jobs/worker-side';
import { runDetection } from '../moderation/detect';

/**
 * Detection off the main thread: reads the whole mirror's transfers and greetings and writes flags in one
 * transaction. Cancel is honoured between batches; a cancelled run writes no flags.
 */
defineWorkerJob('detect', (input, ctx) => {
  const db = openDatabase(ctx.dbPath);
  try {
    return runDetection(db, ctx.progress, { operator: input.operator });
  } finally {
    closeDatabase(db);
  }
});
