import type { CallOutput, Operator, ParsedInput } from '../../shared/contract';
import { MODERATION_QUEUES, type ModerationQueue } from '../../shared/domain/moderation';
import { CheckedJson } from '../checked-reply';
import { type Db, openDatabase } from '../db/database';
import { defineWorkerSession } from '../jobs/worker-side';
import type { ReviewReadReply, ReviewReadRequest } from '../jobs/workers';
import { activeClaimant } from '../moderation/claims';
import { currentExclusions } from '../moderation/exclusions';
import { flagAccount, listQueue, queueItemDetail, warmQueueOrders } from '../moderation/queue';
import { nowSeconds } from '../moderation/effective';
import { accountTimeline } from '../moderation/timeline';
import { maskItemDetail, maskQueueItems, maskTimelinePage } from '../privacy/moderation-views';

/**
 * The reads reviewers make all day, off main's loop: queue pages (the page, its tab counts, masked names) and the item
 * pane (evidence, the first timeline page, decisions, price points, related accounts, every greeting searched for
 * contact handles to mask). Each thread has its own read-only connection, masks before anything leaves it
 * (privacy/moderation-views.ts), and checks each answer against the contract and writes it as JSON there
 * (checked-reply.ts), so main only sends it — and keeps answering sessions, status and decisions while these run. Each answer is read in one read transaction, so its parts agree with each other.
 */
function queuePage(db: Db, input: ParsedInput<'moderation.queue'>, operator: Operator, now: number) {
  const holds = currentExclusions(db, now);
  const page = listQueue(db, { ...input, operator, now });
  // Tab counts under the same filter, so the operator sees where the matching items are.
  const counts =
    input.offset > 0
      ? null
      : (Object.fromEntries(
          MODERATION_QUEUES.map((q: ModerationQueue) => [
            q,
            q === input.queue
              ? page.total
              : listQueue(db, { queue: q, filter: input.filter, limit: 1, operator, now }).total,
          ]),
        ) as Record<ModerationQueue, number>);
  return {
    total: page.total,
    counts,
    heldByDetection: input.offset > 0 ? null : holds.heldByDetection.size,
    items: maskQueueItems(db, page.items, operator.name, holds.heldByDetection),
  } satisfies CallOutput<'moderation.queue'>;
}

function itemDetail(db: Db, flagId: number, operator: Operator, now: number): CallOutput<'moderation.item'> {
  const claimedBy = activeClaimant(db, flagId);
  const other = claimedBy !== null && claimedBy !== operator.name ? claimedBy : null;
  const holds = currentExclusions(db, now);
  return maskItemDetail(db, queueItemDetail(db, flagId), other, {
    held: holds.heldByDetection,
    threshold: holds.holdThreshold,
  });
}

function read(db: Db, request: ReviewReadRequest): ReviewReadReply {
  return db.transaction((): ReviewReadReply => {
    switch (request.type) {
      case 'queue':
        return {
          type: 'queue',
          json: CheckedJson.write('moderation.queue', queuePage(db, request.input, request.operator, request.now)),
        };
      case 'item':
        return {
          type: 'item',
          json: CheckedJson.write('moderation.item', itemDetail(db, request.flagId, request.operator, request.now)),
        };
      case 'timeline': {
        const userId = flagAccount(db, request.flagId);
        const page = maskTimelinePage(db, userId, accountTimeline(db, userId, request.cursor));
        return { type: 'timeline', json: CheckedJson.write('moderation.timeline', page) };
      }
    }
  })();
}

defineWorkerSession('review-reads', ({ dbPath }) => {
  const db = openDatabase(dbPath, { readonly: true });
  // The thread's first queue order and holds are computed now, before a reviewer waits on them (and warm the page
  // cache); a commit later recomputes them at the next page, as always.
  db.transaction(() => {
    currentExclusions(db, nowSeconds());
    warmQueueOrders(db);
  })();
  return async (request) => read(db, request);
});
