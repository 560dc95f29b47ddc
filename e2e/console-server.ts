import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ConsoleServer {
  home: string;
  dbPath: string;
  url: string;
  launchUrl: string;
  token: string;
  stop(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, '..');

/**
 * Starts `src/main/serve.ts` (the real web adapter over real services) on a fresh ENCOUNTER_HOME and waits for its
 * JSON ready line — no sleeps. `extraArgs` go to serve (e.g. `--demo --demo-users 400`; a named mirror gets no demo without `--demo`). With `sameMirrorAs`, a second
 * console (a second operator's) on that server's mirror and outbox; stopping it leaves them in place. With
 * `mirrorFrom`, the fresh home starts with a copy of that mirror file (a large prepared mirror).
 */
export async function startConsoleServer(
  extraArgs: string[] = [],
  sameMirrorAs?: ConsoleServer,
  mirrorFrom?: string,
): Promise<ConsoleServer> {
  const home = sameMirrorAs?.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'encounter-e2e-'));
  const dbPath = path.join(home, 'encounter.db');
  if (mirrorFrom && !sameMirrorAs) fs.copyFileSync(mirrorFrom, dbPath);
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'src', 'main', 'serve.ts'), '--db', dbPath, '--json', ...extraArgs],
    {
      cwd: root,
      env: { ...process.env, ENCOUNTER_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = await new Promise<{ url: string; launchUrl: string }>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) {
        if (line.startsWith('{"ready":true')) resolve(JSON.parse(line) as { url: string; launchUrl: string });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code} before it was ready:\n${stderr}`)));
  });
  const token = new URL(ready.launchUrl).hash.replace('#token=', '');
  return {
    home,
    dbPath,
    url: ready.url,
    launchUrl: ready.launchUrl,
    token,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!sameMirrorAs) fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
