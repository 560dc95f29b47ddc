import { useCallback, useEffect, useRef, useState } from 'react';
import type { TuningStateView } from '../../../shared/contract';
import type { RuleSet } from '../../../shared/domain/ruleset';
import { call } from '../api/client';
import { useCall } from '../api/useCall';
import { useJob } from '../api/useJob';
import { ErrorNote } from '../components/ErrorNote';
import { JobProgressBar } from '../components/JobProgressBar';
import { platformDay } from '../../../shared/domain/platform-time';
import { useI18n } from '../i18n/I18nProvider';
import { RuleEditor } from './rules/RuleEditor';
import { ShadowPanel } from './rules/ShadowPanel';
import { useWhatIf } from './rules/useWhatIf';
import { VersionsPanel } from './rules/VersionsPanel';
import { WhatIfPanel } from './rules/WhatIfPanel';

/** The what-if cache's state in main, re-read while it builds (its progress also arrives as job.progress). */
function useTuningState(date: string, opened: number): TuningStateView | null {
  const [state, setState] = useState<TuningStateView | null>(null);
  const job = useJob('tune');
  useEffect(() => {
    if (opened === 0) return;
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = (): void => {
      call('tuning.state', {})
        .then((s) => {
          if (!alive) return;
          setState(s);
          if (s.state === 'building') timer = setTimeout(poll, 400);
        })
        .catch(() => {
          if (alive) timer = setTimeout(poll, 1000);
        });
    };
    poll();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [date, opened, job?.state]);
  return state;
}

export function RulesPage() {
  const { t } = useI18n();
  const session = useCall('session.get', {});
  const isLead = session.data?.operator?.role === 'lead';
  const [reloadKey, setReloadKey] = useState(0);
  const active = useCall('matching.activeRuleSet', {}, [reloadKey]);
  const [draft, setDraft] = useState<RuleSet | null>(null);
  const [date, setDate] = useState(() => platformDay());
  const [opened, setOpened] = useState(0);
  const [openError, setOpenError] = useState<string | null>(null);
  const noteRef = useRef<HTMLInputElement>(null);
  const tuning = useTuningState(date, opened);
  const job = useJob('tune');
  const ready = tuning?.state === 'ready' && tuning.date === date;
  const whatIf = useWhatIf(draft, ready, `${active.data?.version ?? 'defaults'}:${reloadKey}`);

  // The draft starts as the active rule set (and follows it until the operator edits).
  useEffect(() => {
    if (active.data && draft === null) setDraft(active.data.ruleSet);
  }, [active.data, draft]);

  // Arriving keeps a cache main already holds for the date; the button (an explicit ask) always rebuilds it.
  const openPreview = useCallback((d: string, reload: boolean) => {
    setOpenError(null);
    call('tuning.open', { date: d, reload })
      .then(() => setOpened((n) => n + 1))
      .catch((e: unknown) => setOpenError(e instanceof Error ? e.message : String(e)));
  }, []);
  // Open the preview for today once on arrival; later dates are opened with the button.
  useEffect(() => openPreview(date, false), []); // eslint-disable-line react-hooks/exhaustive-deps

  const reset = useCallback(() => {
    if (active.data) setDraft(active.data.ruleSet);
  }, [active.data]);

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

  const draftRef = useRef(draft);
  draftRef.current = draft;
  const getDraft = useCallback((): RuleSet => draftRef.current!, []);
  const onChanged = useCallback(() => setReloadKey((k) => k + 1), []);
  const dirty = draft !== null && active.data !== null && JSON.stringify(draft) !== JSON.stringify(active.data.ruleSet);
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
      {active.error && <ErrorNote error={active.error} onRetry={active.reload} />}
      <div className="card">
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            openPreview(date, true);
          }}
        >
          <label className="inline">
            {t('rules.date')}
            <input
              type="date"
              value={date}
              onChange={(e) => setDate(e.target.value)}
              required
              data-testid="rules-date"
            />
          </label>
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
        {openError && <p className="error-note">{openError}</p>}
        {tuning?.state === 'building' && (
          <p className="small muted">{t('rules.building', { date: tuning.date ?? date })}</p>
        )}
        {tuning?.state === 'failed' && <p className="error-note">{t('rules.failed', { error: tuning.error ?? '' })}</p>}
        {tuningJob && tuningJob.state === 'running' && <JobProgressBar job={tuningJob} testId="tuning-job" />}
        {draft && active.data && (
          <div style={{ marginTop: 12 }}>
            <RuleEditor draft={draft} active={active.data.ruleSet} onChange={setDraft} />
          </div>
        )}
      </div>
      <WhatIfPanel result={ready ? whatIf.result : null} pending={!ready || whatIf.pending} error={whatIf.error} />
      {draft && (
        <VersionsPanel
          ref={noteRef}
          getDraft={getDraft}
          isLead={isLead}
          onLoad={setDraft}
          onChanged={onChanged}
          reloadKey={reloadKey}
        />
      )}
      {draft && <ShadowPanel getDraft={getDraft} ready={ready} />}
    </section>
  );
}
