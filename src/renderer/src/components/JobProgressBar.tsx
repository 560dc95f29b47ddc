import { useState } from 'react';
import type { JobProgress } from '../../../shared/progress';
import { call } from '../api/client';
import { useI18n } from '../i18n/I18nProvider';

/** A long job's progress, with cancel while it runs and its outcome once it ended. */
export function JobProgressBar({ job, testId }: { job: JobProgress; testId: string }) {
  const { t, fmt } = useI18n();
  const [cancelling, setCancelling] = useState(false);
  const share = job.total ? Math.min(1, job.done / job.total) : null;
  const running = job.state === 'running';

  return (
    <div className="job" data-testid={testId} data-state={job.state} data-job-id={job.jobId}>
      <div className="job-line">
        <span>
          {t(`job.state.${job.state}`)} · {job.phase}
        </span>
        <span className="muted">{share === null ? fmt.integer(job.done) : fmt.percent(share)}</span>
        {running && (
          <button
            type="button"
            data-testid={`${testId}-cancel`}
            disabled={cancelling}
            onClick={() => {
              setCancelling(true);
              void call('jobs.cancel', { jobId: job.jobId }).finally(() => setCancelling(false));
            }}
          >
            {t('job.cancel')}
          </button>
        )}
      </div>
      <div className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={share === null ? undefined : Math.round(share * 100)}>
        <div className={`bar-fill ${share === null && running ? 'indeterminate' : ''}`} style={{ width: `${share === null ? (running ? 30 : 100) : share * 100}%` }} />
      </div>
      {job.message && <p className="muted small">{job.message}</p>}
    </div>
  );
}
