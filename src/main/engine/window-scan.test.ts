import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database';
import { buildTestMirror } from '../testing/engine-mirror';
import { hourBand, runWindow } from './window';
import {
  chunkRemapper,
  planBounds,
  planCuts,
  planOfBounds,
  planRange,
  planScan,
  readScanKeys,
  type ScanKeys,
  WindowScanner,
} from './window-scan';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDb(): Db {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'window-scan-'));
  dirs.push(dir);
  return openDatabase(path.join(dir, 'mirror.db'));
}

function addUserAndMerchant(db: Db, userId: string, merchantId: string): void {
  db.prepare(
    `INSERT INTO users (id, nickname, id_verified, gender, seeking, birth_year, city, registered_at, status)
     VALUES (?, 'n', 0, 'F', 'M', 1990, 'c', 0, 'active')`,
  ).run(userId);
  db.prepare(
    `INSERT INTO merchants (id, name, category, channel, price_level) VALUES (?, 'm', 'food', 'offline', 1)`,
  ).run(merchantId);
}

/** The key user_keys gives a user (made when the user row was inserted). */
function keyOf(db: Db, userId: string): number {
  return db.prepare('SELECT key FROM user_keys WHERE id = ?').pluck().get(userId) as number;
}

/** The key merchant_keys gives a merchant. */
function merchantKeyOf(db: Db, merchantId: string): number {
  return db.prepare('SELECT key FROM merchant_keys WHERE id = ?').pluck().get(merchantId) as number;
}

/** Every (user, place, visit, ln amount) the plan's chunks keep, in chunk order. */
function scanned(db: Db, window: { start: number; end: number }, chunkRows: number): number[][] {
  const scanner = new WindowScanner(db, window);
  const plan = planScan(db, window, chunkRows);
  const rows: number[][] = [];
  for (let k = 0; k < plan.count; k++) {
    const c = scanner.chunk(plan, k);
    for (let i = 0; i < c.user.length; i++) rows.push([c.user[i]!, c.merchant[i]!, c.visit[i]!, c.lnAmount[i]!]);
  }
  return rows;
}

