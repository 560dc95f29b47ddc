import { openDatabase } from '../db/database';
import { usingConnection } from '../db/close';
import { defineWorkerJob } from '../jobs/worker-side';
import { importExport } from '../mirror/import';

/** Imports an export directory on its own connection, so main's loop and the UI's reads never wait on it (WAL). */
defineWorkerJob('import', (input, ctx) =>
  usingConnection(openDatabase(ctx.dbPath), (db) =>
    importExport(db, input.dir, { operator: input.operator, progress: ctx.progress }),
  ),
);
