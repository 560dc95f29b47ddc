import { describe, expect, it } from 'vitest';
import type { Operator } from '../../shared/contract/app';
import { MODERATION_QUEUES } from '../../shared/domain/moderation';
import { decide } from './decisions';
import { listQueue, queueItemDetail, queueOfFlag, warmQueueOrders } from './queue';
import { mirrorState } from '../db/mirror-state';
import { createSavedView, deleteSavedView, listSavedViews, updateSavedView } from './saved-views';
import { freshDb, seedFlags } from '../testing/moderation-mirror';

const ann: Operator = { name: 'ann', role: 'reviewer' };
const bob: Operator = { name: 'bob', role: 'reviewer' };
const NOW = 1_764_100_000;

describe('queues', () => {
  it('filters by detector, reason, score, age and district, sorts and pages', () => {
    const { db, userIds } = freshDb(20);
    seedFlags(db, userIds.slice(0, 10), 'micro_seller', NOW - 10 * 86400);
    seedFlags(db, userIds.slice(10), 'spammer', NOW - 86400);
    const page = (filter: object, sort: 'score' | 'age' = 'score') =>
      listQueue(db, { queue: 'unreviewed', filter, sort, operator: ann, now: NOW, limit: 5 });
    expect(page({}).total).toBe(20);
    expect(page({}).items).toHaveLength(5);
    expect(page({ detector: 'spammer' }).total).toBe(10);
    expect(page({ reason: 'many_payers' }).total).toBe(20);
    expect(page({ reason: 'links_in_greetings' }).total).toBe(0);
    expect(page({ maxAgeDays: 2 }).total).toBe(10);
    expect(page({ district: 'Xihu' }).items.every((i) => i.district === 'Xihu')).toBe(true);
    const scores = page({}).items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(page({}, 'age').items[0]!.detector).toBe('micro_seller');
    expect(page({ minScore: 0.55 }).items.every((i) => i.score >= 0.55)).toBe(true);
    expect(() => page({ minScore: 2 })).toThrow(/filter\.minScore/);
    expect(() => listQueue(db, { queue: 'nope' as 'held', operator: ann })).toThrow(/queue: must be one of/);
  });

  it('sorts by risk × reach by default: a likely abuser who reached many people comes first', () => {
    const { db, userIds } = freshDb(4);
    const scores = [0.99, 0.6, 0.9, 0.95];
    const reach = [2, 300, 50, 0];
    seedFlags(db, userIds, 'spammer', NOW, { version: 3, score: (i) => scores[i]!, reach: (i) => reach[i]! });
    const order = listQueue(db, { queue: 'unreviewed', operator: ann, now: NOW }).items.map((i) => i.userId);
    expect(order).toEqual(['u1', 'u2', 'u0', 'u3']); // 180, 45, 1.98, 0
    expect(listQueue(db, { queue: 'unreviewed', sort: 'score', operator: ann, now: NOW }).items[0]!.userId).toBe('u0');
  });

  it('an account has one open item; an item merged into another is in no queue', () => {
    const { db, userIds } = freshDb(2);
    const [first] = seedFlags(db, userIds.slice(0, 1), 'micro_seller', NOW);
    expect(() => seedFlags(db, userIds.slice(0, 1), 'spammer', NOW)).toThrow(/UNIQUE/);
    db.prepare(`UPDATE flags SET state = 'resolved' WHERE id = ?`).run(first!);
    const [second] = seedFlags(db, userIds.slice(0, 1), 'spammer', NOW);
    db.prepare(`UPDATE flags SET merged_into = ? WHERE id = ?`).run(second!, first!);
    expect(listQueue(db, { queue: 'resolved', operator: ann, now: NOW }).total).toBe(0);
    expect(listQueue(db, { queue: 'unreviewed', operator: ann, now: NOW }).items.map((i) => i.flagId)).toEqual([
      second,
    ]);
  });
});