describe('window scan plan', () => {
  it('reads exactly the window, in rowid order, when rows are out of time order (a late increment)', () => {
    const db = tempDb();
    buildTestMirror(db, { users: 200, seed: 4 });
    const window = runWindow('2026-11-24', 30);
    const all = db.prepare('SELECT min(rowid), max(rowid), count(*) FROM transactions').raw().get() as number[];
    const inWindow = db
      .prepare('SELECT min(rowid), max(rowid), count(*) FROM transactions WHERE paid_at >= ? AND paid_at < ?')
      .raw()
      .get(window.start, window.end) as number[];
    // Rows after the window's last one, then one inside the window appended last (as a late increment would).
    const some = db.prepare('SELECT user_key, merchant_key FROM transactions LIMIT 1').raw().get() as [number, number];
    const insert = db.prepare(
      'INSERT INTO transactions (id, user_key, merchant_key, amount_fen, paid_at, paid_tz) VALUES (?, ?, ?, ?, ?, ?)',
    );
    insert.run('late-outside', some[0], some[1], 100, window.end + 3600, 480);
    // West of UTC (a negative offset) and a large amount: every number a chunk carries survives its text form.
    insert.run('late-inside', some[0], some[1], 9_007_199_254_740_991, window.start + 7200, -300);
    // A payer whose key no user holds any more (erased, with the mirror's foreign keys off): dropped, as an unknown
    // user. Its key is below the next user's, so it falls inside the scan's key array.
    addUserAndMerchant(db, 'erased', 'erased-shop');
    const erasedKey = keyOf(db, 'erased');
    db.pragma('foreign_keys = OFF');
    insert.run('erased-payer', erasedKey, merchantKeyOf(db, 'erased-shop'), 100, window.start + 7220, 480);
    db.prepare(`DELETE FROM users WHERE id = 'erased'`).run();
    db.prepare(`DELETE FROM user_keys WHERE id = 'erased'`).run();
    // Ids may hold any character but NUL, the chunk text's separator U+001F too (rows carry their keys, not the ids).
    // The payer sorts before every id and holds the newest key: keys are not in id order; so does the merchant.
    addUserAndMerchant(db, '\u001fodd\u001fpayer', '\u001fodd\u001fshop');
    const oddKey = keyOf(db, '\u001fodd\u001fpayer');
    expect(oddKey).toBeGreaterThan(erasedKey);
    insert.run('odd', oddKey, merchantKeyOf(db, '\u001fodd\u001fshop'), 250, window.start + 7250, 480);
    // A merchant key no merchant holds (above every key): dropped, as an unknown merchant.
    insert.run('unknown-shop', some[0], merchantKeyOf(db, '\u001fodd\u001fshop') + 1000, 100, window.start + 7260, 480);
    // A payer key no user ever held (above every key) is dropped the same way.
    insert.run('unknown-payer', oddKey + 1000, some[1], 100, window.start + 7300, 480);
    expect(inWindow[2]).toBeGreaterThan(100);
    expect(all[2]).toBeGreaterThan(inWindow[2]!);
    const keysInIdOrder = db
      .prepare('SELECT k.key FROM users u JOIN user_keys k ON k.id = u.id ORDER BY u.id')
      .pluck()
      .all() as number[];
    expect(keysInIdOrder).not.toEqual([...keysInIdOrder].sort((a, b) => a - b));

    // Expected: the whole table filtered to the window, in rowid order, turned into indexes here (by id).
    const userIndex = new Map(
      (db.prepare('SELECT id FROM users ORDER BY id').pluck().all() as string[]).map((id, i) => [id, i]),
    );
    const merchantIndex = new Map(
      (db.prepare('SELECT id FROM merchants ORDER BY id').pluck().all() as string[]).map((id, i) => [id, i]),
    );
    const expected = (
      db
        .prepare(
          `SELECT k.id, mk.id, t.paid_at, t.paid_tz, t.amount_fen
           FROM transactions t JOIN user_keys k ON k.key = t.user_key JOIN merchant_keys mk ON mk.key = t.merchant_key
           WHERE t.paid_at >= ? AND t.paid_at < ? ORDER BY t.rowid`,
        )
        .raw()
        .all(window.start, window.end) as [string, string, number, number, number][]
    ).map(([u, m, at, tz, amount]) => [
      userIndex.get(u)!,
      merchantIndex.get(m)!,
      Math.floor((at - window.start) / 86_400) * 8 + hourBand(at, tz),
      Math.log(amount),
    ]);
    expect(expected.length).toBe(inWindow[2]! + 2);
    expect(expected.at(-2)![3]).toBe(Math.log(9_007_199_254_740_991));
    for (const chunkRows of [7, 64, 1 << 16])
      expect(scanned(db, window, chunkRows), `chunks of ${chunkRows}`).toEqual(expected);
    const plan = planScan(db, window, 1 << 16);
    expect(plan.first).toBe(inWindow[0]);
    db.close();
  });

  it("puts the threads' parts of the plan together into the whole plan, payers outside the users' keys too", () => {
    const db = tempDb();
    buildTestMirror(db, { users: 150, seed: 8 });
    const window = runWindow('2026-11-24', 30);
    const keys = db.prepare('SELECT key FROM user_keys ORDER BY key').pluck().all() as number[];
    expect(keys.length).toBe(150);
    const some = db.prepare('SELECT merchant_key FROM transactions LIMIT 1').pluck().get() as number;
    const insert = db.prepare(
      'INSERT INTO transactions (id, user_key, merchant_key, amount_fen, paid_at, paid_tz) VALUES (?, ?, ?, ?, ?, ?)',
    );
    // Payers no user holds, keyed below and above every user's key: the first part's range is open below and the
    // last one's above, so the window's last rows (these, appended last) are in some part.
    db.pragma('foreign_keys = OFF');
    const below = keys[0]! - 1;
    const above = keys.at(-1)! + 1000;
    const lowest = Number(insert.run('late-below', below, some, 100, window.start + 60, 480).lastInsertRowid);
    const highest = Number(insert.run('late-above', above, some, 100, window.start + 120, 480).lastInsertRowid);
    const whole = planBounds(db, window, [undefined, undefined]);
    expect(whole![1]).toBe(highest);
    for (const parts of [1, 2, 3, 7, 400]) {
      const cuts = planCuts(db, parts);
      expect(cuts).toEqual(
        Array.from({ length: parts - 1 }, (_, k) => keys[Math.floor(((k + 1) * keys.length) / parts)]),
      );
      const bounds = Array.from({ length: parts }, (_, k) => planBounds(db, window, planRange(cuts, k)));
      // The late rows are the last of the first part and of the last part.
      expect(bounds[0]![1], `${parts} parts`).toBe(parts === 1 ? highest : lowest);
      expect(bounds.at(-1)![1], `${parts} parts`).toBe(highest);
      expect(planOfBounds(bounds, 64), `${parts} parts`).toEqual(planScan(db, window, 64));
      const lo = Math.min(...bounds.flatMap((b) => (b === null ? [] : [b[0]])));
      expect(lo, `${parts} parts`).toBe(whole![0]);
    }
    // Cuts read before an import are still a partition of every key: the users it adds (here sorting below every
    // earlier id, and keyed above every earlier key, with the window's new last row) fall in a range, so every
    // thread's part is planned from the same cuts whatever keys each thread read itself.
    const staleCuts = planCuts(db, 2);
    addUserAndMerchant(db, '!newcomer', '!shop');
    const newcomer = keyOf(db, '!newcomer');
    expect(newcomer).toBeGreaterThan(keys.at(-1)!);
    const newest = Number(
      insert.run('newcomer', newcomer, merchantKeyOf(db, '!shop'), 100, window.start + 180, 480).lastInsertRowid,
    );
    const stale = [0, 1].map((k) => planBounds(db, window, planRange(staleCuts, k)));
    expect(stale[1]![1]).toBe(newest);
    expect(planOfBounds(stale, 64)).toEqual(planScan(db, window, 64));
    db.close();
  });

  it('plans no chunk when the window is empty', () => {
    const db = tempDb();
    buildTestMirror(db, { users: 50, seed: 5 });
    expect(planScan(db, runWindow('2020-01-01', 30)).count).toBe(0);
    db.close();
  });

  it("puts a chunk read with other keys (an import between the thread's read and the pool's) in the pool's indexes", () => {
    const db = tempDb();
    buildTestMirror(db, { users: 120, seed: 6 });
    const window = runWindow('2026-11-24', 30);
    const plan = planScan(db, window, 1 << 16);
    const before = new WindowScanner(db, window);
    const chunk = before.chunk(plan, 0);
    expect(chunk.user.length).toBeGreaterThan(100);
    // Every key's id, read before anything is removed.
    const idOf = (table: string): Map<number, string> =>
      new Map(db.prepare(`SELECT key, id FROM ${table}`).raw().all() as [number, string][]);
    const userId = idOf('user_keys');
    const merchantId = idOf('merchant_keys');
    // An import adds a user sorting first and a merchant, and removes the user of the chunk's first row (and its key).
    const gone = userId.get(before.keys.userKeys[chunk.user[0]!]!)!;
    addUserAndMerchant(db, '!first', '!m');
    db.pragma('foreign_keys = OFF');
    db.prepare('DELETE FROM users WHERE id = ?').run(gone);
    db.prepare('DELETE FROM user_keys WHERE id = ?').run(gone);
    const after = readScanKeys(db);
    const remapped = chunkRemapper(before.keys, after)(chunk);
    // The chunk's rows as ids (its users and merchants are all from before the import).
    const asIds = (c: typeof chunk, keys: ScanKeys): string[] =>
      Array.from(
        c.user,
        (u, i) =>
          `${userId.get(keys.userKeys[u]!)} ${merchantId.get(keys.merchantKeys[c.merchant[i]!]!)} ${c.visit[i]}`,
      );
    const expected = asIds(chunk, before.keys).filter((row) => !row.startsWith(`${gone} `));
    expect(expected.length).toBeLessThan(chunk.user.length);
    expect(asIds(remapped, after)).toEqual(expected);
    expect(remapped.lnAmount.length).toBe(expected.length);
    // Reading with the same ids leaves the chunk as it is.
    expect(chunkRemapper(after, readScanKeys(db))(remapped)).toBe(remapped);
    // A key left by an id the users table no longer holds (removed by something other than an import) is no user of
    // the pool's: the pool's keys (its users' own) differ from the scan's, and that key's rows are dropped.
    const leftover = after.userKeys[remapped.user[0]!]!;
    const leftoverId = userId.get(leftover)!;
    db.prepare('DELETE FROM users WHERE id = ?').run(leftoverId);
    const poolKeys = {
      userKeys: Int32Array.from(
        db.prepare('SELECT k.key FROM users u JOIN user_keys k ON k.id = u.id ORDER BY u.id').pluck().all() as number[],
      ),
      merchantKeys: after.merchantKeys,
    };
    const withoutLeftover = chunkRemapper(after, poolKeys)(remapped);
    expect(asIds(withoutLeftover, poolKeys)).toEqual(expected.filter((row) => !row.startsWith(`${leftoverId} `)));
    db.close();
  });
});
