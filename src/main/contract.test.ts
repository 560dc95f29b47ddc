import { describe, expect, it } from 'vitest';
import { dispatch } from './dispatch';
import { handlers } from './handlers';
import { anyone } from './handlers/guards';
import { anonymousCaller, ensureTestOperator, signedIn, TEST_PASSWORD } from './testing/operators';
import { tempServices } from './testing/temp';
import { callNames, contract } from '../shared/contract';

describe('the contract', () => {
  const services = tempServices();

  it('has a handler for every call and no handler outside it', () => {
    expect(Object.keys(handlers).sort()).toEqual([...callNames].sort());
  });

  it('accepts valid input and the value satisfies the output schema', async () => {
    await ensureTestOperator(services, 'lead');
    const caller = anonymousCaller(services);
    const signedInReply = await dispatch('session.signIn', { name: ' 李娜 ', password: TEST_PASSWORD }, caller);
    expect(signedInReply).toEqual({
      ok: true,
      value: { operator: { name: '李娜', role: 'lead' }, mustChangePassword: false, idleSeconds: 1800 },
    });
    const status = await dispatch('mirror.status', {}, caller);
    expect(status.ok).toBe(true);
    if (status.ok) expect(() => contract['mirror.status'].output.parse(status.value)).not.toThrow();
  });

  it.each([
    ['session.signIn', { name: '', password: 'x' }, 'name'],
    ['session.signIn', { name: '李娜' }, 'password'],
    ['session.signIn', { name: '李娜', password: 'x', role: 'admin' }, '(input)'],
    ['session.signIn', { name: 42, password: 'x' }, 'name'],
    ['session.changePassword', { newPassword: 'short' }, 'newPassword'],
    ['jobs.cancel', {}, 'jobId'],
    ['mirror.status', { sql: 'DROP TABLE users' }, '(input)'],
    ['session.signIn', { name: '李\ud83d娜', password: 'x' }, 'name'],
    ['moderation.decide', { flagId: 1, action: 'dismiss', note: ['ok', 'half \udc00'] }, 'note.1'],
  ])('%s rejects %j at %s before any handler runs', async (name, input, path) => {
    const result = await dispatch(name, input, anonymousCaller(services));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('INVALID_INPUT');
      expect((result.error.details?.issues as { path: string }[])[0]!.path).toBe(path);
    }
  });

  it('takes a whole character outside the BMP (an emoji) as text: only half of one is refused', async () => {
    const result = await dispatch(
      'session.signIn',
      { name: '李\ud83d\ude00', password: 'x' },
      anonymousCaller(services),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });

  it('lets only the fields the contract names cross: extra ones are dropped, a wrong reply is an error', async () => {
    // A handler that returns a whole row where the contract wants an operator: the phone never leaves main.
    const leaky = {
      ...handlers,
      'session.get': anyone(() => ({
        operator: { name: '李娜', role: 'lead', phone: '13812345678' },
        mustChangePassword: false,
        idleSeconds: 60,
      })),
    } as unknown as typeof handlers;
    expect(await dispatch('session.get', {}, anonymousCaller(services), leaky)).toEqual({
      ok: true,
      value: { operator: { name: '李娜', role: 'lead' }, mustChangePassword: false, idleSeconds: 60 },
    });
    const wrong = {
      ...handlers,
      'session.get': anyone(() => ({ operator: { name: 42 } }) as never),
    } as unknown as typeof handlers;
    expect(await dispatch('session.get', {}, anonymousCaller(services), wrong)).toMatchObject({
      ok: false,
      error: {
        code: 'INTERNAL',
        message: expect.stringContaining('session.get: the reply does not match the contract at operator'),
      },
    });
  });

  it('names an unknown call as such', async () => {
    expect(await dispatch('db.exec', {}, anonymousCaller(services))).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_CALL' },
    });
  });

  it('turns a domain error into its code', async () => {
    expect(await dispatch('jobs.cancel', { jobId: 'import-nope' }, await signedIn(services, 'reviewer'))).toMatchObject(
      { ok: false, error: { code: 'NOT_FOUND' } },
    );
  });
});
