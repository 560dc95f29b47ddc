import type { ModerationItemDetail, RelatedAccountView } from '../../../../shared/contract';
import { CopyId } from '../../components/CopyId';
import { codeText } from '../../i18n/codes';
import { useI18n } from '../../i18n/I18nProvider';
import { handleKey } from './words';

/**
 * Accounts to look at beside this one (main's moderation/related.ts): paid by the same people, or sending the same
 * contact handle. An account with an item links to it (the queue it is in, filtered to that account).
 */
export function RelatedAccounts({
  related,
  onOpen,
}: {
  related: ModerationItemDetail['related'];
  onOpen(account: RelatedAccountView): void;
}) {
  const { t, fmt } = useI18n();
  return (
    <section className="mod-section" data-testid="detail-related">
      <h3 className="small">
        {t('moderation.related.title')} <span className="muted">({fmt.integer(related.length)})</span>
      </h3>
      {related.length === 0 ? (
        <p className="muted small">{t('moderation.detail.none')}</p>
      ) : (
        <ul className="mod-timeline">
          {related.map((r) => (
            <li key={`${r.reason}:${r.userId}`} data-testid="related-account" data-reason={r.reason}>
              <strong>{r.maskedName}</strong> <CopyId id={r.userId} testId="related-account-id" />{' '}
              <span className="mod-badge">{codeText(t, 'relatedReason', r.reason)}</span>{' '}
              <span className="muted small">
                {r.reason === 'shared_payers'
                  ? t('moderation.related.sharedPayers', { n: r.strength })
                  : t('moderation.related.sharedHandle', { n: r.strength })}
              </span>{' '}
              {r.handleKind && (
                <span className="mod-badge warn" data-testid="handle-hint" data-kind={r.handleKind}>
                  {t(handleKey({ kind: r.handleKind }))}
                </span>
              )}
              {r.item && (
                <button type="button" className="link" data-testid="related-open" onClick={() => onOpen(r)}>
                  {t('moderation.related.open')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
