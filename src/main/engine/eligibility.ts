import type { Db } from '../db/database';
import { INELIGIBILITY_REASONS, type IneligibilityReason } from '../../shared/domain/publication';
import type { RuleSet } from '../../shared/domain/ruleset';
import { IdIndex } from '../util/id-index';
import { sharedUint8 } from './shared-arrays';
import { runWindow } from './window';

/**
 * THE one answer to "may this account be introduced on this date, now": used by the engine's pool (a run, a
 * shadow run, the what-if's cache) and by publishing's re-check, so a run and its publication judge accounts by
 * the same rules. Moderation's part comes in as `excluded` — `matchingExclusions(db, now)` from moderation, the
 * one place that says which restrictions, suspensions and holds stand at a moment.
 */
export interface UserEligibility {
  /** Every account of the mirror, in id order (SQLite's binary order). */
  userIds: string[];
  /** Each id's position in userIds. */
  index: IdIndex;
  /** Each account's key (user_keys; −1 for none), by position: the window scan's rows name accounts by key. */
  userKeys: Int32Array;
  /** 0 when the account may be introduced; else 1 + the index of its reason in INELIGIBILITY_REASONS. */
  verdict: Uint8Array;
  /** gender × seeking code: gender F=0/M=1, seeking F=0/M=1/any=2 → gender * 3 + seeking. */
  group: Uint8Array;
  age: Int16Array;
  idVerified: Uint8Array;
  /** Index into `districts`, −1 when unknown. */
  district: Int32Array;
  districts: string[];
}

const code = (reason: IneligibilityReason): number => INELIGIBILITY_REASONS.indexOf(reason) + 1;
const UPSTREAM_STATUS = code('upstream_status');
const CONSENT = code('consent');
const REAL_NAME = code('real_name');
const AGE = code('age');
const MODERATION = code('moderation');
const INTRODUCED_THAT_DAY = code('introduced_that_day');

/** The reason a verdict names (undefined for 0: may be introduced). */
export function ineligibilityOf(verdict: number): IneligibilityReason | undefined {
  return verdict === 0 ? undefined : INELIGIBILITY_REASONS[verdict - 1];
}

/** True when a user of group `a` and one of group `b` each seek the other's gender. */
export function compatibleGroups(a: number, b: number): boolean {
  const ga = (a / 3) | 0;
  const sa = a % 3;
  const gb = (b / 3) | 0;
  const sb = b % 3;
  return (sa === 2 || sa === gb) && (sb === 2 || sb === ga);
}

const sql = {
  // The group code (gender F=0/M=1 × 3 + seeking F=0/M=1/any=2) and "active" come out as numbers: 100,000 users'
  // short enum strings cost more to hand over than the rest of the row.
  users: `SELECT u.id, u.id_verified,
            (u.gender = 'M') * 3 + CASE u.seeking WHEN 'F' THEN 0 WHEN 'M' THEN 1 ELSE 2 END,
            u.birth_year, u.district, u.status = 'active', coalesce(k.key, -1)
          FROM users u LEFT JOIN user_keys k ON k.id = u.id ORDER BY u.id`,
  // The latest consent row (by granted_at) up to the end of the date decides; revoked = out.
  latestConsents: `
    SELECT c.user_id, c.revoked_at FROM consents c
    WHERE c.feature = 'meet_similar' AND c.granted_at < @end
      AND c.granted_at = (SELECT MAX(granted_at) FROM consents d
                          WHERE d.user_id = c.user_id AND d.feature = 'meet_similar' AND d.granted_at < @end)`,
  // One introduction a day: whoever upstream already introduced on this date gets no second one from us.
  introducedUpstreamOn: `SELECT user_a, user_b FROM introductions WHERE date = ?`,
} as const;

/** Judges every account of the mirror for the date, with the rule set's age range and real-name rule. */
export function judgeUsers(db: Db, date: string, ruleSet: RuleSet, excluded: ReadonlySet<string>): UserEligibility {
  const window = runWindow(date, ruleSet.windowDays);
  const rows = db.prepare(sql.users).raw().all() as [string, number, number, number, string | null, number, number][];
  const n = rows.length;
  const userIds = new Array<string>(n);
  const userKeys = new Int32Array(n);
  const verdict = new Uint8Array(n);
  const group = sharedUint8(n);
  const age = new Int16Array(n);
  const idVerified = new Uint8Array(n);
  const district = new Int32Array(n);
  const districts: string[] = [];
  const districtIndex = new Map<string, number>();
  rows.forEach(([id, verified, groupCode, birthYear, d, , key], i) => {
    userIds[i] = id;
    userKeys[i] = key;
    group[i] = groupCode;
    age[i] = window.year - birthYear;
    idVerified[i] = verified;
    if (d === null) district[i] = -1;
    else {
      let di = districtIndex.get(d);
      if (di === undefined) {
        di = districts.length;
        districts.push(d);
        districtIndex.set(d, di);
      }
      district[i] = di;
    }
  });
  const index = new IdIndex(userIds);
  const consented = new Uint8Array(n);
  for (const [userId, revokedAt] of db.prepare(sql.latestConsents).raw().iterate({ end: window.end }) as Iterable<
    [string, number | null]
  >) {
    const i = index.find(userId, 0, userId.length);
    if (i !== -1 && revokedAt === null) consented[i] = 1;
  }
  const introducedToday = new Uint8Array(n);
  for (const pair of db.prepare(sql.introducedUpstreamOn).raw().iterate(date) as Iterable<[string, string]>) {
    for (const id of pair) {
      const i = index.find(id, 0, id.length);
      if (i !== -1) introducedToday[i] = 1;
    }
  }
  for (let i = 0; i < n; i++) {
    const [id, , , , , active] = rows[i]!;
    verdict[i] =
      active !== 1
        ? UPSTREAM_STATUS
        : !consented[i]
          ? CONSENT
          : ruleSet.requireRealName && idVerified[i] !== 1
            ? REAL_NAME
            : age[i]! < ruleSet.ageRange.min || age[i]! > ruleSet.ageRange.max
              ? AGE
              : excluded.has(id)
                ? MODERATION
                : introducedToday[i]
                  ? INTRODUCED_THAT_DAY
                  : 0;
  }
  return { userIds, index, userKeys, verdict, group, age, idVerified, district, districts };
}
