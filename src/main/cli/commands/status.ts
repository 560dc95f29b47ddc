import fs from 'node:fs';
import { openDatabase } from '../../db/database';
import { closeDatabase } from '../../db/close';
import { mirrorStatus } from '../../mirror/status';
import { defineCommand } from '../command';

/** `status`: schema version, row counts and the last import run, read-only (never creates or migrates the file). */
export const statusCommand = defineCommand({
  name: 'status',
  summary: 'show the mirror: schema version, table row counts, last import',
  usage: 'usage: npm run cli -- status [--db FILE] [--json]',
  options: {},
  async run(ctx) {
    if (!fs.existsSync(ctx.dbPath))
      throw new Error(`no mirror at ${ctx.dbPath} (import an export first, or pass --db FILE)`);
    const db = openDatabase(ctx.dbPath, { readonly: true, anySchema: true });
    try {
      return mirrorStatus(db, ctx.dbPath);
    } finally {
      closeDatabase(db);
    }
  },
  format(s) {
    const lines = [
      `${s.dbPath}: schema ${s.schemaVersion}/${s.latestSchemaVersion}, ${(s.sizeBytes / 1024 / 1024).toFixed(1)} MiB`,
    ];
    for (const t of s.tables) lines.push(`  ${t.name.padEnd(16)} ${t.rows.toLocaleString('en').padStart(12)}`);
    const r = s.lastImport;
    lines.push(
      r
        ? `last import: run ${r.id} ${r.status}${r.error ? ` (${r.error})` : ''}, ${r.exportId ?? '?'} from ${r.exportDir}, started ${r.startedAt}`
        : 'last import: none',
    );
    return lines.join('\n');
  },
});
