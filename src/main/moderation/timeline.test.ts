import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/envelope';
import { freshDb, seedFlags } from '../testing/moderation-mirror';
import { recordFlagHandles, relatedAccounts } from './related';
import { accountTimeline, type TimelineEntry, TIMELINE_KINDS } from './timeline';

const T = 1_764_000_000;

/** u0's life: greetings and transfers both ways, reports, flags — many sharing a second, so ties decide the order. */
function mirror() {
  const { db } = freshDb(9);
  const greet = db.prepare(
    `INSERT INTO greetings (id, from_user, to_user, sent_at, sent_tz, text, replied_at) VALUES (?, ?, ?, ?, 480, ?, NULL)`,
  );
  const pay = db.prepare(
    `INSERT INTO transfers (id, from_user, to_user, amount_fen, paid_at, paid_tz, memo) VALUES (?, ?, ?, ?, ?, 480, '')`,
  );
  const report = db.prepare(
    `INSERT INTO reports (id, reporter_id, reported_id, created_at, reason, text) VALUES (?, ?, 'u0', ?, 'spam', '')`,
  );
  db.transaction(() => {
    for (let i = 0; i < 40; i++) {
      const at = T + Math.floor(i / 4) * 60; // four rows a minute: same-second ties within and across kinds
      greet.run(`g${i}`, i % 3 ? 'u0' : `u${1 + (i % 5)}`, i % 3 ? `u${1 + (i % 5)}` : 'u0', at, `hi ${i}`);
      pay.run(`t${i}`, i % 2 ? 'u0' : `u${1 + (i % 4)}`, i % 2 ? `u${1 + (i % 4)}` : 'u0', 100 + i, at);
      if (i % 5 === 0) report.run(`r${i}`, `u${1 + (i % 3)}`, at);
    }
    // Someone else's rows never appear in u0's timeline.
    greet.run('other', 'u6', 'u7', T, 'not u0');
  })();
  seedFlags(db, ['u0'], 'spammer', T + 60); // one item per account; its second is shared with four other rows
  return db;
}

const key = (e: TimelineEntry) => `${e.kind}:${String(e.id)}`;

describe('the account timeline', () => {
  it('pages through every row of every kind exactly once, newest first, ties in one stable order', () => {
    const db = mirror();
    const seen: TimelineEntry[] = [];
    let page = accountTimeline(db, 'u0', null, 7);
    expect(page.before).toBe(0);
    for (;;) {
      expect(page.entries.length).toBeLessThanOrEqual(7);
      expect(page.before).toBe(seen.length);
      seen.push(...page.entries);
      if (page.next === null) break;
      page = accountTimeline(db, 'u0', page.next, 7);
    }
    // 40 greetings + 40 transfers + 8 reports + 1 flag, none twice, none of another account.
    expect(page.counts).toEqual({ greetings: 40, transfers: 40, reports: 8, flags: 1 });
    expect(page.total).toBe(89);
    expect(seen).toHaveLength(89);
    expect(new Set(seen.map(key)).size).toBe(89);
    expect(seen.some((e) => e.id === 'other')).toBe(false);
    // The order is the documented one: time descending, then kind, then id — checked against a plain sort.
    const rank = (k: TimelineEntry['kind']) => TIMELINE_KINDS.indexOf(k);
    const sorted = [...seen].sort(
      (a, b) => b.at - a.at || rank(b.kind) - rank(a.kind) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    );
    expect(seen.map(key)).toEqual(sorted.map(key));
    // Directions are told apart: u0 sent the greetings with i % 3 ≠ 0.
    expect(seen.filter((e) => e.kind === 'greeting_out')).toHaveLength(26);
  });

  it('a page fetched on its own knows its place, and a cursor it did not give is refused saying where', () => {
    const db = mirror();
    const first = accountTimeline(db, 'u0', null, 10);
    const second = accountTimeline(db, 'u0', first.next, 10);
    expect(second.before).toBe(10);
    expect(second.entries[0]!.at).toBeLessThanOrEqual(first.entries.at(-1)!.at);
    for (const bad of ['nonsense', '12:no_such_kind:x', ':greeting_in:g1']) {
      try {
        accountTimeline(db, 'u0', bad);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        expect((e as DomainError).code).toBe('INVALID_INPUT');
        expect((e as DomainError).message).toMatch(/^cursor:/);
        expect((e as DomainError).message).not.toContain(bad);
      }
    }
  });

  it('an account with no rows has an empty first page and no next', () => {
    const db = mirror();
    const page = accountTimeline(db, 'u7', null);
    expect(page.entries).toHaveLength(1); // the greeting u6 sent it
    expect(accountTimeline(db, 'u8', null)).toMatchObject({ total: 0, next: null, before: 0, entries: [] });
  });
});

