import path from 'node:path';
import type { MatchRunView } from '../../shared/contract';
import { DomainError } from '../../shared/envelope';
import { activeRuleSet, type MatchRunRecord, readRun } from '../engine';
import { listMatchRuns, pageRunIntroductions } from '../engine/run-queries';
import { leadOnly, withOperator } from './guards';
import type { Handlers } from './table';
import { INTERRUPTED } from '../runs/interrupted';
import { assertNotPublished, publicationOf, publicationsOfRuns, type PublicationRecord } from '../outbox/ledger';
import { checkPublication, publishDate } from '../outbox/publish';

function toView(
  run: MatchRunRecord,
  publication: PublicationRecord | undefined,
  datePublishedBy: number | null,
): MatchRunView {
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
    publication: publication
      ? {
          date: publication.date,
          runId: publication.runId,
          written: publication.written,
          dropped: publication.dropped,
          operator: publication.operator,
          publishedAt: publication.publishedAt,
        }
      : null,
    datePublishedBy,
  };
}

export const matchingHandlers: Handlers<
  | 'matching.runs'
  | 'matching.start'
  | 'matching.introductions'
  | 'matching.activeRuleSet'
  | 'matching.publishCheck'
  | 'matching.publish'
> = {
  'matching.runs': withOperator((input, { services }) => {
    const runs = listMatchRuns(services.db, input.limit);
    const publications = publicationsOfRuns(
      services.db,
      runs.map((r) => r.id),
    );
    const byDate = new Map<string, number | null>();
    for (const r of runs)
      if (!byDate.has(r.date)) byDate.set(r.date, publicationOf(services.db, r.date)?.runId ?? null);
    return { runs: runs.map((r) => toView(r, publications.get(r.id), byDate.get(r.date) ?? null)) };
  }),
  // The run's own audit rows ('match.start', 'match.complete') are written by the engine with the run, under this
  // operator's name, in the worker's transactions.
  'matching.start': withOperator((input, { services, operator }) => {
    // Refused at once rather than by the worker: a published date is final.
    assertNotPublished(services.db, input.date, `match ${input.date}`);
    const { jobId } = services.jobs.start({
      kind: 'match',
      worker: 'match',
      dbPath: services.dbPath,
      input: { date: input.date, operator: operator.name },
      startedBy: operator.name,
      onResult: (summary) =>
        `run ${summary.runId}: ${summary.introductions} introductions, ${(summary.matchedShare * 100).toFixed(1)}% of ${summary.eligibleUsers} eligible users matched`,
    });
    return { jobId };
  }),
  'matching.introductions': withOperator((input, { services }) => {
    if (!readRun(services.db, input.runId))
      throw new DomainError('NOT_FOUND', `there is no matching run ${input.runId}`);
    return pageRunIntroductions(services.db, input.runId, input.offset, input.limit);
  }),
  'matching.activeRuleSet': withOperator((_input, { services }) => activeRuleSet(services.db)),
  'matching.publishCheck': withOperator((input, { services }) =>
    checkPublication(services.db, input.date, input.runId),
  ),
  // Publishing writes its own audit row ('publish') in the transaction that records the publication, and its file
  // only after that commits (outbox/publish.ts), so it is declared lead-only without the call's audit wrapper.
  'matching.publish': leadOnly((input, { services, operator }) => {
    const result = publishDate(services.db, {
      date: input.date,
      runId: input.runId,
      operator: operator.name,
      outboxDir: services.outboxDir,
    });
    return { ...result, file: path.basename(result.file) };
  }),
};
