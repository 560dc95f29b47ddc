import { defineWorkerJob } from '../jobs/worker-job';
import { DomainError } from '../../shared/envelope';

/**
 * Test fixture for the job runner (never bundled: electron.vite.config.ts skips `fixture-*`). Counts to `n` in
 * batches, reporting progress and honouring cancel, or fails with a coded error on request.
 */
defineWorkerJob<{ n: number; failWith?: string; spinUntilCancelled?: boolean }, { counted: number }>((input, ctx) => {
  if (input.failWith) throw new DomainError('CONFLICT', input.failWith);
  let counted = 0;
  for (;;) {
    ctx.progress.throwIfCancelled();
    if (!input.spinUntilCancelled && counted >= input.n) break;
    counted += 1;
    ctx.progress.report('counting', counted, input.spinUntilCancelled ? null : input.n);
  }
  return { counted };
});
