import type { OperatorAccountView } from '../../shared/contract/operators';
import { type OperatorRole, roleAtLeast } from '../../shared/domain/operator-roles';
import { DomainError } from '../../shared/envelope';
import { say } from '../../shared/error-says';
import type { Db } from '../db/database';
import { endSessionsOf } from './sessions';

/**
 * Operator accounts in the mirror (migration 007). Rules that hold whoever asks — the UI, the CLI, a script:
 * nobody changes their own role or disables themselves, and the last enabled admin stays an enabled admin.
 */

/** Failed sign-ins in a row that lock an account. */
export const MAX_FAILED_SIGN_INS = 5;
/** Each lock lasts four times the one before (1 min, 4 min, 16 min, …), at most a day. */
export function lockSeconds(previousLockouts: number): number {
  return Math.min(60 * 4 ** previousLockouts, 86_400);
}

export interface OperatorRecord {
  id: number;
  name: string;
  role: OperatorRole;
  enabled: boolean;
  passwordHash: string;
  mustChangePassword: boolean;
  createdAt: string;
  createdBy: string;
  lastSignInAt: string | null;
  failedAttempts: number;
  lockedUntil: number | null;
  lockouts: number;
}

interface Row {
  id: number;
  name: string;
  role: OperatorRole;
  enabled: number;
  password_hash: string;
  must_change_password: number;
  created_at: string;
  created_by: string;
  last_sign_in_at: string | null;
  failed_attempts: number;
  locked_until: number | null;
  lockouts: number;
}

