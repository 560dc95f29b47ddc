import { app, BrowserWindow, dialog, ipcMain, net, protocol, session } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { APP_ORIGIN, registerIpcHandlers } from './adapters/ipc';
import { CONTENT_SECURITY_POLICY } from './adapters/csp';
import { APP_NAME, defaultDbPath } from './paths';
import { DEMO_USERS, prepareMirror } from './startup';
import { createFirstAdmin, firstAdminLines } from './operators/bootstrap';
import { parseIdleTimeout } from './operators/sessions';
import { createServices } from './services';

/**
 * The only file that imports `electron`. Everything else (services, handlers, the web adapter) runs under plain
 * Node. The window follows Electron's security checklist: context isolation, sandbox, no Node in the renderer,
 * strict CSP, app content only from the bundled files through the `app://` protocol, navigation, new windows,
 * webviews and permission requests all denied.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(here, '..', 'renderer');
const preloadFile = path.join(here, '..', 'preload', 'index.cjs');

app.setName(APP_NAME);
protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

function nativeBindingForElectron(): string | undefined {
  // better-sqlite3 built against Electron's ABI by scripts/start.mjs (the node_modules copy serves plain Node).
  const candidate = path.join(app.getAppPath(), '.electron-native', 'better_sqlite3.node');
  return fs.existsSync(candidate) ? candidate : undefined;
}

async function main(): Promise<void> {
  await app.whenReady();
  const dbPath =
    process.env.ENCOUNTER_DB ??
    (process.env.ENCOUNTER_HOME ? defaultDbPath() : path.join(app.getPath('userData'), 'encounter.db'));
  const nativeBinding = nativeBindingForElectron();
  // Worker threads inherit the environment, so their connections load the same Electron build.
  if (nativeBinding) process.env.ENCOUNTER_SQLITE_BINDING = nativeBinding;
  const services = createServices({
    dbPath,
    sessionIdleSeconds: parseIdleTimeout(process.env.ENCOUNTER_IDLE_TIMEOUT, 'ENCOUNTER_IDLE_TIMEOUT'),
    desktop: {
      async pickDirectory(title) {
        const focused = BrowserWindow.getFocusedWindow();
        const options = { title, properties: ['openDirectory' as const] };
        const result = focused ? await dialog.showOpenDialog(focused, options) : await dialog.showOpenDialog(options);
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
    },
  });
  // A mirror with no operator gets its first admin, whose one-time password is printed once on the terminal.
  const firstAdmin = await createFirstAdmin(services.db, 'first start (desktop)');
  if (firstAdmin) for (const line of firstAdminLines(firstAdmin)) console.log(line);
  void prepareMirror(services, { log: (line) => console.log(line), demoUsers: DEMO_USERS });

  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = path.resolve(rendererDir, rel);
    if (url.host !== 'console' || !file.startsWith(rendererDir + path.sep))
      return new Response('not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    return new Response(response.body, { status: response.status, headers });
  });

  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 640,
    title: APP_NAME,
    // The taskbar's and the window's icon (resources/icons, copied into the renderer build).
    icon: path.join(rendererDir, 'icons', '512x512.png'),
    show: false,
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      spellcheck: false,
      // Middle-click would otherwise open links in new windows past the window-open handler.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => window.show());
  registerIpcHandlers(ipcMain, services, () => BrowserWindow.getAllWindows().map((w) => w.webContents));
  await window.loadURL(`${APP_ORIGIN}/index.html`);

  app.on('window-all-closed', () => {
    // The window is gone at once; the process stays until cancelled jobs have ended and been audited.
    void services.shutdown().finally(() => app.quit());
  });
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // The console links nowhere outside itself: no new windows, no external browser.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

main().catch((err: unknown) => {
  console.error(err);
  app.exit(1);
});