describe('saved views', () => {
  it('create, list, update, delete; names unique per operator; others cannot edit', () => {
    const { db } = freshDb(1);
    const v = createSavedView(
      db,
      'hot sellers',
      { queue: 'unreviewed', filter: { detector: 'micro_seller', minScore: 0.8 }, sort: 'score' },
      ann,
      NOW,
    );
    expect(listSavedViews(db)).toEqual([v]);
    expect(() => createSavedView(db, 'hot sellers', { queue: 'held', filter: {}, sort: 'age' }, ann)).toThrow(
      expect.objectContaining({ code: 'CONFLICT' }),
    );
    expect(() =>
      createSavedView(db, 'x', { queue: 'held', filter: { colour: 'red' } as object, sort: 'age' }, ann),
    ).toThrow(/view\.filter\.colour/);
    expect(() => updateSavedView(db, v.id, 'mine now', { queue: 'held', filter: {}, sort: 'age' }, bob)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(updateSavedView(db, v.id, 'held, oldest', { queue: 'held', filter: {}, sort: 'age' }, ann)).toMatchObject({
      name: 'held, oldest',
      queue: 'held',
      sort: 'age',
    });
    deleteSavedView(db, v.id, ann);
    expect(listSavedViews(db)).toEqual([]);
  });
});

describe('the queue of one item', () => {
  it('is the queue that lists it, for every queue, and the account filter finds it there alone', () => {
    const { db, userIds } = freshDb(4);
    const flags = seedFlags(db, userIds, 'micro_seller', NOW - 100);
    const lead: Operator = { name: 'lin', role: 'lead' };
    decide(db, { flagId: flags[1]!, action: 'hold', reasonCode: 'insufficient_evidence' }, lead, { now: NOW });
    decide(db, { flagId: flags[2]!, action: 'escalate', reasonCode: 'needs_lead_review' }, lead, { now: NOW });
    decide(db, { flagId: flags[3]!, action: 'clear', reasonCode: 'false_positive' }, lead, { now: NOW });
    for (const [i, flagId] of flags.entries()) {
      const listedIn = MODERATION_QUEUES.filter((queue) =>
        listQueue(db, { queue, operator: ann, now: NOW, filter: { account: userIds[i]! } }).items.some(
          (item) => item.flagId === flagId,
        ),
      );
      expect(listedIn).toHaveLength(1);
      expect(queueOfFlag(db, flagId)).toBe(listedIn[0]);
    }
    expect(queueOfFlag(db, 999)).toBeNull();
  });
});

describe("an item's price points and related accounts", () => {
  it('are kept per mirror state: the same answer while nothing changes, a transfer shows at the next read', () => {
    const { db, userIds } = freshDb(6);
    const [seller, second, ...buyers] = userIds as [string, string, ...string[]];
    const [flagId] = seedFlags(db, [seller], 'micro_seller', NOW);
    const pay = db.prepare(
      `INSERT INTO transfers (id, from_user, to_user, amount_fen, paid_at, paid_tz, memo) VALUES (?, ?, ?, ?, ?, 480, '')`,
    );
    pay.run('p1', buyers[0], seller, 3900, NOW);
    pay.run('p2', buyers[1], seller, 3900, NOW);
    const first = queueItemDetail(db, flagId!);
    expect(first.pricePoints).toEqual([{ amount_fen: 3900, count: 2 }]);
    expect(first.related).toEqual([]);
    expect(queueItemDetail(db, flagId!).related).toBe(first.related);
    expect(Object.isFrozen(first.related) && Object.isFrozen(first.pricePoints[0])).toBe(true);

    // The same two buyers pay a second account: it is related now, at once.
    pay.run('p3', buyers[0], second, 5000, NOW);
    pay.run('p4', buyers[1], second, 5000, NOW);
    pay.run('p5', buyers[2], seller, 1200, NOW);
    const after = queueItemDetail(db, flagId!);
    expect(after.pricePoints).toEqual([
      { amount_fen: 3900, count: 2 },
      { amount_fen: 1200, count: 1 },
    ]);
    expect(after.related.map((r) => [r.userId, r.reason, r.strength])).toEqual([[second, 'shared_payers', 2]]);
  });
});

describe('warming the queue orders (a review-reads thread as it starts)', () => {
  it('writes nothing and changes no page: a warmed connection answers as a cold one', () => {
    const { db, userIds } = freshDb(12);
    seedFlags(db, userIds, 'spammer', NOW, { version: 3, score: (i) => 0.5 + i / 100, reach: (i) => i });
    const cold = freshDb(12);
    seedFlags(cold.db, cold.userIds, 'spammer', NOW, { version: 3, score: (i) => 0.5 + i / 100, reach: (i) => i });
    const before = mirrorState(db);
    warmQueueOrders(db, NOW);
    expect(mirrorState(db)).toBe(before);
    for (const queue of MODERATION_QUEUES) {
      const page = (d: typeof db) => listQueue(d, { queue, operator: ann, now: NOW, limit: 5, offset: 3 });
      expect(page(db)).toEqual(page(cold.db));
    }
  });
});
