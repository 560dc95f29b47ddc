import { useState } from 'react';
import type { MatchRunView, PublicationView } from '../../../../shared/contract';
import { DROP_REASONS, type DropReason } from '../../../../shared/domain/publication';
import { useCallQuery } from '../../api/queries';
import { useAction } from '../../api/useAction';
import { ErrorNote } from '../../components/ErrorNote';
import type { MessageKey } from '../../i18n/catalogue';
import { useI18n } from '../../i18n/I18nProvider';
import { Dialog } from '../../components/Dialog';

/** Every drop reason has its words: a reason without them is a compile error. */
const DROP_WORDS: { [R in DropReason]: MessageKey } = {
  account_gone: 'matching.drop.account_gone',
  upstream_status: 'matching.drop.upstream_status',
  consent: 'matching.drop.consent',
  real_name: 'matching.drop.real_name',
  age: 'matching.drop.age',
  moderation: 'matching.drop.moderation',
  introduced_that_day: 'matching.drop.introduced_that_day',
  preferences: 'matching.drop.preferences',
  blocked: 'matching.drop.blocked',
  introduced_before: 'matching.drop.introduced_before',
};

/** Pairs dropped at the re-check, by reason (only the reasons that dropped any). */
function DroppedList({ dropped, testId }: { dropped: Record<DropReason, number>; testId: string }) {
  const { t, fmt } = useI18n();
  const reasons = DROP_REASONS.filter((r) => dropped[r] > 0);
  if (reasons.length === 0)
    return (
      <p className="small muted" data-testid={`${testId}-none`}>
        {t('matching.publish.droppedNone')}
      </p>
    );
  return (
    <ul className="small" data-testid={testId}>
      {reasons.map((r) => (
        <li key={r} data-testid={`${testId}-${r}`} data-count={dropped[r]}>
          {t('matching.publish.droppedItem', { reason: t(DROP_WORDS[r]), count: fmt.integer(dropped[r]) })}
        </li>
      ))}
    </ul>
  );
}

function PublicationFacts({ p }: { p: PublicationView }) {
  const { t, fmt } = useI18n();
  const dropped = DROP_REASONS.reduce((n, r) => n + p.dropped[r], 0);
  return (
    <div data-testid="publication" data-written={p.written} data-dropped={dropped}>
      <p>
        {t('matching.publish.done', {
          at: fmt.dateTime(p.publishedAt),
          operator: p.operator,
          written: fmt.integer(p.written),
          dropped: fmt.integer(dropped),
        })}
      </p>
      <DroppedList dropped={p.dropped} testId="publication-dropped" />
    </div>
  );
}

/**
 * Confirming a publication: main re-checks the run against the mirror as the dialog opens and shows what would
 * be written and dropped; publishing re-checks again at that moment (what it writes is what the result says).
 */
function PublishDialog({ run, onClose }: { run: MatchRunView; onClose(): void }) {
  const { t, fmt } = useI18n();
  const check = useCallQuery(
    'matching.publishCheck',
    { date: run.date, runId: run.id },
    { placeholderData: undefined, gcTime: 0 },
  );
  const publish = useAction('matching.publish');
  const c = check.data ?? null;
  return (
    <Dialog
      titleId="publish-title"
      testId="publish-dialog"
      onClose={onClose}
      data-state={c ? 'ready' : 'loading'}
      data-passing={c?.passing ?? ''}
      data-introductions={c?.introductions ?? ''}
      onSubmit={() => {
        if (c) void publish.run({ date: run.date, runId: run.id }).then((r) => r && onClose());
      }}
    >
      <h2 id="publish-title">{t('matching.publish.title', { date: run.date, id: run.id })}</h2>
      <p className="small muted">{t('matching.publish.help')}</p>
      {check.error && <ErrorNote error={check.error} />}
      {!c && !check.error && <p className="muted">{t('matching.publish.checking')}</p>}
      {c && (
        <>
          <p data-testid="publish-counts">
            {t('matching.publish.counts', {
              introductions: fmt.integer(c.introductions),
              passing: fmt.integer(c.passing),
              dropped: fmt.integer(c.introductions - c.passing),
            })}
          </p>
          <DroppedList dropped={c.dropped} testId="publish-dropped" />
        </>
      )}
      {publish.error && <ErrorNote error={publish.error} />}
      <div className="row dialog-buttons">
        <button type="button" onClick={onClose} data-testid="publish-cancel">
          {t('matching.publish.cancel')}
        </button>
        <button type="submit" className="primary" disabled={!c || publish.busy} data-testid="publish-confirm">
          {t('matching.publish.confirm')}
        </button>
      </div>
    </Dialog>
  );
}

/** A run's publication, or the way to publish it: a lead confirms the counts; a reviewer sees why not. */
export function PublishPanel({ run, isLead }: { run: MatchRunView; isLead: boolean }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  if (run.status !== 'completed' && run.status !== 'superseded') return null;
  if (run.publication) return <PublicationFacts p={run.publication} />;
  if (run.datePublishedBy !== null)
    return (
      <p className="small muted" data-testid="publish-other-run">
        {t('matching.publish.otherRun', { date: run.date, id: run.datePublishedBy })}
      </p>
    );
  return (
    <div className="publish" data-testid="publish">
      <button
        type="button"
        className="primary"
        disabled={!isLead}
        data-testid="publish-open"
        onClick={() => setOpen(true)}
      >
        {t('matching.publish.button')}
      </button>
      {!isLead && (
        <p className="small muted" data-testid="publish-lead-only">
          {t('matching.publish.leadOnly')}
        </p>
      )}
      {open && <PublishDialog run={run} onClose={() => setOpen(false)} />}
    </div>
  );
}
