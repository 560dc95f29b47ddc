import { withOperator } from './guards';
import type { Handlers } from './table';

export const jobHandlers: Handlers<'jobs.list' | 'jobs.cancel'> = {
  'jobs.list': withOperator((_input, { services }) => ({ jobs: services.jobs.list() })),
  // Whose job it is decides who may cancel it (the registry: its starter, or a lead); the registry writes
  // 'job.cancel' naming who cancelled once the job has ended, its worker's own row naming whose it was.
  'jobs.cancel': withOperator((input, { services, operator }) => ({
    cancelled: services.jobs.cancel(input.jobId, operator),
  })),
};
