import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { callNames } from '../../shared/contract';
import type { Envelope } from '../../shared/envelope';
import { dispatch } from '../dispatch';
import type { Caller } from '../handlers/context';
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

/**
 * The IPC adapter: one `ipcMain.handle` per contract call, each into the same dispatcher as HTTP. Each window
 * (webContents) is its own session: it signs in on its own, its session id stays here in main (the renderer never
 * holds it), and the session ends when the window closes.
 */
export function registerIpcHandlers(ipcMain: IpcMain, services: AppServices, windows: () => WebContents[]): () => void {
  const sessions = new Map<number, string>();
  const watched = new Set<number>();
  const callerFor = (sender: WebContents): Caller => {
    if (!watched.has(sender.id)) {
      watched.add(sender.id);
      sender.once('destroyed', () => {
        const token = sessions.get(sender.id);
        const session = services.sessions.check(token ?? null, Math.floor(Date.now() / 1000));
        if (session) services.sessions.end(session.id, 'window closed', Math.floor(Date.now() / 1000));
        sessions.delete(sender.id);
        watched.delete(sender.id);
      });
    }
    return {
      services,
      transport: 'window',
      token: sessions.get(sender.id) ?? null,
      keep: (token) => (token === null ? sessions.delete(sender.id) : sessions.set(sender.id, token)),
    };
  };
  for (const name of callNames) {
    ipcMain.handle(name, async (event, input: unknown): Promise<Envelope<unknown>> => {
      if (!senderIsTrusted(event))
        return { ok: false, error: { code: 'FORBIDDEN', message: 'call from an untrusted frame' } };
      return dispatch(name, input, callerFor(event.sender));
    });
  }
  // Progress names files, phases and who started a job: only a window with a live session sees it (the web
  // adapter's event stream asks the same), checked at each event, so a sign-out or a disable ends it at once.
  const unsubscribe = services.events.on('job.progress', (payload) => {
    const now = Math.floor(Date.now() / 1000);
    for (const wc of windows()) {
      if (wc.isDestroyed() || !services.sessions.check(sessions.get(wc.id) ?? null, now)) continue;
      wc.send('job.progress', payload);
    }
  });
  return () => {
    unsubscribe();
    for (const name of callNames) ipcMain.removeHandler(name);
  };
}
