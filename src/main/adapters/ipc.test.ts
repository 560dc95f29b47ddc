import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { callNames } from '../../shared/contract';
import { ensureTestOperator, TEST_PASSWORD } from '../testing/operators';
import { tempServices } from '../testing/temp';
import { registerIpcHandlers, senderIsTrusted } from './ipc';

type Listener = (event: IpcMainInvokeEvent, input: unknown) => Promise<unknown>;

/** Records handlers the adapter registers, standing in for Electron's ipcMain (only present inside Electron). */
function recordingIpcMain() {
  const registered = new Map<string, Listener>();
  const ipcMain = {
    handle: (channel: string, listener: Listener) => registered.set(channel, listener),
    removeHandler: (channel: string) => registered.delete(channel),
  } as unknown as IpcMain;
  return { ipcMain, registered };
}

/**
 * A window (webContents) as the adapter sees it: an id, the 'destroyed' event when it closes, and what main sent
 * it (`sent`).
 */
function fakeWindow(id: number) {
  let onDestroyed: () => void = () => {};
  const sent: { channel: string; payload: unknown }[] = [];
  return {
    id,
    sent,
    once: (event: string, listener: () => void) => {
      if (event === 'destroyed') onDestroyed = listener;
    },
    isDestroyed: () => false,
    send: (channel: string, payload: unknown) => sent.push({ channel, payload }),
    close: () => onDestroyed(),
  };
}
const firstWindow = fakeWindow(1);

const from = (url: string | undefined, sender: { id: number } = firstWindow) =>
  ({ senderFrame: url === undefined ? null : { url }, sender }) as unknown as IpcMainInvokeEvent;

describe('IPC adapter', () => {
  it('trusts only frames of the app origin', () => {
    expect(senderIsTrusted(from('app://console/index.html'))).toBe(true);
    expect(senderIsTrusted(from('app://console/index.html#/overview'))).toBe(true);
    expect(senderIsTrusted(from('https://evil.example/'))).toBe(false);
    expect(senderIsTrusted(from('app://consolex/'))).toBe(false);
    expect(senderIsTrusted(from('file:///etc/passwd'))).toBe(false);
    expect(senderIsTrusted(from(undefined))).toBe(false);
  });

  it('registers one handler per contract call, dispatches trusted calls and refuses others', async () => {
    const services = tempServices();
    const { ipcMain, registered } = recordingIpcMain();
    const unregister = registerIpcHandlers(ipcMain, services, () => []);
    expect([...registered.keys()].sort()).toEqual([...callNames].sort());
    await ensureTestOperator(services, 'lead');
    expect(
      await registered.get('session.signIn')!(from('app://console/'), { name: '李娜', password: TEST_PASSWORD }),
    ).toMatchObject({ ok: true });
    const status = registered.get('mirror.status')!;
    expect(await status(from('app://console/index.html'), {})).toMatchObject({
      ok: true,
      value: { dbPath: services.dbPath },
    });
    expect(await status(from('https://evil.example/'), {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await registered.get('session.signIn')!(from('app://console/'), { name: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    unregister();
    expect(registered.size).toBe(0);
  });

  it('gives each window its own session, ended when the window closes', async () => {
    const services = tempServices();
    await ensureTestOperator(services, 'lead');
    await ensureTestOperator(services, 'reviewer');
    const { ipcMain, registered } = recordingIpcMain();
    registerIpcHandlers(ipcMain, services, () => []);
    const [one, two] = [fakeWindow(11), fakeWindow(12)];
    const call = (w: { id: number }, name: string, input: unknown = {}) =>
      registered.get(name)!(from('app://console/index.html', w), input);
    await call(one, 'session.signIn', { name: '李娜', password: TEST_PASSWORD });
    await call(two, 'session.signIn', { name: '王芳', password: TEST_PASSWORD });
    expect(await call(one, 'session.get')).toMatchObject({ value: { operator: { name: '李娜', role: 'lead' } } });
    expect(await call(two, 'session.get')).toMatchObject({ value: { operator: { name: '王芳', role: 'reviewer' } } });
    // The reviewer's window is refused what the lead's may do, by main.
    expect(await call(two, 'rulesets.rollback')).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', details: { needs: 'lead' } },
    });
    one.close();
    expect(services.db.prepare(`SELECT end_reason FROM operator_sessions ORDER BY id`).pluck().all()).toEqual([
      'window closed',
      null,
    ]);
    expect(await call(one, 'session.get')).toMatchObject({ value: { operator: null } });
    expect(await call(two, 'session.get')).toMatchObject({ value: { operator: { name: '王芳' } } });
  });

  it('sends job progress only to windows signed in now', async () => {
    const services = tempServices();
    await ensureTestOperator(services, 'reviewer');
    const { ipcMain, registered } = recordingIpcMain();
    const [signedIn, signedOut, never] = [fakeWindow(21), fakeWindow(22), fakeWindow(23)];
    registerIpcHandlers(ipcMain, services, () => [signedIn, signedOut, never] as unknown as WebContents[]);
    const call = (w: { id: number }, name: string, input: unknown = {}) =>
      registered.get(name)!(from('app://console/index.html', w), input);
    await call(signedIn, 'session.signIn', { name: '王芳', password: TEST_PASSWORD });
    await call(signedOut, 'session.signIn', { name: '王芳', password: TEST_PASSWORD });
    await call(signedOut, 'session.signOut');
    const progress = {
      jobId: 'j1',
      kind: 'import',
      phase: 'users.jsonl',
      done: 1,
      total: 2,
      state: 'running',
    } as const;
    services.events.emit('job.progress', progress);
    expect(signedIn.sent).toEqual([{ channel: 'job.progress', payload: progress }]);
    expect(signedOut.sent).toEqual([]);
    expect(never.sent).toEqual([]);
  });
});
