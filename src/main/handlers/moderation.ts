import path from 'node:path';
import type { ModerationQueue, QueueFilter, SavedView } from '../../shared/contract';
import { MODERATION_QUEUES } from '../../shared/domain/moderation';
import { DAY_SECONDS } from '../../shared/domain/platform-time';
import { GROUND_TRUTH_FILE } from '../../shared/domain/export-format';
import { DomainError } from '../../shared/envelope';
import { appendAudit } from '../audit/audit-log';
import { requireOperator } from '../dispatch';
import { activeClaimant, claim, releaseClaim } from '../moderation/claims';
import { type BulkSelection, bulkDecide, decide, previewBulk, undo, undoBulk } from '../moderation/decisions';
import { runWorkerJob } from '../jobs/run-worker-job';
import { matchingExclusions } from '../moderation/exclusions';
import { listQueue, queueItemDetail } from '../moderation/queue';
import {
  createSavedView,
  deleteSavedView,
  listSavedViews,
  type SavedView as StoredView,
} from '../moderation/saved-views';
import { importedFrom, lastImportedExportDir } from '../mirror/import';
import { CALLER_FILE_MAX_BYTES, CallerFileError, checkCallerFile } from '../util/caller-file';
import { maskDecision, maskItemDetail, maskQueueItems } from '../privacy/moderation-views';
import type { AppServices } from '../services';
import type { Handlers } from './table';
import { say } from '../../shared/error-says';
import { oneAtATime } from '../jobs/one-at-a-time';

type ModerationCall =
  | 'moderation.startDetection'
  | 'moderation.queue'
  | 'moderation.item'
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
  'moderation.startDetection': (_input, services) => {
    const operator = requireOperator(services);
    // The run audits itself (start, end) in the operator's name, whichever entry point starts it.
    const { jobId } = services.jobs.start({
      kind: 'detect',
      worker: 'detect',
      dbPath: services.dbPath,
      input: { operator: operator.name },
      onResult: (s) => `${s.usersScored} accounts scored: ${s.newFlags} new flags, ${s.updatedFlags} updated`,
    });
    return { jobId };
  },

  'moderation.queue': (input, services) => {
    const operator = requireOperator(services);
    const now = nowSeconds();
    const holds = matchingExclusions(services.db, now);
    const page = listQueue(services.db, {
      queue: input.queue,
      filter: input.filter,
      sort: input.sort,
      offset: input.offset,
      limit: input.limit,
      operator,
      now,
    });
    // Tab counts under the same filter, so the operator sees where the matching items are.
    const counts =
      input.offset > 0
        ? null
        : (Object.fromEntries(
            MODERATION_QUEUES.map((q: ModerationQueue) => [
              q,
              q === input.queue
                ? page.total
                : listQueue(services.db, { queue: q, filter: input.filter, limit: 1, operator, now }).total,
            ]),
          ) as Record<ModerationQueue, number>);
    return {
      total: page.total,
      counts,
      heldByDetection: input.offset > 0 ? null : holds.heldByDetection.size,
      items: maskQueueItems(services.db, page.items, operator.name, holds.heldByDetection),
    };
  },

  'moderation.item': (input, services) => {
    const operator = requireOperator(services);
    const claimedBy = activeClaimant(services.db, input.flagId);
    const other = claimedBy !== null && claimedBy !== operator.name ? claimedBy : null;
    const holds = matchingExclusions(services.db, nowSeconds());
    return maskItemDetail(services.db, queueItemDetail(services.db, input.flagId), other, {
      held: holds.heldByDetection,
      threshold: holds.holdThreshold,
    });
  },

  'moderation.claim': (input, services) => {
    const row = claim(services.db, input.flagId, requireOperator(services));
    return { flagId: row.flag_id, operator: row.operator, claimedAt: row.claimed_at };
  },

  'moderation.release': (input, services) => {
    releaseClaim(services.db, input.flagId, requireOperator(services));
    return { released: true };
  },

  'moderation.decide': (input, services) => {
    const operator = requireOperator(services);
    const row = decide(
      services.db,
      {
        flagId: input.flagId,
        action: input.action,
        reasonCode: input.reasonCode,
        note: input.note,
        expiresAt: expiresAt(input.expiresInDays),
      },
      operator,
      {},
    );
    // Decisions reach the outbox beside the mirror in batches (the decisions of a short span in one file).
    services.outbox.decisionsChanged();
    return maskDecision({ ...row });
  },

  'moderation.undo': (input, services) => {
    const operator = requireOperator(services);
    const row = undo(services.db, input.decisionId, operator, { note: input.note });
    services.outbox.decisionsChanged();
    return maskDecision({ ...row });
  },

  'moderation.undoBulk': (input, services) => {
    const result = undoBulk(services.db, input.bulkId, requireOperator(services), {
      ...(input.note !== undefined ? { note: input.note } : {}),
    });
    services.outbox.decisionsChanged();
    return result;
  },

  'moderation.bulkPreview': (input, services) =>
    previewBulk(services.db, input.selection as BulkSelection, requireOperator(services)),

  'moderation.bulkApply': (input, services) => {
    const operator = requireOperator(services);
    // The decisions and their audit row are one transaction (a call that meets the write lock leaves neither).
    const result = services.db
      .transaction(() => {
        const applied = bulkDecide(
          services.db,
          input.selection as BulkSelection,
          {
            action: input.action,
            reasonCode: input.reasonCode,
            note: input.note,
            expiresAt: expiresAt(input.expiresInDays),
          },
          operator,
          { expected: { accounts: input.expectedAccounts, selectionKey: input.selectionKey } },
        );
        appendAudit(services.db, {
          operator: operator.name,
          action: 'moderation.bulk',
          subject: applied.bulkId,
          details: {
            action: input.action,
            reasonCode: input.reasonCode,
            decisions: applied.decisions,
            accounts: applied.accounts,
          },
        });
        return applied;
      })
      .immediate();
    services.outbox.decisionsChanged();
    return { bulkId: result.bulkId, decisions: result.decisions, accounts: result.accounts };
  },

  'moderation.views': (_input, services) => {
    requireOperator(services);
    return { views: listSavedViews(services.db).map(toView) };
  },

  'moderation.createView': (input, services) =>
    toView(
      createSavedView(
        services.db,
        input.name,
        { queue: input.queue, filter: input.filter, sort: input.sort },
        requireOperator(services),
      ),
    ),

  'moderation.deleteView': (input, services) => {
    deleteSavedView(services.db, input.id, requireOperator(services));
    return { deleted: true };
  },

  'moderation.evaluate': async (input, services) => {
    requireOperator(services);
    const file = labelsFileOf(services, input.labelsFile);
    // A scoring pass over the whole mirror: in a worker, so main keeps answering while it runs. A coded error
    // (a bad labels line names its line) keeps its code across the thread: see jobs/protocol.ts.
    return oneAtATime(services.session, 'evaluation', () =>
      runWorkerJob('evaluate', {
        dbPath: services.dbPath,
        input: { labelsFile: file },
      }),
    );
  },
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
