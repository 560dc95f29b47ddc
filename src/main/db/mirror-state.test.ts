import { describe, expect, it } from 'vitest';
import type { Operator } from '../../shared/contract/app';
import { decide } from '../moderation/decisions';
import { listQueue } from '../moderation/queue';
import { freshDb, seedFlags } from '../testing/moderation-mirror';
import { openDatabase } from './database';
import { MirrorMemo, mirrorState } from './mirror-state';

const reviewer: Operator = { name: 'ann', role: 'reviewer' };

describe('answers kept while the mirror is unchanged', () => {
  it('the state moves on a write of this connection, committed or rolled back, and on a commit by another', () => {
    const { db, file } = freshDb(2);
    const other = openDatabase(file);
    const before = mirrorState(db);
    expect(mirrorState(db)).toBe(before);
    db.prepare(`UPDATE users SET nickname = 'x' WHERE id = 'u0'`).run();
    const afterOwn = mirrorState(db);
    expect(afterOwn).not.toBe(before);
    try {
      db.transaction(() => {
        db.prepare(`UPDATE users SET nickname = 'y' WHERE id = 'u0'`).run();
        throw new Error('rolled back');
      })();
    } catch {
      // the write was undone, yet a kept answer from inside it must not survive
    }
    const afterRollback = mirrorState(db);
    expect(afterRollback).not.toBe(afterOwn);
    other.prepare(`UPDATE users SET nickname = 'z' WHERE id = 'u1'`).run();
    expect(mirrorState(db)).not.toBe(afterRollback);
    other.close();
    db.close();
  });

  it('computes once per key and state', () => {
    const { db } = freshDb(2);
    const memo = new MirrorMemo<number>();
    let computed = 0;
    const count = () =>
      memo.get(db, 'users', () => (computed++, db.prepare(`SELECT count(*) FROM users`).pluck().get() as number));
    expect([count(), count()]).toEqual([2, 2]);
    expect(computed).toBe(1);
    db.prepare(
      `INSERT INTO users (id, nickname, real_name, phone, id_verified, gender, seeking, birth_year, city, district, registered_at, status)
       SELECT 'u9', nickname, real_name, phone, id_verified, gender, seeking, birth_year, city, district, registered_at, status FROM users WHERE id = 'u0'`,
    ).run();
    expect(count()).toBe(3);
    expect(computed).toBe(2);
    db.close();
  });

  it("a queue page served from the kept order shows another process's decision at once", () => {
    const { db, file, userIds } = freshDb(4);
    const flags = seedFlags(db, userIds.slice(0, 3));
    const page = () => listQueue(db, { queue: 'unreviewed', operator: reviewer }).items.map((i) => i.flagId);
    expect(page().sort()).toEqual([...flags].sort());
    const other = openDatabase(file);
    decide(other, { flagId: flags[1]!, action: 'warn', reasonCode: 'spam_confirmed' }, reviewer, {});
    other.close();
    expect(page()).not.toContain(flags[1]);
    expect(listQueue(db, { queue: 'resolved', operator: reviewer }).items.map((i) => i.flagId)).toEqual([flags[1]]);
    db.close();
  });
});
