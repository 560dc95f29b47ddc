import { DomainError } from '../../shared/envelope';
import { say } from '../../shared/error-says';
import { withAudit } from '../audit/audit-log';
import type { Db } from '../db/database';
import {
  findOperator,
  operatorById,
  type OperatorRecord,
  recordFailedSignIn,
  recordSignIn,
  setOperatorPassword,
} from './accounts';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from './passwords';
import { type ActiveSession, endSessionsOf, type SessionStore, type SessionTransport } from './sessions';

/**
 * Signing in, re-entering a password, choosing a new one. Every path checks exactly one password hash — a real
 * one, or a decoy for a name nobody has — so a wrong name, a wrong password, a disabled and a locked account take
 * the same time and get the same answer. Every attempt is audited ('session.signIn', 'session.signInFailed').
 */

/** What a one-time password's hash becomes once it was used: it matches nothing (see passwords.verifyPassword). */
const USED_ONE_TIME_PASSWORD = 'used one-time password';

export function signInFailed(): DomainError {
  return new DomainError(
    'UNAUTHORIZED',
    'the name or the password is wrong, or the account is locked for a while after repeated failures',
    say('signInFailed', {}),
  );
}

const seconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/** Records a wrong password against an account (and the lock it may bring), audited as `action`. */
function recordFailure(db: Db, account: OperatorRecord, action: string, reason: string, now: number): number | null {
  return withAudit(
    db,
    { operator: account.name, action },
    () => {
      const lockedUntil = recordFailedSignIn(db, account.id, now);
      // A lock ends the account's sessions too: someone guessing from an open window is out with the guesser.
      if (lockedUntil !== null) endSessionsOf(db, account.id, 'disabled', now);
      return lockedUntil;
    },
    (lockedUntil) => ({
      details: {
        reason,
        ...(lockedUntil !== null ? { lockedUntil: new Date(lockedUntil * 1000).toISOString() } : {}),
      },
    }),
  );
}

/**
 * Checks a name and password and starts a session for `transport`. Refuses with one generic UNAUTHORIZED for every
 * kind of failure. A one-time password is used up here: the session may then only choose a new password.
 */
export async function signIn(
  db: Db,
  sessions: SessionStore,
  name: string,
  password: string,
  transport: SessionTransport,
  at: Date = new Date(),
): Promise<{ token: string; session: ActiveSession }> {
  const now = seconds(at);
  const account = findOperator(db, name);
  const matches = await verifyPassword(password, account?.passwordHash ?? (await decoyHash()));
  if (!account) {
    // The name typed is not recorded: it may be a password typed into the wrong field.
    withAudit(
      db,
      { operator: '(unknown name)', action: 'session.signInFailed' },
      () => null,
      () => ({ details: { reason: 'unknown name' } }),
      at,
    );
    throw signInFailed();
  }
  const locked = account.lockedUntil !== null && account.lockedUntil > now;
  if (!account.enabled || locked || !matches) {
    if (!account.enabled || locked)
      withAudit(
        db,
        { operator: account.name, action: 'session.signInFailed' },
        () => null,
        () => ({ details: { reason: account.enabled ? 'locked' : 'disabled' } }),
        at,
      );
    else recordFailure(db, account, 'session.signInFailed', 'wrong password', now);
    throw signInFailed();
  }
  const rehashed =
    !account.mustChangePassword && needsRehash(account.passwordHash) ? await hashPassword(password) : null;
  const started = withAudit(
    db,
    { operator: account.name, action: 'session.signIn' },
    () => {
      recordSignIn(db, account.id, at, rehashed);
      if (account.mustChangePassword) setOperatorPassword(db, account.id, USED_ONE_TIME_PASSWORD, true, null);
      return sessions.start(account.id, transport, now);
    },
    (s) => ({
      subject: String(s.sessionId),
      details: { transport, ...(account.mustChangePassword ? { oneTimePassword: true } : {}) },
    }),
    at,
  );
  const session = sessions.check(started.token, now);
  if (!session) throw signInFailed();
  return { token: started.token, session };
}

/** The signed-in operator proves it is still them (before unmasking). A wrong password counts toward the lock. */
export async function checkOwnPassword(db: Db, session: ActiveSession, password: string, now: number): Promise<void> {
  const account = operatorById(db, session.operatorId);
  if (account && (await verifyPassword(password, account.passwordHash))) return;
  if (account) recordFailure(db, account, 'session.reauthFailed', 'wrong password', now);
  throw new DomainError('FORBIDDEN', 'the password is wrong', say('passwordWrong', {}));
}

/**
 * The operator's own new password. After a one-time password the session itself is the proof; otherwise the
 * current password is checked first. The account's other sessions end (whoever had the old password is out).
 */
export async function changeOwnPassword(
  db: Db,
  session: ActiveSession,
  currentPassword: string | undefined,
  newPassword: string,
  now: number,
): Promise<void> {
  if (!session.mustChangePassword) {
    if (currentPassword === undefined)
      throw new DomainError('INVALID_INPUT', 'currentPassword: the current password is required', {
        issues: [{ path: 'currentPassword', message: 'the current password is required' }],
      });
    await checkOwnPassword(db, session, currentPassword, now);
    if (currentPassword === newPassword)
      throw new DomainError('INVALID_INPUT', 'newPassword: choose a password other than the current one', {
        ...say('samePassword', {}),
        issues: [{ path: 'newPassword', message: 'choose a password other than the current one' }],
      });
  }
  const hash = await hashPassword(newPassword);
  withAudit(
    db,
    { operator: session.name, action: 'session.passwordChanged' },
    () =>
      setOperatorPassword(db, session.operatorId, hash, false, {
        reason: 'password changed',
        now,
        except: session.id,
      }),
    () => ({ subject: String(session.id) }),
  );
}
