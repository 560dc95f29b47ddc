import { type QueryClient, queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useLatest } from '../hooks/useLatest';
import type { CallOutput } from '../../../shared/contract';
import type { JobKind, JobProgress } from '../../../shared/progress';
import { type ApiError, call, onEvent } from './client';
import { jobChanges } from './changes';
import { applyChange, type CallKey, callKey } from './queries';

type JobList = CallOutput<'jobs.list'>;
const JOBS: CallKey<'jobs.list'> = callKey('jobs.list', {});

const ended = (job: JobProgress): boolean => job.state !== 'running';

/** A report of a job, over what the cache knew of it: reports arrive in order, and a job that ended stays ended. */
function report(jobs: readonly JobProgress[], job: JobProgress): JobProgress[] {
  const i = jobs.findIndex((j) => j.jobId === job.jobId);
  if (i < 0) return [job, ...jobs];
  if (ended(jobs[i]!) && !ended(job)) return [...jobs];
  return jobs.map((j, k) => (k === i ? job : j));
}

/**
 * Main's list of jobs (newest first), merged with the reports that arrived while it was being fetched: those are
 * newer than the list unless the list already says the job ended.
 */
function jobsQuery(client: QueryClient) {
  return queryOptions<JobList, ApiError, JobList, CallKey<'jobs.list'>>({
    queryKey: JOBS,
    queryFn: async () => {
      const fetched = (await call('jobs.list', {})).jobs;
      const known = client.getQueryData<JobList>(JOBS)?.jobs ?? [];
      const merged = fetched.map((j) => {
        const k = known.find((x) => x.jobId === j.jobId);
        return k && !(ended(j) && !ended(k)) ? k : j;
      });
      const startedSince = known.filter((k) => !ended(k) && !fetched.some((j) => j.jobId === k.jobId));
      return { jobs: [...startedSince, ...merged] };
    },
    // Kept current by `job.progress` reports (useJobFeed), not by fetching again; never dropped from the cache, so a
    // page opened later still finds the last job of its kind.
    staleTime: Infinity,
    gcTime: Infinity,
  });
}

/**
 * Follows main's `job.progress` reports for the whole console: each report updates the cached job list, and a job
 * that ended invalidates what it changed (`jobChanges`) — an import refreshes every page, detection the queue.
 */
export function useJobFeed(client: QueryClient): void {
  useEffect(() => {
    const off = onEvent('job.progress', (job) => {
      client.setQueryData<JobList>(JOBS, (list) => ({ jobs: report(list?.jobs ?? [], job) }));
      if (ended(job)) void applyChange(client, jobChanges[job.kind]);
    });
    return off;
  }, [client]);
}

/**
 * The jobs main already has (a page opened mid-import shows the running import), fetched once an operator is signed
 * in — main answers nobody else — and again for each sign-in, which starts from an empty cache. The feed above is
 * subscribed from the start, so a job that starts meanwhile is not missed.
 */
export function useJobsOfOperator(operator: string | null): void {
  const client = useQueryClient();
  useEffect(() => {
    if (operator !== null) void client.prefetchQuery(jobsQuery(client));
  }, [client, operator]);
}

/**
 * Calls `onEnded` when a job of this kind ends — for what the page itself holds (a selection to reset); the data
 * the job changed is already being fetched again by the feed.
 */
export function useJobEnded(kind: JobKind, onEnded: (job: JobProgress) => void): void {
  const latest = useLatest(onEnded);
  useEffect(
    () =>
      onEvent('job.progress', (job) => {
        if (job.kind === kind && ended(job)) latest()(job);
      }),
    [kind, latest],
  );
}

/** The latest job of one kind, live. */
export function useJob(kind: JobKind): JobProgress | null {
  const { data } = useQuery({
    ...jobsQuery(useQueryClient()),
    select: (list) => list.jobs.find((j) => j.kind === kind) ?? null,
  });
  return data ?? null;
}
