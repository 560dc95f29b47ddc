import type { AuditAction } from '../../shared/domain/audit-actions';
import { DomainError } from '../../shared/envelope';
import { say } from '../../shared/error-says';
import { withAudit } from '../audit/audit-log';
import type { Db } from '../db/database';
import {
  findOperator,
  isLocked,
  operatorById,
  type OperatorRecord,
  recordFailedSignIn,
  recordSignIn,
  setOperatorPassword,
} from './accounts';
import { hashPassword, needsRehash, verifyPassword } from './passwords';
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

/**
 * Password checks run one at a time per key (a name typed at sign-in, an account re-entering its password), each
 * reading the account when its turn comes and again after the hash: checking a hash takes ~150 ms off the loop, and
 * checks that ran side by side all read the account before any failure was recorded — forty guesses sent at once
 * were all checked and the right one signed in through the lock, and a one-time password worked twice. In turn, the
 * sixth guess meets the lock the fifth set. Sign-in is keyed by the name as typed, known or not, so a name nobody has
 * queues exactly as a real one does (no answer time tells them apart).
 */
const checksInTurn = new WeakMap<Db, Map<string, { tail: Promise<void>; waiting: number }>>();

/**
 * Checks waiting for one key beyond this are refused at once (BUSY): a flood of guesses for one name would otherwise
 * hold a request and a queue place each, for minutes, ahead of the real person's sign-in.
 */
export const MAX_WAITING_CHECKS = 8;

async function inTurn<T>(db: Db, key: string, check: () => Promise<T>, refuse: () => Error): Promise<T> {
  let queues = checksInTurn.get(db);
  if (!queues) checksInTurn.set(db, (queues = new Map()));
  let queue = queues.get(key);
  if (!queue) queues.set(key, (queue = { tail: Promise.resolve(), waiting: 0 }));
  if (queue.waiting >= MAX_WAITING_CHECKS) throw refuse();
  const q = queue;
  q.waiting++;
  const turn = q.tail.then(check);
  q.tail = turn.then(
    () => undefined,
    () => undefined,
  );
  try {
    return await turn;
  } finally {
    if (--q.waiting === 0 && queues.get(key) === q) queues.delete(key);
  }
}

function tooManyChecks(db: Db, operator: string): DomainError {
  withAudit(
    db,
    { operator, action: 'session.signInFailed' },
    () => null,
    () => ({ details: { reason: 'too many password checks at once' } }),
  );
  return new DomainError('BUSY', 'too many password checks for this name at once; try again shortly', say('busy', {}));
}

/** Records a wrong password against an account (and the lock it may bring), audited as `action`. */
function recordFailure(
  db: Db,
  account: OperatorRecord,
  action: AuditAction,
  reason: string,
  now: number,
): number | null {
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
  return inTurn(
    db,
    `name:${name.toLowerCase()}`,
    () => signInInTurn(db, sessions, name, password, transport, at),
    () => tooManyChecks(db, findOperator(db, name)?.name ?? '(unknown name)'),
  );
}

async function signInInTurn(
  db: Db,
  sessions: SessionStore,
  name: string,
  password: string,
  transport: SessionTransport,
  at: Date,
): Promise<{ token: string; session: ActiveSession }> {
  const now = seconds(at);
  const checked = findOperator(db, name);
  const matches = await verifyPassword(password, checked?.passwordHash ?? (await sessions.decoyHash));
  // The account as it is now, after the hash: an admin may have disabled it or reset its password meanwhile.
  const account = checked && findOperator(db, name);
  if (checked && (!account || account.id !== checked.id || account.passwordHash !== checked.passwordHash)) {
    withAudit(
      db,
      { operator: checked.name, action: 'session.signInFailed' },
      () => null,
      () => ({ details: { reason: 'password changed during the check' } }),
      at,
    );
    throw signInFailed();
  }
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
  const locked = isLocked(account, now);
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

/**
 * The account read again after an await (`after`) is still the one read before it (`before`): there, enabled, not
 * locked, its password unchanged — no lock, disable or reset happened while a hash was computed.
 */
function stillOpen(before: OperatorRecord | null, after: OperatorRecord | null, now: number): after is OperatorRecord {
  return (
    before !== null &&
    after !== null &&
    after.enabled &&
    after.passwordHash === before.passwordHash &&
    !isLocked(after, now)
  );
}

/** The signed-in operator proves it is still them (before unmasking). A wrong password counts toward the lock. */
export async function checkOwnPassword(db: Db, session: ActiveSession, password: string, now: number): Promise<void> {
  return inTurn(
    db,
    `account:${session.operatorId}`,
    () => checkOwnPasswordInTurn(db, session, password, now),
    () => tooManyChecks(db, session.name),
  );
}

async function checkOwnPasswordInTurn(db: Db, session: ActiveSession, password: string, now: number): Promise<void> {
  const checked = operatorById(db, session.operatorId);
  const matches = checked !== null && (await verifyPassword(password, checked.passwordHash));
  // After the hash: a lock another check set meanwhile (it also ended this session), a password changed meanwhile.
  const account = operatorById(db, session.operatorId);
  const usable = stillOpen(checked, account, now);
  if (usable && matches) return;
  if (usable) recordFailure(db, account, 'session.reauthFailed', 'wrong password', now);
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
  if (!session.mustChangePassword && currentPassword === undefined)
    throw new DomainError('INVALID_INPUT', 'currentPassword: the current password is required', {
      issues: [{ path: 'currentPassword', message: 'the current password is required' }],
    });
  // The whole change in the account's turn: a lock that other guesses set between the check and the write must
  // stop the write, not be cleared by it.
  return inTurn(db, `account:${session.operatorId}`, changeInTurn, () => tooManyChecks(db, session.name));
  async function changeInTurn(): Promise<void> {
    const before = operatorById(db, session.operatorId);
    if (currentPassword !== undefined && !session.mustChangePassword) {
      await checkOwnPasswordInTurn(db, session, currentPassword, now);
      if (currentPassword === newPassword)
        throw new DomainError('INVALID_INPUT', 'newPassword: choose a password other than the current one', {
          ...say('samePassword', {}),
          issues: [{ path: 'newPassword', message: 'choose a password other than the current one' }],
        });
    }
    const hash = await hashPassword(newPassword);
    if (!stillOpen(before, operatorById(db, session.operatorId), now))
      throw new DomainError(
        'FORBIDDEN',
        'the account was locked, disabled or had its password reset during the change; the new password was not saved',
        say('accountChangedMeanwhile', {}),
      );
    writeOwnPassword(db, session, hash, now);
  }
}

function writeOwnPassword(db: Db, session: ActiveSession, hash: string, now: number): void {
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
