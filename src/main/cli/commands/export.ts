import { openDatabase } from '../../db/database';
import { exportIntroductions } from '../../engine';
import { defaultOutboxDir } from '../../paths';
import { defineCommand, dateOption, stringOption } from '../command';

/** `npm run cli -- export --date YYYY-MM-DD [--out DIR] [--json]`: the date's introductions into the outbox. */
export const exportCommand = defineCommand({
  name: 'export',
  summary: "write a date's introductions to the outbox (introductions-YYYY-MM-DD.jsonl)",
  usage: 'usage: npm run cli -- export --date YYYY-MM-DD [--out DIR] [--db FILE] [--json]',
  options: { date: { type: 'string' }, out: { type: 'string' } },
  async run(ctx, values) {
    const date = dateOption(values, 'date');
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
});
