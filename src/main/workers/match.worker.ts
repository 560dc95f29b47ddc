import { openDatabase } from '../db/database';
import { usingConnection } from '../db/close';
import { activeRuleSet, runMatching } from '../engine';
import { defineWorkerJob } from '../jobs/worker-side';
import { matchingExclusions } from '../moderation/exclusions';

/**
 * A matching run as a job (`runWorkerJob('match', …)`): opens its own connection (WAL lets the UI keep reading),
 * takes moderation's exclusions as of now, and returns the run summary. Reading the window and the candidate kernel
 * fan out again into `engine-team` threads, so this thread mostly waits on them.
 */
defineWorkerJob('match', async (input, ctx) => {
  return usingConnection(openDatabase(ctx.dbPath), async (db) => {
    // Holds by detection follow the run's own rule set (its hold threshold).
    const excluded = matchingExclusions(db, Math.floor(Date.now() / 1000), input.ruleSet ?? activeRuleSet(db).ruleSet);
    return await runMatching(
      db,
      {
        date: input.date,
        operator: input.operator,
        ruleSet: input.ruleSet,
        excluded,
        heldByDetection: excluded.heldByDetection.size,
        threads: input.threads ?? 2,
      },
      ctx.progress,
    );
  });
});
