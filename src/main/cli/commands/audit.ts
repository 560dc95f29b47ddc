import path from 'node:path';
import { auditFilterSchema } from '../../../shared/contract';
import { type AuditFilter, type AuditRow, eachAuditRow, queryAudit, withAudit } from '../../audit/audit-log';
import { openDatabase } from '../../db/database';
import { closeDatabase } from '../../db/close';
import { writeOutboxFile } from '../../outbox/atomic-file';
import { auditLine } from '../../outbox/audit-file';
import { maskAuditRow } from '../../privacy';
import { actingOperator, type CliValues, defineCommand, intOption, stringOption, UsageError } from '../command';

/** The filters as the Audit page takes them, checked by the same schema (`--by` is the operator filtered on). */
function filterOf(values: CliValues): AuditFilter {
  const parsed = auditFilterSchema.safeParse({
    operator: stringOption(values, 'by'),
    action: stringOption(values, 'action'),
    from: stringOption(values, 'from'),
    to: stringOption(values, 'to'),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const option = issue.path[0] === 'operator' ? 'by' : String(issue.path[0]);
    throw new UsageError(`--${option}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * `npm run cli -- audit [--by NAME] [--action A] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--limit 50] [--out FILE]`
 *
 * The audit trail for leads and admins, as on the Audit page: the latest rows under the filters, or with `--out`
 * every row under them, oldest first, one JSON object a line in the outbox's audit-file format (outbox/audit-file.ts),
 * written atomically — an archive on demand; the outbox itself carries the whole trail with the decisions. Typed
 * text in the rows is masked as on the page. The export is itself audited.
 */
export const auditCommand = defineCommand({
  name: 'audit',
  summary:
    'read or export the audit trail (who did what and when), filtered by operator, action and day; the outbox carries it too (audit-<from>-<to>.jsonl)',
  usage:
    'usage: npm run cli -- audit [--by NAME] [--action ACTION] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--limit 50] [--out FILE.jsonl] [--operator NAME] [--db FILE] [--json]',
  options: {
    by: { type: 'string' },
    action: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    limit: { type: 'string' },
    out: { type: 'string' },
  },
  access: 'lead',
  async run(ctx, values) {
    const filter = filterOf(values);
    const limit = intOption(values, 'limit', 50, 1);
    const out = stringOption(values, 'out');
    const db = openDatabase(ctx.dbPath);
    try {
      if (out === undefined) {
        const page = queryAudit(db, { ...filter, limit });
        return { total: page.total, rows: page.rows.map(maskAuditRow), file: null as string | null };
      }
      const target = path.resolve(out);
      let written = 0;
      const lines = function* (): Generator<string> {
        for (const row of eachAuditRow(db, filter)) {
          written++;
          yield auditLine(row);
        }
      };
      // The rows are read and the export's own row written in one transaction: the file holds exactly the trail up
      // to (not including) the row that says it was exported.
      const file = withAudit(
        db,
        { operator: actingOperator(ctx).name, action: 'audit.export' },
        () => writeOutboxFile(path.dirname(target), path.basename(target), lines()),
        () => ({ subject: path.basename(target), details: { ...filter, rows: written } }),
      );
      return { total: written, rows: [] as AuditRow[], file };
    } finally {
      closeDatabase(db);
    }
  },
  format(r) {
    if (r.file) return `wrote ${r.total} audit rows to ${r.file}`;
    const lines = r.rows.map(
      (a) => `${a.at}  ${a.operator.padEnd(12)} ${a.action.padEnd(24)} ${a.subject ?? ''} ${JSON.stringify(a.details)}`,
    );
    return [...lines, `${r.rows.length} of ${r.total} rows`].join('\n');
  },
});
