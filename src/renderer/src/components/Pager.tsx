import { useI18n } from '../i18n/I18nProvider';

interface Props {
  offset: number;
  pageSize: number;
  /** Rows on the current page. */
  shown: number;
  total: number;
  onOffset(offset: number): void;
}

/** Previous / next over a paged list, with "first–last / total". */
export function Pager({ offset, pageSize, shown, total, onOffset }: Props) {
  const { t, fmt } = useI18n();
  return (
    <div className="pager">
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - pageSize))}>
        {t('common.previous')}
      </button>
      <span className="muted">
        {fmt.integer(offset + 1)}–{fmt.integer(offset + shown)} / {fmt.integer(total)}
      </span>
      <button type="button" disabled={offset + pageSize >= total} onClick={() => onOffset(offset + pageSize)}>
        {t('common.next')}
      </button>
    </div>
  );
}
