import { withOperator } from './guards';
import type { Handlers } from './table';

export const jobHandlers: Handlers<'jobs.list' | 'jobs.cancel'> = {
  'jobs.list': withOperator((_input, { services }) => ({ jobs: services.jobs.list() })),
  'jobs.cancel': withOperator((input, { services }) => ({ cancelled: services.jobs.cancel(input.jobId) })),
};
