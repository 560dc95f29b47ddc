import path from 'node:path';
import type { QueueFilter, SavedView } from '../../shared/contract';
import { DAY_SECONDS } from '../../shared/domain/platform-time';
import { GROUND_TRUTH_FILE } from '../../shared/domain/export-format';
import { DomainError } from '../../shared/envelope';
import { claim, releaseClaim } from '../moderation/claims';
import { type BulkSelection, bulkDecide, decide, previewBulk, undo, undoBulk } from '../moderation/decisions';
import { runWorkerJob } from '../jobs/run-worker-job';
import {
  createSavedView,
  deleteSavedView,
  listSavedViews,
  type SavedView as StoredView,
} from '../moderation/saved-views';
import { importedFrom, lastImportedExportDir } from '../mirror/import';
import { CALLER_FILE_MAX_BYTES, CallerFileError, checkCallerFile } from '../util/caller-file';
import { maskDecision } from '../privacy/moderation-views';
import type { AppServices } from '../services';
import type { OperatorContext } from './context';
import { withOperator } from './guards';
import type { Handlers } from './table';
import { say } from '../../shared/error-says';
import { oneAtATime } from '../jobs/one-at-a-time';

type ModerationCall =
  | 'moderation.startDetection'
  | 'moderation.queue'
  | 'moderation.item'
  | 'moderation.timeline'
  | 'moderation.claim'
  | 'moderation.release'
  | 'moderation.decide'
  | 'moderation.undo'
  | 'moderation.undoBulk'
  | 'moderation.bulkPreview'
  | 'moderation.bulkApply'
  | 'moderation.views'
  | 'moderation.createView'
  | 'moderation.deleteView'
  | 'moderation.evaluate';

/**
 * Decisions reach the outbox beside the mirror in batches through the console's one outbox writer (the decisions of a
 * short span in one file); it is told once the call's transaction (the decisions and their audit rows) has committed.
 */
function tellOutboxAfterCommit({ services, afterCommit }: OperatorContext): void {
  afterCommit(() => services.outbox.decisionsChanged());
}

/** Ground truth in a generated export (DATA-FORMAT.md): never imported, read only by an evaluation. */
const LABELS_FILE = `${GROUND_TRUTH_FILE.name}.jsonl`;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Expiry from a number of days chosen in the UI, counted on main's clock (the renderer's may be wrong). */
const expiresAt = (days: number | undefined): number | undefined =>
  days === undefined ? undefined : nowSeconds() + days * DAY_SECONDS;

// Stored filters were validated against the contract's filter schema when the view was created.
const toView = (v: StoredView): SavedView => ({
  id: v.id,
  name: v.name,
  createdBy: v.createdBy,
  queue: v.queue,
  filter: v.filter as QueueFilter,
  sort: v.sort,
});

