import type { Handlers } from './table';

export const jobHandlers: Handlers<'jobs.list' | 'jobs.cancel'> = {
  'jobs.list': (_input, services) => ({ jobs: services.jobs.list() }),
  'jobs.cancel': (input, services) => ({ cancelled: services.jobs.cancel(input.jobId) }),
};
