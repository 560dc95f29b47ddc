import { describe, expect, it } from 'vitest';
import { listAudit } from '../audit/audit-log';
import { TEST_PASSWORD } from '../testing/operators';
import { tempServices } from '../testing/temp';
import {
  createOperator,
  findOperator,
  listOperators,
  lockSeconds,
  MAX_FAILED_SIGN_INS,
  setOperatorEnabled,
  setOperatorPassword,
  setOperatorRole,
} from './accounts';
import { createFirstAdmin, FIRST_ADMIN } from './bootstrap';
import { hashPassword, needsRehash, oneTimePassword, PASSWORD_PARAMS, verifyPassword } from './passwords';
import { parseIdleTimeout } from './sessions';
import { changeOwnPassword, MAX_WAITING_CHECKS, signIn } from './sign-in';
import { newPasswordSchema } from '../../shared/contract';

const CHEAP = { N: 2 ** 10, r: 8, p: 1 };
const T0 = new Date('2026-11-25T01:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const s = (d: Date) => Math.floor(d.getTime() / 1000);

describe('passwords', () => {
  it('are scrypt hashes carrying their own parameters, never the password', async () => {
    const hash = await hashPassword('correct horse battery', CHEAP);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(hash).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
    // Two hashes of one password differ (salted); both verify.
    const again = await hashPassword('correct horse battery', CHEAP);
    expect(again).not.toBe(hash);
    expect(await verifyPassword('correct horse battery', again)).toBe(true);
    // The same password typed as composed or decomposed Unicode is one password.
    const composed = await hashPassword('密码é1234567', CHEAP);
    expect(await verifyPassword('密码e\u03011234567', composed)).toBe(true);
  });

  it('a malformed stored hash matches nothing; weaker parameters ask for a re-hash', async () => {
    expect(await verifyPassword('anything', 'used one-time password')).toBe(false);
    expect(needsRehash(await hashPassword('x', CHEAP))).toBe(true);
    expect(needsRehash(`scrypt$${PASSWORD_PARAMS.N}$${PASSWORD_PARAMS.r}$${PASSWORD_PARAMS.p}$a$b`)).toBe(false);
  });

  it('a chosen password needs its length and at least 3 different characters besides spaces', () => {
    for (const weak of [' '.repeat(10), 'a'.repeat(12), 'ab'.repeat(6), ' a a a a b b b ', 'short 12'])
      expect(newPasswordSchema.safeParse(weak).success, JSON.stringify(weak)).toBe(false);
    for (const fine of ['correct horse', 'abcabcabca', '密码很长的一句话啊对吧'])
      expect(newPasswordSchema.safeParse(fine).success, fine).toBe(true);
  });

  it('one-time passwords are long, varied and free of look-alike characters', () => {
    const seen = new Set(Array.from({ length: 200 }, () => oneTimePassword()));
    expect(seen.size).toBe(200);
    for (const p of seen) expect(p).toMatch(/^([a-km-np-zA-HJ-NP-Z2-9]{4}-){3}[a-km-np-zA-HJ-NP-Z2-9]{4}$/);
  });
});

describe('accounts, sign-in and sessions', () => {
  const services = tempServices();
  const { db, sessions } = services;
  const add = async (name: string, role: 'reviewer' | 'lead' | 'admin', mustChangePassword = false) =>
    createOperator(db, {
      name,
      role,
      passwordHash: await hashPassword(TEST_PASSWORD, CHEAP),
      mustChangePassword,
      createdBy: 'test',
    });
  const signInAt = (name: string, password: string, when = T0) => signIn(db, sessions, name, password, 'test', when);
  const auditOf = (action: string) => listAudit(db, 1000).filter((a) => a.action === action);

  it('signs in with name and password, records the time, and re-hashes weak parameters', async () => {
    await add('李娜', 'lead');
    const { token, session } = await signInAt(' 李娜 '.trim(), TEST_PASSWORD);
    expect(session).toMatchObject({ name: '李娜', role: 'lead', mustChangePassword: false });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = findOperator(db, '李娜')!;
    expect(stored.lastSignInAt).toBe(T0.toISOString());
    expect(needsRehash(stored.passwordHash)).toBe(false);
    expect(await verifyPassword(TEST_PASSWORD, stored.passwordHash)).toBe(true);
    // Names are one account whatever their case.
    expect((await signInAt('李娜', TEST_PASSWORD)).session.name).toBe('李娜');
    expect(auditOf('session.signIn').map((a) => a.operator)).toEqual(['李娜', '李娜']);
  });

  it('answers a wrong name, a wrong password and a disabled account alike, and audits each attempt', async () => {
    await add('周强', 'reviewer');
    const failures = await Promise.all([
      signInAt('nobody', TEST_PASSWORD).catch((e: unknown) => e),
      signInAt('周强', 'wrong password').catch((e: unknown) => e),
    ]);
    setOperatorEnabled(db, 'admin', '周强', false, s(T0));
    failures.push(await signInAt('周强', TEST_PASSWORD).catch((e: unknown) => e));
    for (const f of failures)
      expect(f).toMatchObject({ code: 'UNAUTHORIZED', details: { say: { id: 'signInFailed', params: {} } } });
    expect(new Set(failures.map((f) => (f as Error).message)).size).toBe(1);
    const attempts = auditOf('session.signInFailed');
    expect(attempts.map((a) => `${a.operator} ${String(a.details.reason)}`).sort()).toEqual([
      '(unknown name) unknown name',
      '周强 disabled',
      '周强 wrong password',
    ]);
    // The name typed under an unknown account is not kept: it may be a password typed in the wrong field.
    expect(JSON.stringify(listAudit(db, 1000))).not.toContain('nobody');
  });

  it(`locks an account after ${MAX_FAILED_SIGN_INS} failures in a row, longer each time, shown to admins`, async () => {
    await add('吴敏', 'reviewer');
    const fail = (when: Date) => signInAt('吴敏', 'not the password', when).catch((e: unknown) => e);
    for (let i = 0; i < MAX_FAILED_SIGN_INS - 1; i++) await fail(at(i));
    expect(findOperator(db, '吴敏')).toMatchObject({ failedAttempts: 4, lockedUntil: null });
    await fail(at(4));
    const first = findOperator(db, '吴敏')!;
    expect(first).toMatchObject({ lockouts: 1, lockedUntil: s(at(4)) + lockSeconds(0) });
    // Locked: even the right password is refused, with the same answer, until the lock ends.
    expect(await signInAt('吴敏', TEST_PASSWORD, at(30)).catch((e: unknown) => e)).toMatchObject({
      code: 'UNAUTHORIZED',
    });
    const view = listOperators(db, s(at(30))).find((o) => o.name === '吴敏')!;
    expect(view).toMatchObject({ lockouts: 1, lockedUntil: new Date((s(at(4)) + 60) * 1000).toISOString() });
    // After the lock: five more failures lock it four times as long.
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) await fail(at(100 + i));
    expect(findOperator(db, '吴敏')).toMatchObject({ lockouts: 2, lockedUntil: s(at(104)) + 4 * 60 });
    expect(lockSeconds(10)).toBe(86_400);
    expect(auditOf('session.signInFailed').filter((a) => a.details.lockedUntil !== undefined)).toHaveLength(2);
    // A good sign-in after the lock clears the count.
    expect((await signInAt('吴敏', TEST_PASSWORD, at(400))).session.name).toBe('吴敏');
    expect(findOperator(db, '吴敏')).toMatchObject({ failedAttempts: 0, lockedUntil: null, lockouts: 0 });
  });

  it('guesses sent all at once meet the lock one by one: the right password after five wrong ones is refused', async () => {
    await add('Feng Tao', 'lead');
    // As many as may wait their turn (the right one last), then three more than that: all sent together, under two
    // spellings of the name the one account answers to.
    const queued = [...Array.from({ length: MAX_WAITING_CHECKS - 1 }, (_, i) => `wrong guess ${i}`), TEST_PASSWORD];
    const guesses = [...queued, 'one more', 'and another', 'and a third'];
    const answers = await Promise.all(
      guesses.map((g, i) => signInAt(i % 2 ? 'Feng Tao' : 'FENG TAO', g, at(i)).catch((e: unknown) => e)),
    );
    answers.slice(0, queued.length).forEach((a) => expect(a).toMatchObject({ code: 'UNAUTHORIZED' }));
    answers.slice(queued.length).forEach((a) => expect(a).toMatchObject({ code: 'BUSY' }));
    const reasons = auditOf('session.signInFailed')
      .filter((a) => a.operator === 'Feng Tao')
      .map((a) => String(a.details.reason));
    expect(reasons.filter((r) => r === 'wrong password')).toHaveLength(MAX_FAILED_SIGN_INS);
    expect(reasons.filter((r) => r === 'locked')).toHaveLength(queued.length - MAX_FAILED_SIGN_INS);
    expect(reasons.filter((r) => r === 'too many password checks at once')).toHaveLength(3);
    expect(findOperator(db, 'Feng Tao')).toMatchObject({ lockouts: 1 });
  });

  it('a one-time password used twice at once signs in once', async () => {
    const otp = oneTimePassword();
    await createOperator(db, {
      name: '陈晨',
      role: 'lead',
      passwordHash: await hashPassword(otp, CHEAP),
      mustChangePassword: true,
      createdBy: 'test',
    });
    const both = await Promise.allSettled([signInAt('陈晨', otp), signInAt('陈晨', otp)]);
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('a session guessing its own password all at once is locked out before the right guess changes it', async () => {
    await add('蒋华', 'lead');
    const { session } = await signInAt('蒋华', TEST_PASSWORD);
    const guesses = [...Array.from({ length: 7 }, (_, i) => `wrong guess ${i}`), TEST_PASSWORD];
    const answers = await Promise.all(
      guesses.map((g) => changeOwnPassword(db, session, g, 'taken over 123', s(T0)).catch((e: unknown) => e)),
    );
    for (const a of answers) expect(a).toMatchObject({ code: 'FORBIDDEN' });
    expect(await verifyPassword(TEST_PASSWORD, findOperator(db, '蒋华')!.passwordHash)).toBe(true);
    expect(findOperator(db, '蒋华')).toMatchObject({ lockouts: 1 });
    expect(auditOf('session.reauthFailed').filter((a) => a.operator === '蒋华')).toHaveLength(MAX_FAILED_SIGN_INS);
  });

  it('a one-time password works once, and its session may only choose a new password', async () => {
    const made = await createFirstAdmin(db, 'test');
    expect(made).toBeNull(); // this mirror already has operators
    const otp = oneTimePassword();
    const account = await createOperator(db, {
      name: '郑一',
      role: 'lead',
      passwordHash: await hashPassword(otp, CHEAP),
      mustChangePassword: true,
      createdBy: 'test',
    });
    const { token, session } = await signInAt('郑一', otp);
    expect(session.mustChangePassword).toBe(true);
    await expect(signInAt('郑一', otp)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await changeOwnPassword(db, session, undefined, 'my own password 1', s(T0));
    expect(sessions.check(token, s(T0))).toMatchObject({ mustChangePassword: false });
    expect((await signInAt('郑一', 'my own password 1')).session.operatorId).toBe(account.id);
  });

  it('changing a password checks the current one and ends the account’s other sessions', async () => {
    await add('孙丽', 'reviewer');
    const a = await signInAt('孙丽', TEST_PASSWORD);
    const b = await signInAt('孙丽', TEST_PASSWORD);
    await expect(changeOwnPassword(db, a.session, 'wrong', 'new password 12', s(T0))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(changeOwnPassword(db, a.session, TEST_PASSWORD, TEST_PASSWORD, s(T0))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await changeOwnPassword(db, a.session, TEST_PASSWORD, 'new password 12', s(T0));
    expect(sessions.check(a.token, s(T0))?.name).toBe('孙丽');
    expect(sessions.check(b.token, s(T0))).toBeNull();
    await expect(signInAt('孙丽', TEST_PASSWORD)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('sessions end when idle, when the account is disabled or its password reset; only their hash is stored', async () => {
    await add('钱进', 'reviewer');
    const { token } = await signInAt('钱进', TEST_PASSWORD);
    const idle = sessions.idleSeconds;
    const live = sessions.check(token, s(T0) + idle - 1)!;
    sessions.touch(live, s(T0) + idle - 1);
    expect(sessions.check(token, s(T0) + 2 * idle - 2)?.name).toBe('钱进');
    expect(sessions.check(token, s(T0) + 2 * idle + 60)).toBeNull();
    expect(db.prepare(`SELECT end_reason FROM operator_sessions ORDER BY id DESC LIMIT 1`).pluck().get()).toBe('idle');
    expect(db.prepare(`SELECT count(*) FROM operator_sessions WHERE token_hash = ?`).pluck().get(token)).toBe(0);

    const second = await signInAt('钱进', TEST_PASSWORD);
    setOperatorEnabled(db, 'admin', '钱进', false, s(T0));
    expect(sessions.check(second.token, s(T0))).toBeNull();
    setOperatorEnabled(db, 'admin', '钱进', true, s(T0));
    const third = await signInAt('钱进', TEST_PASSWORD);
    setOperatorPassword(db, third.session.operatorId, await hashPassword('reset password 1', CHEAP), true, {
      reason: 'password changed',
      now: s(T0),
    });
    expect(sessions.check(third.token, s(T0))).toBeNull();
  });

  it('nobody changes their own role or disables themselves; the last enabled admin stays', async () => {
    await add('管理一', 'admin');
    await expect(async () => setOperatorRole(db, '管理一', '管理一', 'reviewer')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(async () => setOperatorEnabled(db, '管理一', '管理一', false, s(T0))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    // Another admin may not take away the last one either.
    await expect(async () => setOperatorRole(db, '李娜', '管理一', 'lead')).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { say: { id: 'lastAdmin' } },
    });
    await expect(async () => setOperatorEnabled(db, '李娜', '管理一', false, s(T0))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await add('管理二', 'admin');
    setOperatorRole(db, '管理二', '管理一', 'lead');
    expect(findOperator(db, '管理一')?.role).toBe('lead');
    await expect(async () => setOperatorEnabled(db, '李娜', '管理二', false, s(T0))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });
});

describe('the decoy hash', () => {
  const services = tempServices();

  it('an unknown name is checked against is made with the services, before any sign-in asks for it', async () => {
    // Made by the first unknown name instead, that attempt paid a second hash: slower than any known name's.
    expect(listAudit(services.db, 10)).toEqual([]);
    const { N, r, p } = PASSWORD_PARAMS;
    await expect(services.sessions.decoyHash).resolves.toMatch(new RegExp(`^scrypt\\$${N}\\$${r}\\$${p}\\$`));
    await expect(signIn(services.db, services.sessions, 'nobody', TEST_PASSWORD, 'test')).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });
});

describe('the first admin', () => {
  const services = tempServices();
  it('is made once, on a mirror without operators, with a one-time password that works once', async () => {
    const made = (await createFirstAdmin(services.db, 'first start'))!;
    expect(made.name).toBe(FIRST_ADMIN);
    expect(await createFirstAdmin(services.db, 'first start')).toBeNull();
    const { session } = await signIn(services.db, services.sessions, made.name, made.oneTimePassword, 'test');
    expect(session).toMatchObject({ role: 'admin', mustChangePassword: true });
    await expect(signIn(services.db, services.sessions, made.name, made.oneTimePassword, 'test')).rejects.toMatchObject(
      { code: 'UNAUTHORIZED' },
    );
  });
});

describe('idle timeout settings', () => {
  it('reads 30m, 90s, 2h and plain minutes, and names a bad value', () => {
    expect(parseIdleTimeout('30m', 'x')).toBe(1800);
    expect(parseIdleTimeout('90s', 'x')).toBe(90);
    expect(parseIdleTimeout('2h', 'x')).toBe(7200);
    expect(parseIdleTimeout('15', 'x')).toBe(900);
    expect(parseIdleTimeout(undefined, 'x')).toBeUndefined();
    expect(() => parseIdleTimeout('soon', '--idle-timeout')).toThrow('--idle-timeout: an idle timeout such as');
    expect(() => parseIdleTimeout('0s', '--idle-timeout')).toThrow();
  });
});