const sql = {
  byName: `SELECT * FROM operators WHERE name = ?`,
  byId: `SELECT * FROM operators WHERE id = ?`,
  all: `SELECT o.*, (SELECT count(*) FROM operator_sessions s WHERE s.operator_id = o.id AND s.ended_at IS NULL) AS sessions
        FROM operators o ORDER BY o.enabled DESC, o.name`,
  count: `SELECT count(*) FROM operators`,
  enabledAdmins: `SELECT count(*) FROM operators WHERE role = 'admin' AND enabled = 1`,
  insert: `INSERT INTO operators (name, role, password_hash, must_change_password, created_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
  setRole: `UPDATE operators SET role = ? WHERE id = ?`,
  setEnabled: `UPDATE operators SET enabled = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?`,
  setPassword: `UPDATE operators SET password_hash = ?, must_change_password = ?, failed_attempts = 0, locked_until = NULL, lockouts = 0 WHERE id = ?`,
  failed: `UPDATE operators SET failed_attempts = failed_attempts + 1 WHERE id = ? RETURNING failed_attempts, lockouts`,
  lock: `UPDATE operators SET failed_attempts = 0, locked_until = ?, lockouts = lockouts + 1 WHERE id = ?`,
  signedIn: `UPDATE operators SET last_sign_in_at = ?, failed_attempts = 0, locked_until = NULL, lockouts = 0 WHERE id = ?`,
  rehash: `UPDATE operators SET password_hash = ? WHERE id = ?`,
} as const;

function toRecord(r: Row): OperatorRecord {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    enabled: r.enabled === 1,
    passwordHash: r.password_hash,
    mustChangePassword: r.must_change_password === 1,
    createdAt: r.created_at,
    createdBy: r.created_by,
    lastSignInAt: r.last_sign_in_at,
    failedAttempts: r.failed_attempts,
    lockedUntil: r.locked_until,
    lockouts: r.lockouts,
  };
}

/** Whether failed sign-ins keep the account locked at `now` (unix seconds). */
export function isLocked(o: OperatorRecord, now: number): boolean {
  return o.lockedUntil !== null && o.lockedUntil > now;
}

/** What admins see of an account: never its hash. */
export function accountView(o: OperatorRecord, activeSessions: number, now: number): OperatorAccountView {
  return {
    name: o.name,
    role: o.role,
    enabled: o.enabled,
    mustChangePassword: o.mustChangePassword,
    createdAt: o.createdAt,
    createdBy: o.createdBy,
    lastSignInAt: o.lastSignInAt,
    failedAttempts: o.failedAttempts,
    lockedUntil: isLocked(o, now) ? new Date(o.lockedUntil! * 1000).toISOString() : null,
    lockouts: o.lockouts,
    activeSessions,
  };
}

export function findOperator(db: Db, name: string): OperatorRecord | null {
  const row = db.prepare<[string], Row>(sql.byName).get(name);
  return row ? toRecord(row) : null;
}

export function getOperator(db: Db, name: string): OperatorRecord {
  const found = findOperator(db, name);
  if (!found)
    throw new DomainError('NOT_FOUND', `there is no operator named "${name}"`, say('operatorUnknown', { name }));
  return found;
}

export function operatorById(db: Db, id: number): OperatorRecord | null {
  const row = db.prepare<[number], Row>(sql.byId).get(id);
  return row ? toRecord(row) : null;
}

export function countOperators(db: Db): number {
  return db.prepare(sql.count).pluck().get() as number;
}

/** One account as admins see it. */
export function describeOperator(db: Db, name: string, now: number): OperatorAccountView {
  const found = listOperators(db, now).find((o) => o.name === getOperator(db, name).name);
  return found!;
}

export function listOperators(db: Db, now: number): OperatorAccountView[] {
  return db
    .prepare<[], Row & { sessions: number }>(sql.all)
    .all()
    .map((r) => accountView(toRecord(r), r.sessions, now));
}

export interface NewOperator {
  name: string;
  role: OperatorRole;
  /** From hashPassword: this module never sees a password. */
  passwordHash: string;
  /** A one-time password: the first sign-in must choose a new one. */
  mustChangePassword: boolean;
  createdBy: string;
}

export function createOperator(db: Db, account: NewOperator, at: Date = new Date()): OperatorRecord {
  if (findOperator(db, account.name))
    throw new DomainError(
      'CONFLICT',
      `an operator named "${account.name}" already exists`,
      say('operatorExists', { name: account.name }),
    );
  const row = db
    .prepare<[string, string, string, number, string, string], Row>(sql.insert)
    .get(
      account.name,
      account.role,
      account.passwordHash,
      account.mustChangePassword ? 1 : 0,
      at.toISOString(),
      account.createdBy,
    )!;
  return toRecord(row);
}

function enabledAdmins(db: Db): number {
  return db.prepare(sql.enabledAdmins).pluck().get() as number;
}

/** The one admin nobody may take away: refuses when `target` is the last enabled admin. */
function keepLastAdmin(db: Db, target: OperatorRecord, what: string): void {
  if (target.role === 'admin' && target.enabled && enabledAdmins(db) <= 1)
    throw new DomainError(
      'CONFLICT',
      `${what}: ${target.name} is the last enabled admin; make another admin first`,
      say('lastAdmin', { name: target.name }),
    );
}

/** `actor` gives `name` another role. Nobody changes their own (so nobody raises their own). */
export function setOperatorRole(db: Db, actor: string, name: string, role: OperatorRole): OperatorRecord {
  return db.transaction(() => {
    const target = getOperator(db, name);
    if (target.name === actor)
      throw new DomainError('FORBIDDEN', `${actor} cannot change their own role`, say('ownRole', {}));
    if (target.role === role) return target;
    if (!roleAtLeast(role, 'admin')) keepLastAdmin(db, target, `make ${target.name} a ${role}`);
    db.prepare(sql.setRole).run(role, target.id);
    return getOperator(db, name);
  })();
}

/** Disabling ends the account's sessions at once; enabling lifts a lock too. Nobody disables themselves. */
export function setOperatorEnabled(db: Db, actor: string, name: string, enabled: boolean, now: number): OperatorRecord {
  return db.transaction(() => {
    const target = getOperator(db, name);
    if (!enabled) {
      if (target.name === actor)
        throw new DomainError('FORBIDDEN', `${actor} cannot disable their own account`, say('ownAccount', {}));
      keepLastAdmin(db, target, `disable ${target.name}`);
    }
    db.prepare(sql.setEnabled).run(enabled ? 1 : 0, target.id);
    if (!enabled) endSessionsOf(db, target.id, 'disabled', now);
    return getOperator(db, name);
  })();
}

/**
 * A new password hash (a reset's one-time password, or the operator's own choice): lifts a lock and, for a reset,
 * ends the account's sessions (`endSessions`), so whoever had the old password is out.
 */
export function setOperatorPassword(
  db: Db,
  operatorId: number,
  passwordHash: string,
  mustChangePassword: boolean,
  endSessions: { reason: 'password changed'; now: number; except?: number } | null,
): void {
  db.transaction(() => {
    db.prepare(sql.setPassword).run(passwordHash, mustChangePassword ? 1 : 0, operatorId);
    if (endSessions) endSessionsOf(db, operatorId, endSessions.reason, endSessions.now, endSessions.except);
  })();
}

/** One more failed sign-in; the fifth in a row locks the account for longer each time. Returns the lock's end. */
export function recordFailedSignIn(db: Db, operatorId: number, now: number): number | null {
  return db.transaction(() => {
    const after = db.prepare<[number], { failed_attempts: number; lockouts: number }>(sql.failed).get(operatorId);
    if (!after || after.failed_attempts < MAX_FAILED_SIGN_INS) return null;
    const until = now + lockSeconds(after.lockouts);
    db.prepare(sql.lock).run(until, operatorId);
    return until;
  })();
}

export function recordSignIn(db: Db, operatorId: number, at: Date, rehashed: string | null): void {
  db.transaction(() => {
    db.prepare(sql.signedIn).run(at.toISOString(), operatorId);
    if (rehashed) db.prepare(sql.rehash).run(rehashed, operatorId);
  })();
}
