import { closeDatabase } from '../../db/close';
import { importExport } from '../../mirror/import';
import { actingOperator, defineCommand, UsageError, openMirrorForWriting, stringOption } from '../command';

/**
 * `import DIR [--allow-older REASON] [--exclusive] [--operator NAME]`: imports one export directory into the mirror,
 * in this process. A snapshot deletes what its files lack; an export older than the newest imported is refused
 * (STALE_EXPORT) unless `--allow-older` gives the reason, which the audit log keeps. `--exclusive` builds a new
 * mirror (its first import) without the WAL, for a province's first load before anyone serves it (sole-writer.ts).
 */
export const importCommand = defineCommand({
  name: 'import',
  summary: 'import an upstream export directory into the mirror',
  usage: [
    'usage: npm run cli -- import DIR [--allow-older REASON] [--operator NAME] [--db FILE] [--json]',
    '',
    '  --allow-older REASON   import an export older than the newest one imported (refused otherwise: it would',
    '                         roll the mirror back); the reason goes to the audit log',
    "  --exclusive            the mirror's first import, while nothing else has it open: written once, without",
    '                         the write-ahead log (a province: ~30 s less); the console cannot open the mirror',
    '                         until it commits. Ignored, saying so, when the mirror is served or already imported',
  ].join('\n'),
  options: { 'allow-older': { type: 'string' }, exclusive: { type: 'boolean', default: false } },
  access: 'reviewer',
  background: true,
  async run(ctx, values, positionals) {
    if (positionals.length !== 1)
      throw new UsageError(`import takes exactly one export directory, got ${positionals.length}`);
    const db = openMirrorForWriting(ctx);
    try {
      const operator = actingOperator(ctx).name;
      const allowOlder = stringOption(values, 'allow-older');
      const exclusive = values.exclusive === true;
      if (allowOlder !== undefined && allowOlder.trim() === '')
        throw new UsageError('--allow-older needs the reason for importing an older export');
      const summary = importExport(db, positionals[0]!, {
        operator,
        progress: ctx.progress,
        soleWriter: exclusive,
        ...(allowOlder !== undefined ? { allowOlder } : {}),
      });
      if (exclusive && summary.alreadyImportedBy === null && summary.journal !== 'rollback')
        ctx.log(
          'import --exclusive: written through the WAL as usual — the mirror was open elsewhere or had been imported before',
        );
      return summary;
    } finally {
      closeDatabase(db);
    }
  },
  format(s) {
    if (s.alreadyImportedBy !== null)
      return `export ${s.exportId} was imported by run ${s.alreadyImportedBy}; importing it again changes nothing`;
    const lines = [
      `import run ${s.runId} of ${s.exportId} (${s.kind}): ${s.status} in ${(s.elapsedMs / 1000).toFixed(1)} s${s.journal === 'rollback' ? ' (first import, exclusive: written without the WAL)' : ''}`,
    ];
    if (s.allowedOlder)
      lines.push(`  imported although export ${s.allowedOlder.newerExportId} is newer: ${s.allowedOlder.reason}`);
    const columns = ['read', 'inserted', 'updated', 'unchanged', 'quarantined', 'removed'] as const;
    const row = (name: string, c: Record<(typeof columns)[number], number>) =>
      `  ${name.padEnd(22)} ${columns.map((k) => String(c[k]).padStart(11)).join(' ')}`;
    lines.push(`  ${'file'.padEnd(22)} ${columns.map((k) => k.padStart(11)).join(' ')}`);
    for (const [file, f] of Object.entries(s.files)) lines.push(row(file, f));
    lines.push(row('total', s.totals));
    if (s.skippedFiles.length) lines.push(`  not imported: ${s.skippedFiles.join(', ')}`);
    for (const [file, f] of Object.entries(s.files)) {
      if (f.removalsWithheld > 0)
        lines.push(
          `  warning: ${file}: ${f.removalsWithheld} refused lines have no readable key, so none of the rows the snapshot lacks was removed (the next snapshot removes them)`,
        );
    }
    const erased = Object.entries(s.erasedRows);
    if (erased.length)
      lines.push(
        `  rows of other tables naming an account the snapshot erased, removed with it: ${erased.map(([t, n]) => `${t} ${n}`).join(', ')}`,
      );
    if (s.erasedFlagged)
      lines.push(
        `  ${s.erasedFlagged} erased accounts had a moderation flag open: those flags leave the queues with the account`,
      );
    for (const m of s.manifestMismatches) {
      lines.push(
        `  warning: ${m.file}: read ${m.read} rows, the manifest declares ${m.declared ?? 'no count'} (incomplete export, or a bad record spanning lines?)`,
      );
    }
    return lines.join('\n');
  },
});
