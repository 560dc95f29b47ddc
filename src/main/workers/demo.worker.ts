import { openDatabase } from '../db/database';
import { usingConnection } from '../db/close';
import { runMatching } from '../engine';
import { defineWorkerJob } from '../jobs/worker-side';
import { generateExport } from '../mirror/generator';
import { importExport } from '../mirror/import';
import { runDetection } from '../moderation/detect';
import { matchingExclusions } from '../moderation/exclusions';
import { publishDate } from '../outbox/publish';
import { defaultOutboxDir } from '../paths';
import { platformDay } from '../../shared/domain/platform-time';

/**
 * First start: a demo city whose 90 days end yesterday (so today's matching has a full window), imported like any
 * other export; then what an operator would find on a console that has been in use — detection run (the queue
 * has flags), the last days matched and published (the Overview has a history, the preview has matches), and
 * today's run waiting for a lead to publish it.
 */
defineWorkerJob('demo', async (input, ctx) => {
  await generateExport(
    { users: input.users, days: 90, seed: input.seed, out: input.exportDir, endDate: platformDay() },
    {
      report: (phase, done, total) => ctx.progress.report(`generate ${phase}`, done, total),
      throwIfCancelled: () => ctx.progress.throwIfCancelled(),
    },
  );
  return usingConnection(openDatabase(ctx.dbPath), async (db) => {
    const imported = importExport(db, input.exportDir, { operator: input.operator, progress: ctx.progress });
    const detect = runDetection(db, ctx.progress, { operator: input.operator });
    const runDates: string[] = [];
    const publishedDates: string[] = [];
    for (let back = input.historyDays - 1; back >= 0; back--) {
      const date = platformDay(-back);
      const excluded = matchingExclusions(db, Math.floor(Date.now() / 1000));
      await runMatching(
        db,
        { date, operator: input.operator, excluded, heldByDetection: excluded.heldByDetection.size, threads: 2 },
        ctx.progress,
      );
      runDates.push(date);
      // Published like any date — re-checked, through the ledger — except today's, left for an operator.
      if (back > 0) {
        publishDate(db, { date, operator: input.operator, outboxDir: defaultOutboxDir(ctx.dbPath) });
        publishedDates.push(date);
      }
    }
    return { import: imported, detect, runDates, publishedDates };
  });
});
