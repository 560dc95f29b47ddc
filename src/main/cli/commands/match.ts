import { closeDatabase } from '../../db/close';
import { runMatching } from '../../engine';
import { matchingExclusions } from '../../moderation/exclusions';
import { actingOperator, defineCommand, dateOption, intOption, openMirrorForWriting } from '../command';

/** `npm run cli -- match --date YYYY-MM-DD [--threads N] [--operator NAME] [--json]`: today's introductions. */
export const matchCommand = defineCommand({
  name: 'match',
  summary: "build a date's introductions with the active rule set and store the run",
  usage: 'usage: npm run cli -- match --date YYYY-MM-DD [--threads 2] [--operator NAME] [--db FILE] [--json]',
  options: { date: { type: 'string' }, threads: { type: 'string' } },
  access: 'reviewer',
  background: true,
  async run(ctx, values) {
    const date = dateOption(values, 'date');
    const threads = intOption(values, 'threads', 2, 1);
    const operator = actingOperator(ctx).name;
    const db = openMirrorForWriting(ctx);
    try {
      const excluded = matchingExclusions(db, Math.floor(Date.now() / 1000));
      const summary = await runMatching(
        db,
        { date, operator, excluded, heldByDetection: excluded.heldByDetection.size, threads },
        ctx.progress,
      );
      return { ...summary };
    } finally {
      closeDatabase(db);
    }
  },
  format(r) {
    return [
      `match run ${String(r.runId)} for ${String(r.date)} (rule set v${String(r.rulesetVersion)})`,
      `  eligible users     ${String(r.eligibleUsers)}`,
      `  held by detection  ${String(r.heldByDetection)}`,
      `  introductions      ${String(r.introductions)} (matched share ${String(r.matchedShare)})`,
      `  total score        ${String(r.totalScore)} of upper bound ${String(r.upperBound)} (${String(r.boundRatio)})`,
      `  mean score         ${String(r.meanScore)}`,
      `  phases (ms)        ${JSON.stringify(r.phasesMs)}`,
    ].join('\n');
  },
});
