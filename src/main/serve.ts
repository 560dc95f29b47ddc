import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startWebServer } from './adapters/web';
import { defaultDbPath } from './paths';
import { createFirstAdmin, firstAdminLines } from './operators/bootstrap';
import { parseIdleTimeout } from './operators/sessions';
import { createServices } from './services';
import { demoUsersFor, prepareMirror } from './startup';

/**
 * `npm run serve`: the console over HTTP on loopback. Prints `Encounter Console: <url>` (the URL carries the
 * per-launch token in its fragment) and, for scripts, one JSON line `{"ready":true,"url":…}`. The default mirror gets
 * the demo city on its first start; `--db FILE` never does unless `--demo` is given (`--demo-users N` sets its size).
 * On a mirror with no operator it creates the first admin and prints its one-time password once (also as
 * `firstAdmin` in that line). `--idle-timeout 30m` (or $ENCOUNTER_IDLE_TIMEOUT) sets when an idle session ends.
 */
const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    port: { type: 'string' },
    renderer: { type: 'string' },
    json: { type: 'boolean', default: false },
    open: { type: 'boolean', default: false },
    demo: { type: 'boolean', default: false },
    'demo-users': { type: 'string' },
    'idle-timeout': { type: 'string' },
  },
});

const here = path.dirname(fileURLToPath(import.meta.url));
const dbPath = values.db ?? defaultDbPath();
let demoUsers: number;
try {
  demoUsers = demoUsersFor({ db: values.db, demo: values.demo, demoUsers: values['demo-users'] });
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
const services = createServices({
  dbPath,
  sessionIdleSeconds: parseIdleTimeout(
    values['idle-timeout'] ?? process.env.ENCOUNTER_IDLE_TIMEOUT,
    values['idle-timeout'] !== undefined ? '--idle-timeout' : 'ENCOUNTER_IDLE_TIMEOUT',
  ),
});
// A mirror with no operator gets its first admin now; its one-time password is printed once, below.
const firstAdmin = await createFirstAdmin(services.db, 'first start (serve)');
void prepareMirror(services, { log: (line) => process.stderr.write(`${line}\n`), demoUsers });
const server = await startWebServer({
  services,
  rendererDir: values.renderer ?? path.join(here, '..', '..', 'out', 'renderer'),
  ...(values.port ? { port: Number(values.port) } : {}),
});
process.stdout.write(`Encounter Console (web mode) on ${dbPath}\nOpen: ${server.launchUrl}\n`);
if (firstAdmin) process.stdout.write(`${firstAdminLines(firstAdmin).join('\n')}\n`);
if (values.open) openBrowser(server.launchUrl);
if (values.json)
  process.stdout.write(
    `${JSON.stringify({ ready: true, url: server.url, launchUrl: server.launchUrl, port: server.port, dbPath, firstAdmin })}\n`,
  );

/** Opens the system browser where there is a desktop to show it on; headless boxes just use the printed URL. */
function openBrowser(url: string): void {
  const opener =
    process.platform === 'darwin'
      ? 'open'
      : process.platform === 'win32'
        ? 'explorer'
        : process.env.DISPLAY || process.env.WAYLAND_DISPLAY
          ? 'xdg-open'
          : null;
  if (!opener) return;
  spawn(opener, [url], { stdio: 'ignore', detached: true })
    .on('error', () => {})
    .unref();
}

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await server.close();
  await services.shutdown();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
