import { closeDatabase } from '../../db/close';
import { runDetection } from '../../moderation/detect';
import { actingOperator, defineCommand, openMirrorForWriting } from '../command';

/** `npm run cli -- detect [--operator NAME] [--db FILE] [--json]`: run every detector over the mirror and write flags. */
export const detectCommand = defineCommand({
  name: 'detect',
  summary: 'run the moderation detectors and write flags',
  usage: 'usage: npm run cli -- detect [--operator NAME] [--db FILE] [--json]',
  options: {},
  access: 'reviewer',
  background: true,
  async run(ctx) {
    const db = openMirrorForWriting(ctx);
    try {
      const summary = runDetection(db, ctx.progress, { operator: actingOperator(ctx).name });
      return summary;
    } finally {
      closeDatabase(db);
    }
  },
  format(s) {
    return [
      `detection run ${s.runId}: ${s.usersScored.toLocaleString('en')} active users scored in ${(s.elapsedMs / 1000).toFixed(1)} s`,
      `  flagged: micro_seller ${s.flagged.micro_seller}, spammer ${s.flagged.spammer}`,
      `  new flags ${s.newFlags}, updated ${s.updatedFlags}, suppressed (already resolved) ${s.suppressed}`,
    ].join('\n');
  },
});
