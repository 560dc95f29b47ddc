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

/**
 * An account's traits as one integer, so a million accounts come out of SQLite as a million small numbers instead of
 * a million arrays of seven values (better-sqlite3 makes each value a JavaScript one: the rows took 3.6–4.0 s at the
 * province, the consents' million rows 1.6 s more, and collecting their garbage ~2 s; judging the province's
 * accounts went from 7.3–7.5 s to 4.2–4.6 s, and from 11.7–12.5 to 6.6–7.2 s in a run, beside the scanning threads):
 * (district rank × 4096 + birth year) × 64 + flags, where the flags are real name (1), the group code (× 2; gender
 * F=0/M=1 × 3 + seeking F=0/M=1/any=2), active (16) and consent (32). District ranks count from 1 in the districts'
 * binary order (0: none). Exact as a double for any count of districts a mirror could hold; a small integer (the fast
 * kind in V8) below 4,096 of them (V8's small integers are 31-bit in Electron's pointer-compressed builds; 8,192 under
 * Node's 32-bit ones).
 */
const TRAIT = { realName: 1, group: 2, active: 16, consent: 32, flags: 64, birthYears: 4096 } as const;

/** The districts, in binary order: the list judgeUsers returns, and the ranks the traits name them by. */
const DISTRICTS_SQL = `SELECT DISTINCT district FROM users WHERE district IS NOT NULL ORDER BY district`;

const sql = {
  ids: `SELECT id FROM users ORDER BY id`,
  keys: `SELECT coalesce(k.key, -1) FROM users u LEFT JOIN user_keys k ON k.id = u.id ORDER BY u.id`,
  districts: DISTRICTS_SQL,
  // The latest consent row (by granted_at) up to the end of the date decides; revoked = out. One search of the
  // consents' primary key per account, in SQLite, instead of a million rows handed over and looked up by id.
  traits: `
    WITH ranked AS (SELECT district, row_number() OVER (ORDER BY district) AS rank FROM (${DISTRICTS_SQL}))
    SELECT ((coalesce(r.rank, 0) * ${TRAIT.birthYears} + u.birth_year) * ${TRAIT.flags}
            + u.id_verified * ${TRAIT.realName}
            + ((u.gender = 'M') * 3 + CASE u.seeking WHEN 'F' THEN 0 WHEN 'M' THEN 1 ELSE 2 END) * ${TRAIT.group}
            + (u.status = 'active') * ${TRAIT.active}
            + coalesce((SELECT c.revoked_at IS NULL FROM consents c
                        WHERE c.user_id = u.id AND c.feature = 'meet_similar' AND c.granted_at < @end
                        ORDER BY c.granted_at DESC LIMIT 1), 0) * ${TRAIT.consent})
    FROM users u LEFT JOIN ranked r ON r.district = u.district ORDER BY u.id`,
  // One introduction a day: whoever upstream already introduced on this date gets no second one from us.
  introducedUpstreamOn: `SELECT user_a, user_b FROM introductions WHERE date = ?`,
} as const;

/** Judges every account of the mirror for the date, with the rule set's age range and real-name rule. */
export function judgeUsers(db: Db, date: string, ruleSet: RuleSet, excluded: ReadonlySet<string>): UserEligibility {
  const window = runWindow(date, ruleSet.windowDays);
  // Four reads of the users table, one snapshot: an import landing between them would misalign the arrays. (A
  // transaction cannot begin while the connection has an iterator open: no caller judges in the middle of one.)
  const { userIds, keys, traits, districts } = db.transaction(() => ({
    userIds: db.prepare(sql.ids).pluck().all() as string[],
    keys: db.prepare(sql.keys).pluck().all() as number[],
    traits: db.prepare(sql.traits).pluck().all({ end: window.end }) as number[],
    districts: db.prepare(sql.districts).pluck().all() as string[],
  }))();
  const n = userIds.length;
  const userKeys = Int32Array.from(keys);
  const verdict = new Uint8Array(n);
  const group = sharedUint8(n);
  const age = new Int16Array(n);
  const idVerified = new Uint8Array(n);
  const district = new Int32Array(n);
  const active = new Uint8Array(n);
  const consented = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const t = traits[i]!;
    const flags = t % TRAIT.flags;
    const rest = (t - flags) / TRAIT.flags;
    const birthYear = rest % TRAIT.birthYears;
    idVerified[i] = flags & TRAIT.realName;
    group[i] = ((flags / TRAIT.group) | 0) % 8;
    active[i] = flags & TRAIT.active ? 1 : 0;
    consented[i] = flags & TRAIT.consent ? 1 : 0;
    age[i] = window.year - birthYear;
    district[i] = (rest - birthYear) / TRAIT.birthYears - 1;
  }
  const index = new IdIndex(userIds);
  const introducedToday = new Uint8Array(n);
  for (const pair of db.prepare(sql.introducedUpstreamOn).raw().iterate(date) as Iterable<[string, string]>) {
    for (const id of pair) {
      const i = index.find(id, 0, id.length);
      if (i !== -1) introducedToday[i] = 1;
    }
  }
  for (let i = 0; i < n; i++) {
    verdict[i] =
      active[i] !== 1
        ? UPSTREAM_STATUS
        : !consented[i]
          ? CONSENT
          : ruleSet.requireRealName && idVerified[i] !== 1
            ? REAL_NAME
            : age[i]! < ruleSet.ageRange.min || age[i]! > ruleSet.ageRange.max
              ? AGE
              : excluded.has(userIds[i]!)
                ? MODERATION
                : introducedToday[i]
                  ? INTRODUCED_THAT_DAY
                  : 0;
  }
  return { userIds, index, userKeys, verdict, group, age, idVerified, district, districts };
}
