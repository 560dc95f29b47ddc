import type { JobProgress } from '../../../shared/progress';
import { useAction } from '../api/useAction';
import type { MessageKey } from '../i18n/catalogue';
import { useI18n } from '../i18n/I18nProvider';
import { ErrorNote } from './ErrorNote';

/** Phase names main reports (see the workers); unknown ones — export file names — are shown as they are. */
const PHASES: Record<string, MessageKey> = {
  starting: 'job.phase.starting',
  done: 'job.phase.done',
  city: 'job.phase.city',
  transactions: 'job.phase.transactions',
  'transfers and greetings': 'job.phase.social',
  'load users': 'job.phase.loadUsers',
  'load transactions': 'job.phase.loadTransactions',
  'index places': 'job.phase.indexPlaces',
  candidates: 'job.phase.candidates',
  explain: 'job.phase.explain',
  'reading transfers': 'job.phase.readingTransfers',
  'reading greetings': 'job.phase.readingGreetings',
  'near-duplicate greetings': 'job.phase.nearDuplicates',
  'writing flags': 'job.phase.writingFlags',
  'waiting for the mirror': 'job.phase.waitingForMirror',
};

function usePhaseText(): (phase: string) => string {
  const { t } = useI18n();
  const text = (phase: string): string => {
    if (phase.startsWith('generate ')) return t('job.phase.generate', { what: text(phase.slice('generate '.length)) });
    const indexing = /^(.+): indexing$/.exec(phase);
    if (indexing) return t('job.phase.indexing', { file: indexing[1]! });
    const removing = /^(.+): removing$/.exec(phase);
    if (removing) return t('job.phase.removing', { file: removing[1]! });
    const key = PHASES[phase];
    return key ? t(key) : phase;
  };
  return text;
}

/** A long job's progress, with cancel while it runs and its outcome once it ended. */
export function JobProgressBar({ job, testId }: { job: JobProgress; testId: string }) {
  const { t, fmt } = useI18n();
  const phaseText = usePhaseText();
  const cancel = useAction('jobs.cancel');
  // A completed job is whole whatever its last report said (a multi-step job's last step may not report its end).
  const share = job.state === 'completed' ? 1 : job.total ? Math.min(1, job.done / job.total) : null;
  const running = job.state === 'running';
  // Every running job can be stopped, a tuning cache build too (main's tuning session stops it: handlers/jobs.ts).
  const cancellable = running;

  return (
    <div className="job" data-testid={testId} data-state={job.state} data-job-id={job.jobId}>
      <div className="job-line">
        <span>
          {t(`job.state.${job.state}`)} · {phaseText(job.phase)}
        </span>
        <span className="muted">{share === null ? fmt.integer(job.done) : fmt.percent(share)}</span>
        {cancellable && (
          <button
            type="button"
            data-testid={`${testId}-cancel`}
            disabled={cancel.busy}
            onClick={() => void cancel.run({ jobId: job.jobId })}
          >
            {t('job.cancel')}
          </button>
        )}
      </div>
      <div
        className="bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={share === null ? undefined : Math.round(share * 100)}
      >
        <div
          className={`bar-fill ${share === null && running ? 'indeterminate' : ''}`}
          style={{ width: `${share === null ? (running ? 30 : 100) : share * 100}%` }}
        />
      </div>
      {/* Main's message explains a failure; a completed job's results are on the page itself. */}
      {job.message && job.state !== 'completed' && <p className="muted small">{job.message}</p>}
      {/* A refused cancel says why (another operator's job: their name, and that a lead may). */}
      {running && cancel.error && <ErrorNote error={cancel.error} />}
    </div>
  );
}
