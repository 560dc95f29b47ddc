// What `npm start` and `npm test` need on a fresh clone, installed on first use. Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stampFile = path.join(root, 'node_modules', '.encounter-deps');
export const CHROMIUM = '/usr/bin/chromium';

export function log(line) {
  process.stderr.write(`[encounter] ${line}\n`);
}

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  return result.status ?? 1;
}

/** True where the Electron binary was downloaded (its install script writes path.txt only on success). */
export function electronBinaryPresent() {
  return fs.existsSync(path.join(root, 'node_modules', 'electron', 'path.txt'));
}

/**
 * `npm ci` when node_modules does not match package-lock.json. The Electron binary is fetched in a second step so
 * that a blocked download costs one line, not the whole install: the dependencies install with the download
 * skipped, then Electron's own installer is tried once with a time limit.
 */
export function ensureDependencies() {
  const lockHash = crypto
    .createHash('sha256')
    .update(fs.readFileSync(path.join(root, 'package-lock.json')))
    .digest('hex');
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === lockHash) return;
  log('installing dependencies (npm ci; better-sqlite3 compiles from source, about 2 minutes)…');
  const status = run('npm', ['ci', '--no-audit', '--no-fund'], {
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
  if (status !== 0) throw new Error(`npm ci failed with status ${status}`);
  if (!electronBinaryPresent()) {
    const tried = spawnSync(process.execPath, [path.join(root, 'node_modules', 'electron', 'install.js')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 180_000,
    });
    if (electronBinaryPresent()) log('Electron binary installed.');
    else {
      const lines = (tried.stderr || tried.error?.message || 'no output')
        .trim()
        .split('\n')
        .map((l) => l.trim());
      const why =
        lines.find((l) => /error|ENOTFOUND|ECONN|EAI_AGAIN|timed? ?out|status/i.test(l) && !l.startsWith('at ')) ??
        lines[0];
      log(`Electron binary could not be downloaded (${why}); the console will run in web mode.`);
    }
  }
  fs.writeFileSync(stampFile, lockHash);
}

/** The UI is Chinese first: without a CJK font, headless Chromium draws the e2e screenshots as empty boxes. */
const CJK_FONT_PACKAGE = 'fonts-wqy-zenhei';

function hasChineseFont() {
  const listed = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  return listed.status === 0 && listed.stdout.trim() !== '';
}

/**
 * Debian's Chromium (and a Chinese font) for the end-to-end tests: installed with apt when we are root, else the
 * command is printed. Returns whether Chromium is there; a missing font only makes the screenshots unreadable.
 */
export function ensureChromium() {
  const missing = [...(fs.existsSync(CHROMIUM) ? [] : ['chromium']), ...(hasChineseFont() ? [] : [CJK_FONT_PACKAGE])];
  if (missing.length > 0 && process.getuid?.() === 0) {
    log(`installing for the end-to-end tests (apt-get install -y ${missing.join(' ')})…`);
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', ...missing], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  if (!hasChineseFont())
    log(`No Chinese font: screenshots will show boxes. Install one with:  sudo apt-get install -y ${CJK_FONT_PACKAGE}`);
  if (fs.existsSync(CHROMIUM)) return true;
  log(`Chromium is missing at ${CHROMIUM}. Install it with:  sudo apt-get install -y chromium`);
  return false;
}

function newestMtime(entry) {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

/** `electron-vite build` when anything it reads is newer than the last build. */
export function buildIfStale() {
  const stamp = path.join(root, 'out', '.build-stamp');
  const inputs = ['src', 'electron.vite.config.ts', 'package-lock.json', 'tsconfig.json'].map((p) =>
    path.join(root, p),
  );
  const built = fs.statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (built > Math.max(...inputs.map(newestMtime))) return;
  build();
}

export function build() {
  log('building (electron-vite build)…');
  const status = run(path.join(root, 'node_modules', '.bin', 'electron-vite'), ['build']);
  if (status !== 0) throw new Error(`electron-vite build failed with status ${status}`);
  fs.writeFileSync(path.join(root, 'out', '.build-stamp'), new Date().toISOString());
}
