// `npm start`: the Electron console; where the Electron binary is missing, the same UI on loopback.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildIfStale, electronBinaryPresent, ensureDependencies, log, root } from './setup.mjs';

ensureDependencies();
buildIfStale();

/**
 * better-sqlite3 in node_modules is built for Node (the CLI, tests and web mode use it). Electron needs its own
 * build for Electron's ABI; it goes to .electron-native/, and main loads it from there.
 */
function electronSqlite() {
  const target = path.join(root, '.electron-native', 'better_sqlite3.node');
  const electronVersion = JSON.parse(
    fs.readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8'),
  ).version;
  const versionFile = path.join(root, '.electron-native', 'electron-version');
  if (fs.existsSync(target) && fs.readFileSync(versionFile, 'utf8') === electronVersion) return true;
  log(`building better-sqlite3 for Electron ${electronVersion} (once)…`);
  const work = path.join(root, '.electron-native', 'better-sqlite3');
  fs.rmSync(work, { recursive: true, force: true });
  fs.cpSync(path.join(root, 'node_modules', 'better-sqlite3'), work, { recursive: true });
  const gyp = spawnSync(
    'npx',
    [
      '--yes',
      'node-gyp',
      'rebuild',
      '--release',
      `--target=${electronVersion}`,
      `--arch=${process.arch}`,
      '--dist-url=https://electronjs.org/headers',
    ],
    { cwd: work, stdio: 'inherit' },
  );
  const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');
  if (gyp.status !== 0 || !fs.existsSync(built)) return false;
  fs.copyFileSync(built, target);
  fs.writeFileSync(versionFile, electronVersion);
  return true;
}

function serveInBrowser(reason) {
  log(`${reason} Serving the console on loopback instead; open the URL printed below.`);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'src', 'main', 'serve.ts'), '--open', ...process.argv.slice(2)],
    { cwd: root, stdio: 'inherit' },
  );
  child.on('exit', (code) => process.exit(code ?? 0));
}

if (!electronBinaryPresent())
  serveInBrowser('The Electron binary is not installed here (node_modules/electron/path.txt is missing).');
else if (!electronSqlite()) serveInBrowser('better-sqlite3 could not be built for Electron (see the output above).');
else {
  const electron = fs.readFileSync(path.join(root, 'node_modules', 'electron', 'path.txt'), 'utf8').trim();
  const child = spawn(path.join(root, 'node_modules', 'electron', 'dist', electron), ['.'], {
    cwd: root,
    stdio: 'inherit',
  });
  child.on('exit', (code) => process.exit(code ?? 0));
}
