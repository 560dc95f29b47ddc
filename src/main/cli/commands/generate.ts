import path from 'node:path';
import {
  BIG_FILES,
  type BigFileFormat,
  DEFAULT_END_DATE,
  type ExportFormats,
  generateExport,
} from '../../mirror/generator';
import { defineCommand, intOption, numberOption, stringOption, UsageError } from '../command';
import { calendarDate } from '../../../shared/domain/platform-time';

/** `generate`: a deterministic, realistic export directory with planted ground truth (labels.jsonl). */
export const generateCommand = defineCommand({
  name: 'generate',
  summary: 'write a seeded synthetic export directory (with labels.jsonl ground truth)',
  usage: [
    'usage: npm run cli -- generate --out DIR [--users 20000] [--days 90] [--seed 1] [--bad-rows 0] [--end-date 2026-11-24] [--format csv|jsonl|FILE=FORMAT,…] [--json]',
    '',
    '  --out DIR          export directory to write (created; existing export files are overwritten)',
    '  --users N          number of users (default 20000; 100000 gives ~5M transactions over 90 days)',
    '  --days D           days of history before --end-date (default 90)',
    '  --seed S           PRNG seed, 0–4294967295 (default 1): same options → byte-identical files',
    '  --bad-rows F       fraction of extra bad rows per file, 0–0.5 (default 0)',
    `  --end-date DATE    the export's date, YYYY-MM-DD (default ${DEFAULT_END_DATE})`,
    '  --format F         csv or jsonl for the big files (transactions, transfers; default csv), or per file:',
    '                     --format transactions=jsonl,transfers=csv',
  ].join('\n'),
  options: {
    out: { type: 'string' },
    users: { type: 'string' },
    days: { type: 'string' },
    seed: { type: 'string' },
    'bad-rows': { type: 'string' },
    'end-date': { type: 'string' },
    format: { type: 'string' },
  },
  async run(ctx, values) {
    const out = stringOption(values, 'out');
    if (!out) throw new UsageError('--out DIR is required');
    const users = intOption(values, 'users', 20000, 10);
    const days = intOption(values, 'days', 90, 1);
    const seed = intOption(values, 'seed', 1, 0);
    const badRows = numberOption(values, 'bad-rows', 0);
    if (badRows < 0 || badRows > 0.5)
      throw new UsageError(`--bad-rows must be a fraction in 0–0.5, got "${String(values['bad-rows'])}"`);
    if (days > 366) throw new UsageError(`--days must be at most 366, got ${days}`);
    if (seed > 0xffffffff) throw new UsageError(`--seed must be at most 4294967295, got ${seed}`);
    const endDate = stringOption(values, 'end-date') ?? DEFAULT_END_DATE;
    if (calendarDate(endDate) === null) {
      throw new UsageError(`--end-date must be a calendar date YYYY-MM-DD, got "${endDate}"`);
    }
    const format = parseFormat(stringOption(values, 'format'));
    const summary = await generateExport(
      { users, days, seed, out: path.resolve(out), badRows, endDate, format },
      ctx.progress,
    );
    return summary;
  },
  format(s) {
    const lines = [
      `wrote ${s.out} (${s.exportId}) in ${(s.elapsedMs / 1000).toFixed(1)} s, ${(s.bytes / 1048576).toFixed(1)} MiB`,
    ];
    for (const [file, rows] of Object.entries(s.files))
      lines.push(`  ${file.padEnd(20)} ${rows.toLocaleString('en').padStart(12)}`);
    lines.push(
      `  labels: ${Object.entries(s.labels)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')} (${s.kindredPairs} kindred pairs)`,
    );
    if (s.badRows.total > 0)
      lines.push(
        `  bad rows: ${s.badRows.total} (${Object.entries(s.badRows.byKind)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')})`,
      );
    return lines.join('\n');
  },
});

/** `csv`, `jsonl`, or `transactions=jsonl,transfers=csv`. */
export function parseFormat(text: string | undefined): BigFileFormat | Partial<ExportFormats> | undefined {
  if (text === undefined) return undefined;
  const isFormat = (f: string): f is BigFileFormat => f === 'csv' || f === 'jsonl';
  if (isFormat(text)) return text;
  const perFile: Partial<ExportFormats> = {};
  for (const part of text.split(',')) {
    const [file, f, extra] = part.split('=');
    if (extra !== undefined || !file || !f || !isFormat(f))
      throw new UsageError(`--format must be csv, jsonl or FILE=FORMAT,… (e.g. transactions=jsonl), got "${text}"`);
    if (!(BIG_FILES as readonly string[]).includes(file))
      throw new UsageError(`--format: only ${BIG_FILES.join(' and ')} come as CSV or JSONL, not "${file}"`);
    perFile[file as keyof ExportFormats] = f;
  }
  return perFile;
}
