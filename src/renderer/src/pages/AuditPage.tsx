import { useState } from 'react';
import type { AuditFilter, AuditRowView } from '../../../shared/contract';
import { useCallQuery } from '../api/queries';
import { ErrorNote } from '../components/ErrorNote';
import { Pager } from '../components/Pager';
import { useI18n } from '../i18n/I18nProvider';
import { codeText, isKnownCode } from '../i18n/codes';

const PAGE = 50;

/**
 * The audit trail (leads and admins): who did what and when, newest first, filtered by operator, action and platform
 * day. Read-only — there is no call that changes or removes an audit row. Details are main's facts (ids and codes;
 * typed text masked like a decision note), shown as they are.
 */
export function AuditPage() {
  const { t } = useI18n();
  const [filter, setFilter] = useState<AuditFilter>({});
  const [offset, setOffset] = useState(0);
  const audit = useCallQuery('audit.list', { ...filter, offset, limit: PAGE });

  const choose = (key: keyof AuditFilter, value: string) => {
    setOffset(0);
    setFilter((f) => {
      const next = { ...f };
      if (value === '') delete next[key];
      else next[key] = value;
      return next;
    });
  };

  return (
    <section data-testid="audit-page" data-ready={audit.data !== undefined && !audit.isFetching}>
      <h1>{t('audit.title')}</h1>
      <p className="muted">{t('audit.hint')}</p>
      <div className="row">
        <label className="inline">
          {t('audit.operator')}
          <select
            value={filter.operator ?? ''}
            onChange={(e) => choose('operator', e.target.value)}
            data-testid="audit-filter-operator"
          >
            <option value="">{t('common.all')}</option>
            {audit.data?.operators.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          {t('audit.action')}
          <select
            value={filter.action ?? ''}
            onChange={(e) => choose('action', e.target.value)}
            data-testid="audit-filter-action"
          >
            <option value="">{t('common.all')}</option>
            {audit.data?.actions.map((a) => (
              <option key={a} value={a}>
                {actionText(t, a)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          {t('audit.from')}
          <input
            type="date"
            value={filter.from ?? ''}
            onChange={(e) => choose('from', e.target.value)}
            data-testid="audit-filter-from"
          />
        </label>
        <label className="inline">
          {t('audit.to')}
          <input
            type="date"
            value={filter.to ?? ''}
            onChange={(e) => choose('to', e.target.value)}
            data-testid="audit-filter-to"
          />
        </label>
      </div>
      {audit.error && <ErrorNote error={audit.error} />}
      {audit.data && (
        <>
          <AuditTable rows={audit.data.rows} />
          <Pager
            offset={offset}
            pageSize={PAGE}
            shown={audit.data.rows.length}
            total={audit.data.total}
            onOffset={setOffset}
          />
        </>
      )}
    </section>
  );
}

function AuditTable({ rows }: { rows: AuditRowView[] }) {
  const { t, fmt } = useI18n();
  if (rows.length === 0) return <p className="muted">{t('audit.none')}</p>;
  return (
    <table className="grid" data-testid="audit-rows">
      <thead>
        <tr>
          <th scope="col">{t('audit.at')}</th>
          <th scope="col">{t('audit.operator')}</th>
          <th scope="col">{t('audit.action')}</th>
          <th scope="col">{t('audit.subject')}</th>
          <th scope="col">{t('audit.details')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} data-testid={`audit-row-${r.id}`} data-operator={r.operator} data-action={r.action}>
            <td className="nowrap">{fmt.dateTime(r.at)}</td>
            <td>{r.operator}</td>
            <td>
              {isKnownCode('auditAction', r.action) && <div>{codeText(t, 'auditAction', r.action)}</div>}
              <span className="mono muted small nowrap">{r.action}</span>
            </td>
            <td className="mono nowrap">{r.subject ?? '—'}</td>
            <td className="mono small">{Object.keys(r.details).length > 0 ? JSON.stringify(r.details) : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * An action in words with its code beside it (what an auditor greps the exported trail for); an action of an older
 * version, which the console has no words for, by its code alone.
 */
function actionText(t: ReturnType<typeof useI18n>['t'], action: string): string {
  return isKnownCode('auditAction', action) ? `${codeText(t, 'auditAction', action)} (${action})` : action;
}
