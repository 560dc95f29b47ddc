import { closeDatabase } from '../../db/close';
import { publishDate } from '../../outbox/publish';
import { defaultOutboxDir } from '../../paths';
import { DROP_REASONS } from '../../../shared/domain/publication';
import { actingOperator, defineCommand, dateOption, intOption, openMirrorForWriting, stringOption } from '../command';

/**
 * `npm run cli -- publish --date YYYY-MM-DD [--run N] [--out DIR] [--operator NAME] [--json]`: a date's
 * introductions into the outbox, once, re-checked pair by pair against the mirror now (DATA-FORMAT.md,
 * "Publishing a date's introductions"). A published date is final: publishing or matching it again is refused
 * with ALREADY_PUBLISHED.
 */
export const publishCommand = defineCommand({
  name: 'publish',
  summary: "publish a date's introductions to the outbox, re-checked now (once per date)",
  usage: [
    'usage: npm run cli -- publish --date YYYY-MM-DD [--run N] [--out DIR] [--operator NAME] [--db FILE] [--json]',
    '',
    "  --run N    the run to publish (default: the date's latest completed run)",
    '  --out DIR  the outbox (default: outbox/ beside the mirror)',
  ].join('\n'),
  options: { date: { type: 'string' }, run: { type: 'string' }, out: { type: 'string' } },
  // Publishing decides what every user of a day is introduced to, for good: leads only, as on the Matching page.
  access: 'lead',
  async run(ctx, values) {
    const date = dateOption(values, 'date');
    const runId = stringOption(values, 'run') === undefined ? undefined : intOption(values, 'run', 0, 1);
    const outboxDir = stringOption(values, 'out') ?? defaultOutboxDir(ctx.dbPath);
    const db = openMirrorForWriting(ctx);
    try {
      const result = publishDate(db, { date, runId, operator: actingOperator(ctx).name, outboxDir });
      for (const file of result.resent)
        ctx.log(`re-sent ${file}: a crash came between recording it and writing it (upstream may receive it twice)`);
      return result;
    } finally {
      closeDatabase(db);
    }
  },
  format(r) {
    const dropped = DROP_REASONS.filter((reason) => r.dropped[reason] > 0).map(
      (reason) => `${reason} ${r.dropped[reason]}`,
    );
    return [
      `published ${r.date} from run ${r.runId}: ${r.passing} of ${r.introductions} introductions written to ${r.file}`,
      `  dropped at the re-check: ${dropped.length ? dropped.join(', ') : 'none'}`,
    ].join('\n');
  },
});

/** `export`: the name publishing had before it re-checked; the same command, kept for existing scripts. */
export const exportCommand = defineCommand({
  ...publishCommand,
  name: 'export',
  summary: 'the same as publish (its former name)',
  usage: publishCommand.usage.replace('cli -- publish', 'cli -- export'),
});
