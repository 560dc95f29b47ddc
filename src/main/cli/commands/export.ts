import { openDatabase } from '../../db/database';
import { exportIntroductions } from '../../engine';
import { parseRunDate } from '../../engine/window';
import { defaultOutboxDir } from '../../paths';
import { type CliCommand, stringOption, UsageError } from '../command';

/** `npm run cli -- export --date YYYY-MM-DD [--out DIR] [--json]`: the date's introductions into the outbox. */
export const exportCommand: CliCommand = {
  name: 'export',
  summary: "write a date's introductions to the outbox (introductions-YYYY-MM-DD.jsonl)",
  usage: 'usage: npm run cli -- export --date YYYY-MM-DD [--out DIR] [--db FILE] [--json]',
  options: { date: { type: 'string' }, out: { type: 'string' } },
  async run(ctx, values) {
    const date = stringOption(values, 'date');
    if (!date) throw new UsageError('--date is required (YYYY-MM-DD)');
    try {
      parseRunDate(date, '--date');
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const out = stringOption(values, 'out') ?? defaultOutboxDir(ctx.dbPath);
    const db = openDatabase(ctx.dbPath);
    try {
      return { ...exportIntroductions(db, date, out) };
    } finally {
      db.close();
    }
  },
  format(r) {
    return `wrote ${String(r.introductions)} introductions of run ${String(r.runId)} to ${String(r.file)}`;
  },
};
