import { describe, expect, it } from 'vitest';
import { dispatch } from '../../main/dispatch';
import { handlers } from '../../main/handlers';
import { tempServices } from '../../main/testing/temp';
import { callNames, contract } from './index';

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

  it('names an unknown call as such', async () => {
    expect(await dispatch('db.exec', {}, services)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
  });

  it('turns a domain error into its code', async () => {
    expect(await dispatch('jobs.cancel', { jobId: 'import-nope' }, services)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
