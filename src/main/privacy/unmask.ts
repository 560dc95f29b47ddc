import type { Db } from '../db/database';
import { PrivacyInputError } from './errors';
import { readUserRow } from './profile';

/**
 * Unmask on demand: the one documented way raw PII leaves main. A lead (never a reviewer), with a typed reason and
 * their password re-entered, sees the raw fields of ONE account; the grant is valid for {@link UNMASK_SECONDS} (the
 * renderer hides the fields when it expires). Who may call it, the password and the audit row (operator and reason,
 * in the same transaction as the read) are the handler's declaration: `preview.unmask` in handlers/preview.ts.
 */
export const UNMASK_SECONDS = 60;
export const UNMASK_REASON_MIN_CHARS = 10;

export interface UnmaskedAccount {
  userId: string;
  nickname: string;
  realName: string | null;
  phone: string | null;
  birthYear: number;
  gender: 'F' | 'M';
  city: string;
  district: string | null;
  /** ISO-8601: the renderer hides the fields at this instant. */
  expiresAt: string;
  validSeconds: number;
}

export function unmaskAccount(db: Db, userId: string, reason: string, now: Date = new Date()): UnmaskedAccount {
  const why = reason.trim();
  if ([...why].length < UNMASK_REASON_MIN_CHARS) {
    throw new PrivacyInputError(
      `reason: say why you need the raw fields, in at least ${UNMASK_REASON_MIN_CHARS} characters (got ${[...why].length})`,
    );
  }
  const row = readUserRow(db, userId);
  const expires = new Date(now.getTime() + UNMASK_SECONDS * 1000);
  return {
    userId: row.id,
    nickname: row.nickname,
    realName: row.real_name,
    phone: row.phone,
    birthYear: row.birth_year,
    gender: row.gender,
    city: row.city,
    district: row.district,
    expiresAt: expires.toISOString(),
    validSeconds: UNMASK_SECONDS,
  };
}
