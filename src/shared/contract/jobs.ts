import { z } from 'zod';
import { jobProgressSchema } from '../progress';
import { call } from './call';

/** Long jobs (import, matching, detection) run in worker threads; these calls watch and cancel them. */
export const jobCalls = {
  'jobs.list': call(z.object({}).strict(), z.object({ jobs: z.array(jobProgressSchema) })),
  'jobs.cancel': call(z.object({ jobId: z.string().min(1).max(64) }).strict(), z.object({ cancelled: z.boolean() })),
};
