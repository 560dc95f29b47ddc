import { withOperator } from './guards';
import type { Handlers } from './table';
import { startedTuningSession } from './tuning';

export const jobHandlers: Handlers<'jobs.list' | 'jobs.cancel'> = {
  'jobs.list': withOperator((_input, { services }) => ({ jobs: services.jobs.list() })),
  // Whose job it is decides who may cancel it (the registry: its starter, or a lead); the registry writes
  // 'job.cancel' naming who cancelled once the job has ended, its worker's own row naming whose it was.
  // The rules page's what-if cache build is no registry job but is shown as one (kind 'tune'): the session stops
  // it. It is the console's shared preview, which any operator may open or rebuild, so any operator may stop it.
  'jobs.cancel': withOperator((input, { services, operator }) => ({
    cancelled: startedTuningSession(services)?.cancel(input.jobId) ?? services.jobs.cancel(input.jobId, operator),
  })),
};
