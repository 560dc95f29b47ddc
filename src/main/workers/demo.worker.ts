import { openDatabase } from '../db/database';
import { defineWorkerJob } from '../jobs/worker-job';
import { generateExport } from '../mirror/generator';
import { importExport, type ImportSummary } from '../mirror/import';

export interface DemoJobInput {
  users: number;
  seed: number;
  /** Where the generated export is kept (beside the mirror), so operators can look at a real export's files. */
  exportDir: string;
  operator: string;
}

/** First start: generate a demo city's export and import it like any other export. */
defineWorkerJob<DemoJobInput, ImportSummary>(async (input, ctx) => {
  await generateExport({ users: input.users, days: 90, seed: input.seed, out: input.exportDir }, {
    report: (phase, done, total) => ctx.progress.report(`generate ${phase}`, done, total),
    throwIfCancelled: () => ctx.progress.throwIfCancelled(),
  });
  const db = openDatabase(ctx.dbPath);
  try {
    return importExport(db, input.exportDir, { operator: input.operator, progress: ctx.progress });
  } finally {
    db.close();
  }
});
