import { describe, expect, it } from 'vitest';
import { dispatch } from './dispatch';
import { handlers } from './handlers';
import { tempServices } from './testing/temp';
import { callNames, contract } from '../shared/contract';

describe('the contract', () => {
  const services = tempServices();

  it('has a handler for every call and no handler outside it', () => {
    expect(Object.keys(handlers).sort()).toEqual([...callNames].sort());
  });

  it('accepts valid input and the value satisfies the output schema', async () => {
    const signedIn = await dispatch('session.signIn', { name: ' 李娜 ', role: 'lead' }, services);
    expect(signedIn).toEqual({ ok: true, value: { operator: { name: '李娜', role: 'lead' } } });
    const status = await dispatch('mirror.status', {}, services);
    expect(status.ok).toBe(true);
    if (status.ok) expect(() => contract['mirror.status'].output.parse(status.value)).not.toThrow();
  });

  it.each([
    ['session.signIn', { name: '', role: 'lead' }, 'name'],
    ['session.signIn', { name: '李娜', role: 'admin' }, 'role'],
    ['session.signIn', { name: '李娜', role: 'lead', isAdmin: true }, '(input)'],
    ['session.signIn', { name: 42, role: 'lead' }, 'name'],
    ['jobs.cancel', {}, 'jobId'],
    ['mirror.status', { sql: 'DROP TABLE users' }, '(input)'],
  ])('%s rejects %j at %s before any handler runs', async (name, input, path) => {
    const result = await dispatch(name, input, services);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('INVALID_INPUT');
      expect((result.error.details?.issues as { path: string }[])[0]!.path).toBe(path);
    }
  });

  it('lets only the fields the contract names cross: extra ones are dropped, a wrong reply is an error', async () => {
    // A handler that returns a whole row where the contract wants an operator: the phone never leaves main.
    const leaky = {
      ...handlers,
      'session.get': () => ({ operator: { name: '李娜', role: 'lead', phone: '13812345678' } }),
    } as unknown as typeof handlers;
    expect(await dispatch('session.get', {}, services, leaky)).toEqual({
      ok: true,
      value: { operator: { name: '李娜', role: 'lead' } },
    });
    const wrong = { ...handlers, 'session.get': () => ({ operator: { name: 42 } }) } as unknown as typeof handlers;
    expect(await dispatch('session.get', {}, services, wrong)).toMatchObject({
      ok: false,
      error: {
        code: 'INTERNAL',
        message: expect.stringContaining('session.get: the reply does not match the contract at operator'),
      },
    });
  });

  it('names an unknown call as such', async () => {
    expect(await dispatch('db.exec', {}, services)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
  });

  it('turns a domain error into its code', async () => {
    expect(await dispatch('jobs.cancel', { jobId: 'import-nope' }, services)).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});
