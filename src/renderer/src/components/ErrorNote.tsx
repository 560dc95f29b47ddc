import type { ApiError } from '../api/client';
import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/catalogue';

const KNOWN: Record<string, MessageKey> = {
  INVALID_INPUT: 'error.code.INVALID_INPUT',
  FORBIDDEN: 'error.code.FORBIDDEN',
  NOT_SIGNED_IN: 'error.code.NOT_SIGNED_IN',
  NOT_FOUND: 'error.code.NOT_FOUND',
  BAD_EXPORT: 'error.code.BAD_EXPORT',
  CONFLICT: 'error.code.CONFLICT',
  BUSY: 'error.code.BUSY',
};

/** Turns a contract error into a readable sentence in the operator's language. */
export function useErrorText(): (error: ApiError) => string {
  const { t } = useI18n();
  return (error) => {
    if (error.error.details?.network) return t('error.code.network', { message: error.message });
    const key = KNOWN[error.error.code];
    return key ? t(key, { message: error.message }) : t('error.generic', { message: error.message });
  };
}

export function ErrorNote({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { t } = useI18n();
  const text = useErrorText();
  return (
    <div className="error-note" role="alert" data-testid="error-note" data-code={error.error.code}>
      <span>{text(error)}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
