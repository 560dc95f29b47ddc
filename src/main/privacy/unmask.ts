import { appendAudit } from '../audit/audit-log';
import type { Db } from '../db/database';
import { ForbiddenError, PrivacyInputError } from './errors';
import { readUserRow } from './profile';
import { say } from '../../shared/error-says';

/**
 * Unmask on demand: the one documented way raw PII leaves main. A lead (never a reviewer), with a typed reason,
 * sees the raw fields of ONE account; the grant is valid for {@link UNMASK_SECONDS} (the renderer hides the fields
 * when it expires) and the event is appended to the audit log with the operator and the reason, in the same
 * breath as the read.
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
  auditId: number;
}

export function unmaskAccount(
  db: Db,
  operator: { name: string; role: 'reviewer' | 'lead' },
  userId: string,
  reason: string,
  now: Date = new Date(),
): UnmaskedAccount {
  if (operator.role !== 'lead') {
    throw new ForbiddenError(
      `unmask: only a lead may see raw account fields; ${operator.name} is signed in as ${operator.role}`,
      say('leadOnly', {}),
    );
  }
  const why = reason.trim();
  if ([...why].length < UNMASK_REASON_MIN_CHARS) {
    throw new PrivacyInputError(
      `reason: say why you need the raw fields, in at least ${UNMASK_REASON_MIN_CHARS} characters (got ${[...why].length})`,
    );
  }
  return db.transaction(() => {
    const row = readUserRow(db, userId);
    const expires = new Date(now.getTime() + UNMASK_SECONDS * 1000);
    const auditId = appendAudit(
      db,
      {
        operator: operator.name,
        action: 'privacy.unmask',
        subject: row.id,
        details: { reason: why, validSeconds: UNMASK_SECONDS, expiresAt: expires.toISOString() },
      },
      now,
    );
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
      auditId,
    };
  })();
}
