import { openDatabase } from '../db/database';
import { usingConnection } from '../db/close';
import { defineWorkerJob } from '../jobs/worker-side';
import { runDetection } from '../moderation/detect';

/**
 * Detection off the main thread: reads the whole mirror's transfers and greetings and writes flags in one
 * transaction. Cancel is honoured between batches; a cancelled run writes no flags.
 */
defineWorkerJob('detect', (input, ctx) =>
  usingConnection(openDatabase(ctx.dbPath), (db) => runDetection(db, ctx.progress, { operator: input.operator })),
);
