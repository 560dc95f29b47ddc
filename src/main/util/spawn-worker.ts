import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts `src/main/workers/<name>.worker.ts`. In the Electron build every worker is its own bundle beside main's
 * index.js (electron.vite.config.ts adds one rollup input per file in src/main/workers). From source (CLI, bench,
 * tests, `serve`) a small bootstrap registers tsx inside the worker first: Node 20 does not apply `--import tsx`
 * hooks to a worker's entry file in time, so the entry is imported only after `register()` has returned.
 */
export function spawnWorker(name: string, options: WorkerOptions = {}): Worker {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return new Worker(path.join(path.dirname(here), `${name}.worker.js`), options);
  const entry = pathToFileURL(path.join(path.dirname(here), '..', 'workers', `${name}.worker.ts`)).href;
  const tsxDir = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(path.join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
