import { openDatabase } from '../db/database';
import { defineWorkerJob } from '../jobs/worker-job';
import { importExport, type ImportSummary } from '../mirror/import';

export interface ImportJobInput {
  dir: string;
  operator: string;
}

/** Imports an export directory on its own connection, so main's loop and the UI's reads never wait on it (WAL). */
defineWorkerJob<ImportJobInput, ImportSummary>((input, ctx) => {
  const db = openDatabase(ctx.dbPath);
  try {
    return importExport(db, input.dir, { operator: input.operator, progress: ctx.progress });
  } finally {
    db.close();
  }
});
