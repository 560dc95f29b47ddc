import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { callNames } from '../../shared/contract';
import type { Envelope } from '../../shared/envelope';
import { dispatch } from '../dispatch';
import type { AppServices } from '../services';

/** The origin the app's own pages are served from (see index.ts: the `app://` protocol). */
export const APP_ORIGIN = 'app://console';

/**
 * A call is answered only when it comes from a frame of the app's own origin: a page that somehow got
 * navigated elsewhere, or an iframe, gets an error envelope and touches nothing.
 */
export function senderIsTrusted(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  const url = event.senderFrame?.url;
  if (!url) return false;
  try {
    return new URL(url).origin === APP_ORIGIN || url.startsWith(`${APP_ORIGIN}/`);
  } catch {
    return false;
  }
}

/** The IPC adapter: one `ipcMain.handle` per contract call, each into the same dispatcher as HTTP. */
export function registerIpcHandlers(ipcMain: IpcMain, services: AppServices, windows: () => WebContents[]): () => void {
  for (const name of callNames) {
    ipcMain.handle(name, async (event, input: unknown): Promise<Envelope<unknown>> => {
      if (!senderIsTrusted(event))
        return { ok: false, error: { code: 'FORBIDDEN', message: 'call from an untrusted frame' } };
      return dispatch(name, input, services);
    });
  }
  const unsubscribe = services.events.on('job.progress', (payload) => {
    for (const wc of windows()) if (!wc.isDestroyed()) wc.send('job.progress', payload);
  });
  return () => {
    unsubscribe();
    for (const name of callNames) ipcMain.removeHandler(name);
  };
}
