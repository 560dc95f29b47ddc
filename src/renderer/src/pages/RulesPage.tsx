import { roleAtLeast } from '../../../shared/domain/operator-roles';
import { useSignedIn } from '../session/signed-in';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TuningStateView } from '../../../shared/contract';
import { loosenedLimits, type RuleSet } from '../../../shared/domain/ruleset';
import { useJob } from '../api/jobs';
import { useCallQuery } from '../api/queries';
import { useAction } from '../api/useAction';
import { ErrorNote } from '../components/ErrorNote';
import { RunDateField, useRunDate } from '../components/RunDate';
import { useLatest } from '../hooks/useLatest';
import { JobProgressBar } from '../components/JobProgressBar';
import { useI18n } from '../i18n/I18nProvider';
import { RuleEditor } from './rules/RuleEditor';
import { ShadowPanel } from './rules/ShadowPanel';
import { useWhatIf } from './rules/useWhatIf';
import { VersionsPanel } from './rules/VersionsPanel';
import { WhatIfPanel } from './rules/WhatIfPanel';

/**
 * The what-if cache's state in main, re-read while it builds (its progress also arrives as job.progress); opening a
 * date and the end of a build fetch it again (api/changes.ts).
 */
function useTuningState(): TuningStateView | null {
  const state = useCallQuery(
    'tuning.state',
    {},
    {
      refetchInterval: (q) => (q.state.status === 'error' ? 1000 : q.state.data?.state === 'building' ? 400 : false),
    },
  );
  return state.data ?? null;
}

export function RulesPage() {
  const { t } = useI18n();
  const operator = useSignedIn();
  const isLead = roleAtLeast(operator.role, 'lead');
  const active = useCallQuery('matching.activeRuleSet', {});
  // The draft is the active rule set (following it) until the operator edits it.
  const [edited, setEdited] = useState<RuleSet | null>(null);
  const draft = edited ?? active.data?.ruleSet ?? null;
  const { date, setDate } = useRunDate();
  const open = useAction('tuning.open');
  const noteRef = useRef<HTMLInputElement>(null);
  const tuning = useTuningState();
  const job = useJob('tune');
  const ready = tuning?.state === 'ready' && tuning.date === date;
  const whatIf = useWhatIf(draft, ready);

  // Arriving keeps a cache main already holds for the date; the button (an explicit ask) always rebuilds it.
  const openPreview = open.run;
  // Open the preview for the suggested date (the day after the mirror's data ends) once it is known on arrival;
  // later dates are opened with the button.
  const openedOnArrival = useRef(false);
  useEffect(() => {
    if (date === null || openedOnArrival.current) return;
    openedOnArrival.current = true;
    void openPreview({ date, reload: false });
  }, [date, openPreview]);

  const reset = useCallback(() => setEdited(null), []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!e.altKey) return;
      if (e.key === 'r' || e.key === 'R' || e.code === 'KeyR') {
        e.preventDefault();
        reset();
      } else if (e.key === 's' || e.key === 'S' || e.code === 'KeyS') {
        e.preventDefault();
        noteRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [reset]);

  const latestDraft = useLatest(draft);
  const getDraft = useCallback((): RuleSet => latestDraft()!, [latestDraft]);
  const dirty =
    draft !== null && active.data !== undefined && JSON.stringify(draft) !== JSON.stringify(active.data.ruleSet);
  const tuningJob = job && job.jobId.startsWith('tuning-') ? job : null;

  return (
    <section
      className="page"
      data-testid="page-rules"
      data-state={active.data && draft ? 'ready' : 'loading'}
      data-tuning={tuning?.state ?? 'idle'}
    >
      <header className="page-header">
        <h1>{t('rules.title')}</h1>
        <span className="small muted" data-testid="rules-active-version">
          {active.data
            ? active.data.version === null
              ? t('rules.activeDefaults')
              : t('rules.activeVersion', { version: active.data.version })
            : ''}
        </span>
      </header>
      <p className="small muted" data-testid="rules-shortcuts">
        {t('rules.shortcuts')}
      </p>
      {active.error && <ErrorNote error={active.error} onRetry={() => void active.refetch()} />}
      <div className="card">
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (date) void openPreview({ date, reload: true });
          }}
        >
          <RunDateField label={t('rules.date')} date={date} onChange={setDate} testId="rules-date" />
          <button type="submit" data-testid="rules-open">
            {t('rules.open')}
          </button>
          <span className="grow" />
          <span className="small" data-testid="rules-dirty" data-dirty={dirty}>
            {dirty ? t('rules.dirty') : t('rules.clean')}
          </span>
          <button type="button" onClick={reset} disabled={!dirty} data-testid="rules-reset" aria-keyshortcuts="Alt+R">
            {t('rules.reset')}
          </button>
        </form>
        {open.error && <ErrorNote error={open.error} />}
        {tuning?.state === 'building' && (
          <p className="small muted">{t('rules.building', { date: tuning.date ?? date ?? '' })}</p>
        )}
        {tuning?.state === 'failed' && <p className="error-note">{t('rules.failed', { error: tuning.error ?? '' })}</p>}
        {tuningJob && tuningJob.state === 'running' && <JobProgressBar job={tuningJob} testId="tuning-job" />}
        {draft && active.data && (
          <div style={{ marginTop: 12 }}>
            <RuleEditor
              draft={draft}
              active={active.data.ruleSet}
              recommendedHold={whatIf.result?.heldByDetection.recommended ?? null}
              onChange={setEdited}
            />
          </div>
        )}
      </div>
      <WhatIfPanel result={ready ? whatIf.result : null} pending={!ready || whatIf.pending} error={whatIf.error} />
      {draft && (
        <VersionsPanel
          ref={noteRef}
          getDraft={getDraft}
          loosens={loosenedLimits(draft).length > 0}
          isLead={isLead}
          onLoad={setEdited}
        />
      )}
      {draft && <ShadowPanel getDraft={getDraft} ready={ready} />}
    </section>
  );
}
