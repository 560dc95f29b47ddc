import { useEffect, useState } from 'react';
import type { CallOutput } from '../../../../shared/contract';
import { useAction } from '../../api/useAction';
import { ErrorNote } from '../../components/ErrorNote';
import { useI18n } from '../../i18n/I18nProvider';

const REASON_MIN = 10;

/**
 * Unmask on demand: a typed reason, then the raw fields of this ONE account until main's expiry (60 s), after which
 * they are dropped from state. main refuses reviewers (FORBIDDEN) and audit-logs every grant.
 */
export function UnmaskPanel({ userId, testId }: { userId: string; testId: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [raw, setRaw] = useState<CallOutput<'preview.unmask'> | null>(null);
  const [expired, setExpired] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const unmask = useAction('preview.unmask');
  const forget = unmask.reset;

  useEffect(() => {
    if (!raw) return;
    const timer = setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= Date.parse(raw.expiresAt)) {
        // The action's own copy of the answer goes too (actions are not kept in the cache: see createQueryClient).
        forget();
        setRaw(null);
        setExpired(true);
      }
    }, 250);
    return () => clearInterval(timer);
  }, [raw, forget]);

  // One panel per account (the card keys it by user id): what was unmasked for another account is never here.
  const submit = async () => {
    const value = await unmask.run({ userId, reason });
    if (!value) return;
    setRaw(value);
    setNow(Date.now());
    setExpired(false);
    setOpen(false);
    setReason('');
  };

  const seconds = raw ? Math.max(0, Math.ceil((Date.parse(raw.expiresAt) - now) / 1000)) : 0;
  return (
    <div
      className="unmask"
      data-testid={testId}
      data-state={raw ? 'shown' : open ? 'asking' : expired ? 'expired' : 'masked'}
    >
      {!open && !raw && (
        <button type="button" className="link" onClick={() => setOpen(true)} data-testid={`${testId}-open`}>
          {t('preview.unmask.open')}
        </button>
      )}
      {open && (
        <form
          className="unmask-form"
          role="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <p className="muted small">{t('preview.unmask.help', { seconds: 60 })}</p>
          <label>
            {t('preview.unmask.reason', { n: REASON_MIN })}
            <textarea
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              rows={2}
              maxLength={500}
              data-testid={`${testId}-reason`}
            />
          </label>
          <div className="row">
            <button
              type="submit"
              className="primary"
              disabled={reason.trim().length < REASON_MIN}
              data-testid={`${testId}-submit`}
            >
              {t('preview.unmask.submit')}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {t('preview.unmask.cancel')}
            </button>
          </div>
        </form>
      )}
      {unmask.error && <ErrorNote error={unmask.error} />}
      {raw && (
        <div className="unmask-fields" data-testid={`${testId}-fields`} data-expires={raw.expiresAt}>
          <dl className="facts">
            <dt>{t('preview.unmask.nickname')}</dt>
            <dd data-testid={`${testId}-nickname`}>{raw.nickname}</dd>
            <dt>{t('preview.unmask.realName')}</dt>
            <dd data-testid={`${testId}-realName`}>{raw.realName ?? t('preview.unmask.none')}</dd>
            <dt>{t('preview.unmask.phone')}</dt>
            <dd data-testid={`${testId}-phone`}>{raw.phone ?? t('preview.unmask.none')}</dd>
            <dt>{t('preview.unmask.birthYear')}</dt>
            <dd>{raw.birthYear}</dd>
          </dl>
          <p className="muted small" data-testid={`${testId}-countdown`} data-seconds={seconds}>
            {t('preview.unmask.countdown', { seconds })}
          </p>
        </div>
      )}
      {expired && !raw && <p className="muted small">{t('preview.unmask.expired')}</p>}
    </div>
  );
}
