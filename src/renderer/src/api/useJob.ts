import { useEffect, useRef, useState } from 'react';
import type { JobProgress } from '../../../shared/progress';
import { call, onEvent } from './client';

/**
 * The latest job of one kind, live from main's `job.progress` events (and `jobs.list` on mount, so a page opened
 * mid-import shows the running job). `onFinished` runs once when a job of this kind leaves 'running'.
 */
export function useJob(kind: JobProgress['kind'], onFinished?: (job: JobProgress) => void): JobProgress | null {
  const [job, setJob] = useState<JobProgress | null>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;

  useEffect(() => {
    let alive = true;
    call('jobs.list', {})
      .then(({ jobs }) => {
        const latest = jobs.find((j) => j.kind === kind);
        if (alive && latest) setJob((current) => current ?? latest);
      })
      .catch(() => {});
    const off = onEvent('job.progress', (p) => {
      if (p.kind !== kind) return;
      setJob(p);
      if (p.state !== 'running') finished.current?.(p);
    });
    return () => {
      alive = false;
      off();
    };
  }, [kind]);

  return job;
}
