import { openDatabase } from '../db/database';
import { closeDatabase } from '../db/close';
import { defineWorkerJob } from '../jobs/worker-side';
import { importExport } from '../mirror/import';

/** Imports an export directory on its own connection, so main's loop and the UI's reads never wait on it (WAL). */
defineWorkerJob('import', (input, ctx) => {
  const db = openDatabase(ctx.dbPath);
  try {
    return importExport(db, input.dir, { operator: input.operator, progress: ctx.progress });
  } finally {
    closeDatabase(db);
  }
});
