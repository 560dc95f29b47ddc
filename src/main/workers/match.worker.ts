import { openDatabase } from '../db/database';
import { runMatching, type MatchRunSummary } from '../engine';
import { defineWorkerJob } from '../jobs/worker-job';
import { matchingExclusions } from '../moderation/exclusions';
import type { RuleSet } from '../../shared/domain/ruleset';

export interface MatchJobInput {
  date: string;
  operator: string;
  /** Omitted: the active rule set. */
  ruleSet?: RuleSet;
  /** Candidate threads started from this worker (default 2). */
  threads?: number;
}

/**
 * A matching run as a job (`runWorkerJob('match', …)`): opens its own connection (WAL lets the UI keep reading),
 * takes moderation's exclusions as of now, and returns the run summary. Reading the window and the candidate kernel
 * fan out again into `engine-team` threads, so this thread mostly waits on them.
 */
defineWorkerJob<MatchJobInput, MatchRunSummary>(async (input, ctx) => {
  const db = openDatabase(ctx.dbPath);
  try {
    const excluded = matchingExclusions(db, Math.floor(Date.now() / 1000));
    return await runMatching(
      db,
      { date: input.date, operator: input.operator, ruleSet: input.ruleSet, excluded, threads: input.threads ?? 2 },
      ctx.progress,
    );
  } finally {
    db.close();
  }
});
