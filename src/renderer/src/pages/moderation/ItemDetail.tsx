import type { ModerationItemDetail, RelatedAccountView } from '../../../../shared/contract';
import { DETECTOR_NAMES } from '../../../../shared/domain/detection';
import { CopyId } from '../../components/CopyId';
import { codeText } from '../../i18n/codes';
import { useI18n } from '../../i18n/I18nProvider';
import { AccountTimeline, ActivityRow } from './AccountTimeline';
import { Masked } from './Masked';
import { RelatedAccounts } from './RelatedAccounts';
import { actionKey, decisionReasonKey, isShare } from './words';

function Section({
  title,
  count,
  children,
  testId,
}: {
  title: string;
  count: number;
  children: React.ReactNode;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <details className="mod-section" open={count > 0} data-testid={testId} data-count={count}>
      <summary>
        {title} <span className="muted">({count})</span>
      </summary>
      {count === 0 ? <p className="muted small">{t('moderation.detail.none')}</p> : children}
    </details>
  );
}

/** Both detectors' evidence: the probability of abuse, then each class with what raised and lowered its odds. */
function Assessment({ detail }: { detail: ModerationItemDetail }) {
  const { t, fmt } = useI18n();
  const a = detail.assessment;
  const reasonWords = (codes: readonly string[]) => codes.map((r) => <li key={r}>{codeText(t, 'flagReason', r)}</li>);
  if (!a) return <p className="muted small">{t('moderation.detail.noAssessment')}</p>;
  return (
    <div data-testid="detail-assessment" data-probability={a.probability}>
      <p>
        <strong>{t('moderation.detail.probability', { p: fmt.percent(a.probability) })}</strong>
      </p>
      {detail.item.heldByDetection && (
        <p className="small" style={{ color: 'var(--warn)' }} data-testid="detail-held-by-detection">
          {t('moderation.detail.heldByDetection', { t: fmt.percent(detail.holdThreshold) })}
        </p>
      )}
      <div className="mod-classes">
        {DETECTOR_NAMES.map((c) => {
          const view = a.classes[c];
          const likelier = c === detail.item.detector;
          return (
            <section
              key={c}
              className={`mod-class${likelier ? ' likelier' : ''}`}
              data-testid={`detail-class-${c}`}
              data-likelier={likelier}
            >
              <div>
                <strong>{codeText(t, 'detector', c)}</strong>{' '}
                {t('moderation.detail.classProbability', { p: fmt.percent(view.probability) })}
                {likelier && <span className="muted small"> · {t('moderation.detail.likelier')}</span>}
              </div>
              {view.reasons.length > 0 && (
                <>
                  <div className="small muted">{t('moderation.detail.raisedBy')}</div>
                  <ul className="small" data-testid={`detail-class-${c}-reasons`}>
                    {reasonWords(view.reasons)}
                  </ul>
                </>
              )}
              {view.counterSignals.length > 0 && (
                <>
                  <div className="small muted">{t('moderation.detail.loweredBy')}</div>
                  <ul className="small muted">{reasonWords(view.counterSignals)}</ul>
                </>
              )}
            </section>
          );
        })}
      </div>
    </div>
  );
}

export function ItemDetail({
  detail,
  onOpenRelated,
}: {
  detail: ModerationItemDetail;
  onOpenRelated(account: RelatedAccountView): void;
}) {
  const { t, fmt } = useI18n();
  const { user, item, evidence: e } = detail;
  return (
    <div className="mod-detail-body">
      <p className="mod-user-line" data-testid="detail-user">
        {t('moderation.detail.user', {
          name: user.maskedName,
          gender: codeText(t, 'gender', user.gender),
          age: user.ageBand,
          city: user.city,
          district: user.district ?? '',
          month: user.registeredMonth,
        })}
      </p>
      <p className="small mod-account-id">
        <span className="muted">{t('moderation.detail.accountId')}</span>{' '}
        <CopyId id={user.userId} testId="detail-account-id" />
      </p>
      <h3 className="small">{t('moderation.detail.assessment')}</h3>
      <Assessment detail={detail} />
      <h3 className="small">{t('moderation.detail.reasons')}</h3>
      <ul className="mod-reason-list" data-testid="detail-reasons">
        {item.reasons.map((r) => (
          <li key={r} data-reason={r}>
            {codeText(t, 'flagReason', r)}
          </li>
        ))}
      </ul>
      {Object.keys(detail.figures).length > 0 && (
        <dl className="facts mod-figures">
          {Object.entries(detail.figures).map(([k, v]) => (
            <div key={k}>
              <dt className="small">{codeText(t, 'figure', k)}</dt>
              <dd>{isShare(k) ? fmt.percent(v) : fmt.decimal(v)}</dd>
            </div>
          ))}
        </dl>
      )}
      {detail.pricePoints.length > 0 && (
        <p className="small" data-testid="detail-price-points">
          <strong>{t('moderation.detail.pricePoints')}:</strong>{' '}
          {detail.pricePoints.map((p) => `${fmt.money(p.amountFen)} ×${p.count}`).join(' · ')}
        </p>
      )}
      <h3 className="small">{t('moderation.detail.evidence')}</h3>
      <Section title={t('moderation.detail.greetings')} count={e.greetings.length} testId="detail-greetings">
        <ul className="mod-timeline">
          {e.greetings.map((g) => (
            <li key={g.id}>
              <ActivityRow entry={{ kind: 'greeting', ...g }} />
            </li>
          ))}
        </ul>
      </Section>
      <Section title={t('moderation.detail.transfers')} count={e.transfers.length} testId="detail-transfers">
        <ul className="mod-timeline">
          {e.transfers.map((x) => (
            <li key={x.id}>
              <ActivityRow entry={{ kind: 'transfer', ...x }} />
            </li>
          ))}
        </ul>
      </Section>
      <Section title={t('moderation.detail.reports')} count={e.reports.length} testId="detail-reports">
        <ul className="mod-timeline">
          {e.reports.map((r) => (
            <li key={r.id}>
              <ActivityRow entry={{ kind: 'report', ...r }} />
            </li>
          ))}
        </ul>
      </Section>
      <RelatedAccounts related={detail.related} onOpen={onOpenRelated} />
      <AccountTimeline key={item.flagId} flagId={item.flagId} first={detail.timeline} />
      <Section title={t('moderation.detail.decisions')} count={detail.decisions.length} testId="detail-decisions">
        <ul className="mod-timeline">
          {detail.decisions.map((d) => (
            <li key={d.id} className={d.undone ? 'undone' : ''}>
              <span className="muted small">
                #{d.id} · {fmt.dateTime(d.decidedAt * 1000)} · {d.operator}
              </span>{' '}
              {t(actionKey(d.action))}
              {d.action !== 'undo' && <> · {t(decisionReasonKey(d.reasonCode))}</>}
              {d.undone && <span className="muted small"> · {t('moderation.detail.undone')}</span>}
              {d.note.text && (
                <>
                  {' '}
                  · <Masked value={d.note} />
                </>
              )}
            </li>
          ))}
        </ul>
      </Section>
    </div>
  );
}
