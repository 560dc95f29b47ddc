import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { callNames } from '../../shared/contract';
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

const from = (url: string | undefined) =>
  ({ senderFrame: url === undefined ? null : { url } }) as unknown as IpcMainInvokeEvent;

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
    const status = registered.get('mirror.status')!;
    expect(await status(from('app://console/index.html'), {})).toMatchObject({
      ok: true,
      value: { dbPath: services.dbPath },
    });
    expect(await status(from('https://evil.example/'), {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await registered.get('session.signIn')!(from('app://console/'), { role: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    unregister();
    expect(registered.size).toBe(0);
  });
});
