import { openDatabase } from '../../db/database';
import { importExport, recoverInterruptedImports } from '../../mirror/import';
import { actingOperator, defineCommand, UsageError } from '../command';

/** `import DIR [--operator NAME]`: imports one export directory into the mirror, in this process, as that operator. */
export const importCommand = defineCommand({
  name: 'import',
  summary: 'import an upstream export directory into the mirror',
  usage: 'usage: npm run cli -- import DIR [--operator NAME] [--db FILE] [--json]',
  options: {},
  access: 'reviewer',
  async run(ctx, _values, positionals) {
    if (positionals.length !== 1)
      throw new UsageError(`import takes exactly one export directory, got ${positionals.length}`);
    const db = openDatabase(ctx.dbPath);
    try {
      const recovered = recoverInterruptedImports(db);
      if (recovered > 0) ctx.log(`marked ${recovered} interrupted import run(s) as failed`);
      const operator = actingOperator(ctx).name;
      const summary = importExport(db, positionals[0]!, { operator, progress: ctx.progress });
      return summary;
    } finally {
      db.close();
    }
  },
  format(s) {
    const lines = [
      `import run ${s.runId} of ${s.exportId} (${s.kind}): ${s.status} in ${(s.elapsedMs / 1000).toFixed(1)} s`,
    ];
    lines.push(
      `  ${'file'.padEnd(22)} ${'read'.padStart(10)} ${'inserted'.padStart(10)} ${'updated'.padStart(10)} ${'unchanged'.padStart(10)} ${'quarantined'.padStart(11)}`,
    );
    for (const [file, f] of Object.entries(s.files)) {
      lines.push(
        `  ${file.padEnd(22)} ${String(f.read).padStart(10)} ${String(f.inserted).padStart(10)} ${String(f.updated).padStart(10)} ${String(f.unchanged).padStart(10)} ${String(f.quarantined).padStart(11)}`,
      );
    }
    const t = s.totals;
    lines.push(
      `  ${'total'.padEnd(22)} ${String(t.read).padStart(10)} ${String(t.inserted).padStart(10)} ${String(t.updated).padStart(10)} ${String(t.unchanged).padStart(10)} ${String(t.quarantined).padStart(11)}`,
    );
    if (s.skippedFiles.length) lines.push(`  not imported: ${s.skippedFiles.join(', ')}`);
    for (const [file, f] of Object.entries(s.files)) {
      if (f.expected !== null && f.expected !== f.read)
        lines.push(
          `  warning: ${file}: read ${f.read} rows, the manifest declares ${f.expected} (incomplete export, or a bad record spanning lines?)`,
        );
    }
    return lines.join('\n');
  },
});
