import { KEY_TABLES } from '../mirror/import/fields';
import { columnOf, TABLES } from '../mirror/import/tables';

/**
 * SQL reading a mirror table's rows as the export names them: a reference the mirror keeps as a key (transactions'
 * payer and merchant, mirror/import/tables.ts) comes back as the id, under the export's field name, so
 * tests compare the mirror with the files (or a model of them) column for column. Tables outside the export's come
 * back as they are. `where` (and ORDER BY) names the export's columns.
 */
export function exportedRowsSql(table: string, where = ''): string {
  const spec = TABLES.find((t) => t.table === table);
  const keyed = spec?.fields.filter((f) => f.keyColumn !== undefined) ?? [];
  if (!spec || keyed.length === 0) return `SELECT * FROM ${table} ${where}`;
  const cols: string[] = [];
  const joins: string[] = [];
  for (const f of spec.fields) {
    if (f.keyColumn !== undefined && f.kind === 'ref') {
      const alias = `k_${f.name}`;
      joins.push(`JOIN ${KEY_TABLES[f.table]} ${alias} ON ${alias}.key = r.${f.keyColumn}`);
      cols.push(`${alias}.id AS ${f.name}`);
    } else {
      cols.push(`r.${columnOf(f)}`);
      if (f.kind === 'time' && f.tzColumn) cols.push(`r.${f.tzColumn}`);
    }
  }
  return `SELECT * FROM (SELECT ${cols.join(', ')} FROM ${table} r ${joins.join(' ')}) ${where}`;
}