export const moderationHandlers: Handlers<ModerationCall> = {
  'moderation.startDetection': withOperator((_input, { services, operator }) => {
    // The run audits itself (start, end) in the operator's name, whichever entry point starts it.
    const { jobId } = services.jobs.start({
      kind: 'detect',
      worker: 'detect',
      dbPath: services.dbPath,
      input: { operator: operator.name },
      startedBy: operator.name,
      onResult: (s) => `${s.usersScored} accounts scored: ${s.newFlags} new flags, ${s.updatedFlags} updated`,
    });
    return { jobId };
  }),

  // Reviewers' reads are the heaviest calls and the most frequent: they run on the review-reads workers
  // (jobs/review-reads.ts), masked there; main's loop only waits, serving other calls meanwhile.
  'moderation.queue': withOperator((input, { services, operator }) =>
    services.reviewReads.queue(input, operator, nowSeconds()),
  ),

  'moderation.item': withOperator((input, { services, operator }) =>
    services.reviewReads.item(input.flagId, operator, nowSeconds()),
  ),

  'moderation.timeline': withOperator((input, { services }) =>
    services.reviewReads.timeline(input.flagId, input.cursor),
  ),

  'moderation.claim': withOperator((input, { services, operator }) => {
    const row = claim(services.db, input.flagId, operator);
    return { flagId: row.flag_id, operator: row.operator, claimedAt: row.claimed_at };
  }),

  'moderation.release': withOperator((input, { services, operator }) => ({
    released: releaseClaim(services.db, input.flagId, operator),
  })),

  'moderation.decide': withOperator(
    (input, ctx) => {
      tellOutboxAfterCommit(ctx);
      const row = decide(
        ctx.services.db,
        {
          flagId: input.flagId,
          action: input.action,
          reasonCode: input.reasonCode,
          note: input.note,
          expiresAt: expiresAt(input.expiresInDays),
          ...(input.seenDecisionId !== undefined ? { seenDecisionId: input.seenDecisionId } : {}),
        },
        ctx.operator,
        {},
      );
      return maskDecision({ ...row });
    },
    {
      audited: 'moderation.decide',
      facts: (input, out) => ({
        subject: String(out.id),
        details: { flagId: input.flagId, action: input.action, reasonCode: input.reasonCode },
      }),
    },
  ),

  'moderation.undo': withOperator(
    (input, ctx) => {
      tellOutboxAfterCommit(ctx);
      const row = undo(ctx.services.db, input.decisionId, ctx.operator, {
        note: input.note,
      });
      return maskDecision({ ...row });
    },
    {
      audited: 'moderation.undo',
      facts: (input, out) => ({ subject: String(out.id), details: { reverses: input.decisionId } }),
    },
  ),

  'moderation.undoBulk': withOperator(
    (input, ctx) => {
      tellOutboxAfterCommit(ctx);
      return undoBulk(ctx.services.db, input.bulkId, ctx.operator, {
        ...(input.note !== undefined ? { note: input.note } : {}),
      });
    },
    {
      audited: 'moderation.undoBulk',
      facts: (input, out) => ({ subject: out.bulkId, details: { reverses: input.bulkId, undone: out.undone } }),
    },
  ),

  'moderation.bulkPreview': withOperator((input, { services, operator }) =>
    previewBulk(services.db, input.selection as BulkSelection, operator),
  ),

  // Reviewers may apply a bulk action to at most REVIEWER_BULK_LIMIT accounts (checked inside, on what is really
  // selected); leads to any number.
  'moderation.bulkApply': withOperator(
    (input, ctx) => {
      tellOutboxAfterCommit(ctx);
      const result = bulkDecide(
        ctx.services.db,
        input.selection as BulkSelection,
        {
          action: input.action,
          reasonCode: input.reasonCode,
          note: input.note,
          expiresAt: expiresAt(input.expiresInDays),
        },
        ctx.operator,
        {
          expected: { accounts: input.expectedAccounts, selectionKey: input.selectionKey },
        },
      );
      return { bulkId: result.bulkId, decisions: result.decisions, accounts: result.accounts };
    },
    {
      audited: 'moderation.bulk',
      facts: (input, out) => ({
        subject: out.bulkId,
        details: {
          action: input.action,
          reasonCode: input.reasonCode,
          decisions: out.decisions,
          accounts: out.accounts,
        },
      }),
    },
  ),

  'moderation.views': withOperator((_input, { services }) => ({
    views: listSavedViews(services.db).map(toView),
  })),

  'moderation.createView': withOperator((input, { services, operator }) =>
    toView(
      createSavedView(
        services.db,
        input.name,
        { queue: input.queue, filter: input.filter, sort: input.sort },
        operator,
      ),
    ),
  ),

  'moderation.deleteView': withOperator((input, { services, operator }) => {
    deleteSavedView(services.db, input.id, operator);
    return { deleted: true };
  }),

  'moderation.evaluate': withOperator(async (input, { services, session }) => {
    const file = labelsFileOf(services, input.labelsFile);
    // A scoring pass over the whole mirror: in a worker, so main keeps answering while it runs. A coded error
    // (a bad labels line names its line) keeps its code across the thread: see jobs/protocol.ts.
    return oneAtATime(session.id, 'evaluation', () =>
      runWorkerJob('evaluate', {
        dbPath: services.dbPath,
        input: { labelsFile: file },
      }),
    );
  }),
};

/**
 * The labels file an evaluation from the console reads: the labels.jsonl of an export directory this mirror
 * imported (the last one when none is named). Any other path gets one answer, decided before anything on disk is
 * looked at, so a caller learns nothing about what exists elsewhere (/etc/shadow and /nonexistent alike). Inside an
 * imported export, the file must be a plain file within its cap (../util/caller-file.ts).
 */
function labelsFileOf(services: AppServices, named: string | undefined): string {
  let file: string;
  if (named === undefined) {
    const dir = lastImportedExportDir(services.db);
    if (dir === null)
      throw new DomainError(
        'NOT_FOUND',
        'nothing has been imported yet: give the path of a labels.jsonl',
        say('nothingImported', {}),
      );
    file = path.join(dir, LABELS_FILE);
  } else {
    file = path.resolve(named);
    if (path.basename(file) !== LABELS_FILE || !importedFrom(services.db, path.dirname(file)))
      throw new DomainError(
        'NOT_FOUND',
        'labels are read only from the labels.jsonl of an export directory this mirror imported',
        say('labelsOutsideImports', {}),
      );
  }
  try {
    checkCallerFile(file, CALLER_FILE_MAX_BYTES.labels);
  } catch (err) {
    if (err instanceof CallerFileError && err.reason === 'missing')
      throw new DomainError('NOT_FOUND', err.message, say('labelsMissing', { path: file }));
    throw err;
  }
  return file;
}
