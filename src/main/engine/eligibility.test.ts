import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database';
import { DEFAULT_RULE_SET, type RuleSet } from '../../shared/domain/ruleset';
import { tempDir } from '../testing/temp';
import { mulberry32 } from '../util/seeded-random';
import { ineligibilityOf, judgeUsers } from './eligibility';
import { runWindow } from './window';

const DATE = '2026-11-23';
const RULES: RuleSet = { ...DEFAULT_RULE_SET, requireRealName: true, ageRange: { min: 22, max: 40 } };

interface Account {
  id: string;
  verified: 0 | 1;
  gender: 'F' | 'M';
  seeking: 'F' | 'M' | 'any';
  birthYear: number;
  district: string | null;
  status: 'active' | 'suspended' | 'closed';
  /** Consent rows, as (granted_at, revoked_at). */
  consents: [number, number | null][];
}

/** Accounts with every kind of trait, several consent histories each, written straight into a mirror. */
function mirrorOf(count: number, seed: number) {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const { start, end } = runWindow(DATE, RULES.windowDays);
  // Times around the date's end: before the window, inside it, the last second of the date, the next day.
  const times = [start - 86_400 * 400, start + 3_600, end - 1, end, end + 86_400];
  const accounts: Account[] = [];
  for (let k = 0; k < count; k++) {
    const consents: [number, number | null][] = [];
    const granted = new Set<number>();
    for (let c = Math.floor(rand() * 4); c > 0; c--) {
      const at = pick(times);
      if (granted.has(at)) continue;
      granted.add(at);
      consents.push([at, rand() < 0.35 ? at + 60 : null]);
    }
    accounts.push({
      // Ids of both styles, in no particular order: the judgement comes out in SQLite's binary order of them.
      id: rand() < 0.5 ? `oU${Math.floor(rand() * 1e9).toString(36)}_${k}` : String(10_000_000_000 + k * 7919),
      verified: rand() < 0.8 ? 1 : 0,
      gender: pick(['F', 'M'] as const),
      seeking: pick(['F', 'M', 'any'] as const),
      birthYear: pick([1900, 1960, 1984, 1986, 1995, 2004, 2005, 2015]),
      district: pick([null, '西湖区', '上城区', 'Chaoyang', 'chaoyang', '']),
      status: pick(['active', 'active', 'active', 'suspended', 'closed'] as const),
      consents,
    });
  }
  const db = openDatabase(path.join(tempDir('eligibility-'), 'mirror.db'));
  db.transaction(() => {
    const user = db.prepare(`INSERT INTO users (id, nickname, id_verified, gender, seeking, birth_year, city, district,
      registered_at, status) VALUES (?, 'n', ?, ?, ?, ?, 'Hangzhou', ?, 0, ?)`);
    const consent = db.prepare(
      `INSERT INTO consents (user_id, feature, granted_at, revoked_at) VALUES (?, 'meet_similar', ?, ?)`,
    );
    for (const a of accounts) {
      user.run(a.id, a.verified, a.gender, a.seeking, a.birthYear, a.district, a.status);
      for (const [at, revoked] of a.consents) consent.run(a.id, at, revoked);
    }
  })();
  return { db, accounts, end };
}

describe('judging accounts for a date', () => {
  it('gives each account, in id order, the traits and the verdict its own rows say', () => {
    const { db, accounts, end } = mirrorOf(600, 7);
    const byId = [...accounts].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    const excluded = new Set(byId.filter((_, i) => i % 9 === 0).map((a) => a.id));
    const year = runWindow(DATE, RULES.windowDays).year;
    // The rules as they read, account by account, before upstream's introductions of the date.
    const verdictOf = (a: Account): string | undefined => {
      // The latest consent granted before the date's end decides; revoked (at any time) is no consent.
      const latest = a.consents.filter(([at]) => at < end).sort((x, y) => y[0] - x[0])[0];
      const age = year - a.birthYear;
      if (a.status !== 'active') return 'upstream_status';
      if (latest === undefined || latest[1] !== null) return 'consent';
      if (a.verified !== 1) return 'real_name';
      if (age < RULES.ageRange.min || age > RULES.ageRange.max) return 'age';
      if (excluded.has(a.id)) return 'moderation';
      return undefined;
    };
    // Upstream introduced two accounts otherwise eligible on the date, and two others the day before.
    const eligible = byId.filter((a) => verdictOf(a) === undefined);
    const introduce = db.prepare(
      `INSERT INTO introductions (user_a, user_b, date, outcome) VALUES (?, ?, ?, 'pending')`,
    );
    introduce.run(eligible[0]!.id, eligible[1]!.id, DATE);
    introduce.run(eligible[2]!.id, eligible[3]!.id, '2026-11-22');
    const judged = judgeUsers(db, DATE, RULES, excluded);

    expect(judged.userIds).toEqual(byId.map((a) => a.id));
    byId.forEach((a, i) => {
      const where = `${a.id} (${JSON.stringify(a)})`;
      const introducedToday = a === eligible[0] || a === eligible[1];
      expect(ineligibilityOf(judged.verdict[i]!), where).toBe(
        verdictOf(a) ?? (introducedToday ? 'introduced_that_day' : undefined),
      );
      expect(judged.age[i], where).toBe(year - a.birthYear);
      expect(judged.idVerified[i], where).toBe(a.verified);
      const seeking = a.seeking === 'F' ? 0 : a.seeking === 'M' ? 1 : 2;
      expect(judged.group[i], where).toBe((a.gender === 'M' ? 3 : 0) + seeking);
      const district = judged.district[i]!;
      expect(district === -1 ? null : judged.districts[district], where).toBe(a.district);
      expect(judged.index.find(a.id, 0, a.id.length), where).toBe(i);
    });
    // Every kind of verdict came up, so each rule above was checked against some account.
    expect(new Set(judged.verdict)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]));
    expect(new Set(judged.districts).size).toBe(judged.districts.length);
    // Each account's key is its user_keys row.
    const keys = db.prepare(`SELECT id, key FROM user_keys`).raw().all() as [string, number][];
    const keyOf = new Map(keys);
    expect(Array.from(judged.userKeys)).toEqual(byId.map((a) => keyOf.get(a.id)));
    db.close();
  });
});
