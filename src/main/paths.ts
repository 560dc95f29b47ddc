import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'Encounter Console';

/**
 * The user-data directory: `$ENCOUNTER_HOME` when set, else the same folder Electron's `app.getPath('userData')`
 * resolves to for this app, so the CLI, the web adapter and the desktop app share one mirror.
 */
export function userDataDir(): string {
  if (process.env.ENCOUNTER_HOME) return path.resolve(process.env.ENCOUNTER_HOME);
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  if (process.platform === 'win32')
    return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
}

export function defaultDbPath(): string {
  return path.join(userDataDir(), 'encounter.db');
}

export function defaultOutboxDir(dbPath: string): string {
  return path.join(path.dirname(path.resolve(dbPath)), 'outbox');
}