describe('related accounts', () => {
  it('lists accounts paid by two or more of the same payers, and accounts sending the same handle', () => {
    const { db } = freshDb(8);
    const pay = db.prepare(
      `INSERT INTO transfers (id, from_user, to_user, amount_fen, paid_at, paid_tz, memo) VALUES (?, ?, ?, 3900, ?, 480, '')`,
    );
    const greet = db.prepare(
      `INSERT INTO greetings (id, from_user, to_user, sent_at, sent_tz, text, replied_at) VALUES (?, ?, 'u7', ?, 480, ?, NULL)`,
    );
    db.transaction(() => {
      // u0 is paid by u4, u5, u6; u1 by u4 and u5 (two shared); u2 by u6 only (one shared: not a pattern).
      for (const [i, [from, to]] of [
        ['u4', 'u0'],
        ['u5', 'u0'],
        ['u6', 'u0'],
        ['u4', 'u1'],
        ['u5', 'u1'],
        ['u6', 'u2'],
      ].entries())
        pay.run(`t${i}`, from, to, T + i);
      greet.run('g0', 'u0', T, '加我微信 wxid_sellerring88 有好货');
      greet.run('g3', 'u3', T, '加微信 wxid_sellerring88 了解一下');
      greet.run('g2', 'u2', T, '你好呀');
    })();
    const flags = seedFlags(db, ['u0', 'u3', 'u2'], 'micro_seller', T);
    const evidence = db.prepare(`UPDATE flags SET evidence = ? WHERE id = ?`);
    evidence.run(JSON.stringify({ greetings: ['g0'] }), flags[0]);
    evidence.run(JSON.stringify({ greetings: ['g3'] }), flags[1]);
    evidence.run(JSON.stringify({ greetings: ['g2'] }), flags[2]);
    // As a detection run does after writing its items: the handle is kept by key, never as text.
    expect(recordFlagHandles(db)).toBe(2);
    const kept = db.prepare(`SELECT handle_key, kind, user_id FROM flag_handles ORDER BY user_id`).all();
    expect(kept).toMatchObject([
      { kind: 'wechat', user_id: 'u0' },
      { kind: 'wechat', user_id: 'u3' },
    ]);
    expect(JSON.stringify(kept)).not.toContain('sellerring');

    const related = relatedAccounts(db, 'u0');
    expect(related).toEqual([
      { userId: 'u1', reason: 'shared_payers', strength: 2, handleKind: null, flagId: null },
      { userId: 'u3', reason: 'shared_handle', strength: 2, handleKind: 'wechat', flagId: flags[1] },
    ]);
    // Symmetric for the handle; u2 shares one payer and no handle: listed by nobody.
    expect(relatedAccounts(db, 'u3').map((r) => r.userId)).toEqual(['u0']);
    expect(relatedAccounts(db, 'u2')).toEqual([]);
  });

  it('leaves out a payer who paid more than 200 accounts: it links everyone and says nothing', () => {
    const sharedWith = (payeesOfBusyPayer: number) => {
      const { db } = freshDb(2 + 2 + payeesOfBusyPayer);
      const pay = db.prepare(
        `INSERT INTO transfers (id, from_user, to_user, amount_fen, paid_at, paid_tz, memo) VALUES (?, ?, ?, 100, ?, 480, '')`,
      );
      db.transaction(() => {
        // u2 and u3 both paid u0 and u1; u3 also paid accounts u4… (its payees: 2 + that many).
        for (const [i, [from, to]] of [
          ['u2', 'u0'],
          ['u2', 'u1'],
          ['u3', 'u0'],
          ['u3', 'u1'],
        ].entries())
          pay.run(`t${i}`, from, to, T + i);
        for (let i = 0; i < payeesOfBusyPayer; i++) pay.run(`b${i}`, 'u3', `u${4 + i}`, T + 10 + i);
      })();
      return relatedAccounts(db, 'u0').filter((r) => r.reason === 'shared_payers');
    };
    expect(sharedWith(198).map((r) => [r.userId, r.strength])).toEqual([['u1', 2]]); // u3 paid 200: still counts
    expect(sharedWith(199)).toEqual([]); // u3 paid 201: left out, and one shared payer is not a pattern
  });
});
