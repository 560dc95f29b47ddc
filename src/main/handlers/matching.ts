import type { MatchRunView } from '../../shared/contract';
import { DomainError } from '../../shared/envelope';
import { requireOperator } from '../dispatch';
import { activeRuleSet, type MatchRunRecord, readRun } from '../engine';
import { listMatchRuns, pageRunIntroductions } from '../engine/run-queries';
import type { Handlers } from './table';
import { INTERRUPTED } from '../runs/interrupted';

function toView(run: MatchRunRecord): MatchRunView {
  const s = run.summary;
  const complete = run.status === 'completed' || run.status === 'superseded';
  return {
    id: run.id,
    date: run.date,
    rulesetVersion: run.rulesetVersion,
    operator: run.operator,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    status: run.status === 'failed' && run.error === INTERRUPTED ? 'interrupted' : run.status,
    error: run.error,
    summary:
      complete && s.eligibleUsers !== undefined
        ? {
            eligibleUsers: s.eligibleUsers,
            candidateUsers: s.candidateUsers ?? 0,
            introductions: s.introductions ?? 0,
            matchedShare: s.matchedShare ?? 0,
            meanScore: s.meanScore ?? 0,
            totalScore: s.totalScore ?? 0,
            upperBound: s.upperBound ?? 0,
            boundRatio: s.boundRatio ?? 0,
            windowTransactions: s.windowTransactions ?? 0,
            accumulatorUpdates: s.accumulatorUpdates ?? 0,
            heldByDetection: s.heldByDetection ?? 0,
            phasesMs: s.phasesMs ?? {},
          }
        : null,
  };
}

export const matchingHandlers: Handlers<
  'matching.runs' | 'matching.start' | 'matching.introductions' | 'matching.activeRuleSet'
> = {
  'matching.runs': (input, services) => ({ runs: listMatchRuns(services.db, input.limit).map(toView) }),
  'matching.start': (input, services) => {
    const operator = requireOperator(services);
    const { jobId } = services.jobs.start({
      kind: 'match',
      worker: 'match',
      dbPath: services.dbPath,
      input: { date: input.date, operator: operator.name },
      onResult: (summary) =>
        `run ${summary.runId}: ${summary.introductions} introductions, ${(summary.matchedShare * 100).toFixed(1)}% of ${summary.eligibleUsers} eligible users matched`,
    });
    return { jobId };
  },
  'matching.introductions': (input, services) => {
    if (!readRun(services.db, input.runId))
      throw new DomainError('NOT_FOUND', `there is no matching run ${input.runId}`);
    return pageRunIntroductions(services.db, input.runId, input.offset, input.limit);
  },
  'matching.activeRuleSet': (_input, services) => activeRuleSet(services.db),
};
