import type { MessageKey } from '../i18n/catalogue';
import { useI18n } from '../i18n/I18nProvider';

/** Row counts per mirror table, as main counted them. */
export function TableCounts({ tables }: { tables: readonly { name: string; rows: number }[] }) {
  const { t, fmt } = useI18n();
  return (
    <table className="grid" data-testid="table-counts">
      <thead>
        <tr>
          <th scope="col">{t('overview.table')}</th>
          <th scope="col" className="num">
            {t('overview.rows')}
          </th>
        </tr>
      </thead>
      <tbody>
        {tables.map((row) => (
          <tr key={row.name} data-testid={`table-count-${row.name}`} data-rows={row.rows}>
            <th scope="row">{t(`table.${row.name}` as MessageKey)}</th>
            <td className="num">{fmt.integer(row.rows)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
