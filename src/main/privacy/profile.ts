import type { Db } from '../db/database';
import { PrivacyNotFoundError } from './errors';
import { ageBand, maskName } from './mask-fields';
import { assertValidPolicy, type MaskingPolicy } from './policy';

/** A user as a masked view shows them: never the legal name, the phone, the birth year, amounts or times. */
export interface MaskedProfile {
  /** Ids are not PII (DATA-FORMAT: outbox and logs carry ids); operators need them to search. */
  userId: string;
  /** Nickname as first character + `*`. */
  displayName: string;
  gender: 'F' | 'M';
  /** e.g. `25–29`, at the policy's band width. */
  ageBand: string;
  city: string;
  district: string | null;
  /** Real-name verification passed (a badge users see), never the name itself. */
  verified: boolean;
}

/** The raw row, read only inside main. */
export interface UserRow {
  id: string;
  nickname: string;
  real_name: string | null;
  phone: string | null;
  id_verified: number;
  gender: 'F' | 'M';
  birth_year: number;
  city: string;
  district: string | null;
}

const sql = {
  user: `SELECT id, nickname, real_name, phone, id_verified, gender, birth_year, city, district FROM users WHERE id = ?`,
};

export function readUserRow(db: Db, userId: string): UserRow {
  const row = db.prepare(sql.user).get(userId) as UserRow | undefined;
  if (!row) throw new PrivacyNotFoundError(`user "${userId}" is not in the mirror`);
  return row;
}

/** Masks a user row. `reference` is the day ages are counted at (the run date for a preview). */
export function maskProfile(row: UserRow, reference: Date, policy: MaskingPolicy): MaskedProfile {
  assertValidPolicy(policy);
  return {
    userId: row.id,
    displayName: maskName(row.nickname),
    gender: row.gender,
    ageBand: ageBand(row.birth_year, reference, policy.ageBandYears, policy.timezoneOffsetMinutes),
    city: row.city,
    district: row.district,
    verified: row.id_verified === 1,
  };
}
