import { afterEach, describe, expect, it } from 'vitest';
import { silentProgress } from '../../shared/progress';
import type { Db } from '../db/database';
import { freshDb } from '../testing/moderation-mirror';
import { extractFeatures, type UserFeatures } from './features';
import { assess } from './model/model';

const T0 = 1_763_000_000;

/**
 * Where payers and greeted people live, read from a real mirror file. seedMirror puts odd accounts in Xihu and even
 * ones in Binjiang; u18 and u19 have no district (the export may leave it out).
 */
describe('other-district shares', () => {
  let db: Db | undefined;
  afterEach(() => db?.close());

  function mirror(): Db {
    ({ db } = freshDb(20));
    db.prepare(`UPDATE users SET district = NULL WHERE id IN ('u18', 'u19')`).run();
    let n = 0;
    const transfer = db.prepare(`INSERT INTO transfers VALUES (?, ?, ?, ?, ?, 480, ?)`);
    const greeting = db.prepare(`INSERT INTO greetings VALUES (?, ?, ?, ?, 480, ?, NULL)`);
    const pay = (from: string, to: string): unknown => transfer.run(`t${n++}`, from, to, 2000, T0 + n * 3600, '');
    const greet = (from: string, to: string): unknown =>
      greeting.run(`g${n++}`, from, to, T0 + n * 3600, `周末一起去爬山吗 ${n}`);
    db.transaction(() => {
      // u0 (Binjiang): two payers from Binjiang, three from Xihu (u1 twice), one whose district is unknown.
      for (const p of ['u2', 'u4', 'u1', 'u1', 'u3', 'u5', 'u19']) pay(p, 'u0');
      // u18 (no district) is paid from Xihu: nobody can be said to live elsewhere.
      for (const p of ['u1', 'u3']) pay(p, 'u18');
      // u7 (Xihu) greets one neighbour, two people in Binjiang (u2 twice), one of unknown district.
      for (const r of ['u9', 'u2', 'u2', 'u4', 'u19']) greet('u7', r);
    })();
    return db;
  }

  const byId = (features: UserFeatures[], id: string): UserFeatures => features.find((f) => f.userId === id)!;

  it('counts distinct payers and recipients living in another district; unknown districts never count as far', () => {
    const { users } = extractFeatures(mirror(), silentProgress);
    expect(byId(users, 'u0').distinctPayers).toBe(6);
    expect(byId(users, 'u0').otherDistrictPayerShare).toBeCloseTo(3 / 6, 6);
    expect(byId(users, 'u18').otherDistrictPayerShare).toBe(0);
    expect(byId(users, 'u7').greetingRecipients).toBe(4);
    expect(byId(users, 'u7').otherDistrictRecipientShare).toBeCloseTo(2 / 4, 6);
    // Someone who only paid or only greeted has no share on the other side.
    expect(byId(users, 'u7').otherDistrictPayerShare).toBe(0);
    expect(byId(users, 'u0').otherDistrictRecipientShare).toBe(0);
  });

  it('shows both shares among the figures an operator reads beside an assessment', () => {
    const { users } = extractFeatures(mirror(), silentProgress);
    expect(assess(byId(users, 'u0')).figures.other_district_payer_share).toBe(0.5);
    expect(assess(byId(users, 'u7')).figures.other_district_recipient_share).toBe(0.5);
  });
});

describe('greeting words', () => {
  let db: Db | undefined;
  afterEach(() => db?.close());

  it('are read through zero-width characters a spammer slips inside them', () => {
    ({ db } = freshDb(10));
    const greeting = db.prepare(`INSERT INTO greetings VALUES (?, ?, ?, ?, 480, ?, NULL)`);
    const texts = ['兼\u200b职日\u200d结，红\ufeff包福\u2060利', '包\u200b邮 正\u200c品 代\u200d购，优\u2060惠'];
    db.transaction(() => {
      for (let i = 1; i <= 4; i++) greeting.run(`g${i}`, 'u0', `u${i}`, T0 + i * 3600, texts[0]!);
      for (let i = 1; i <= 4; i++) greeting.run(`h${i}`, 'u5', `u${i}`, T0 + i * 3600, texts[1]!);
    })();
    const { users } = extractFeatures(db, silentProgress);
    expect(users.find((f) => f.userId === 'u0')!.promoWordShare).toBe(1);
    expect(users.find((f) => f.userId === 'u5')!.sellingWordShare).toBe(1);
  });
});
