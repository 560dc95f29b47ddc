import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import fs from 'node:fs';
import path from 'node:path';

// Every worker in src/main/workers becomes its own bundle beside main's index.js (see util/spawn-worker.ts). Only
// production workers live there (the registry: jobs/workers.ts); tests start those same workers.
const workerInputs = Object.fromEntries(
  fs
    .readdirSync(path.resolve('src/main/workers'))
    .filter((f) => f.endsWith('.worker.ts'))
    .map((f) => [f.replace(/\.ts$/, ''), path.resolve('src/main/workers', f)]),
);

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: {
        input: { index: path.resolve('src/main/index.ts'), ...workerInputs },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads cannot load modules: bundle everything (zod included) into one CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: path.resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    // The app icon (resources/icons, rendered by scripts/render-icons.mjs) ships with the renderer: the web adapter's
    // favicon and the Electron window's icon.
    publicDir: path.resolve('resources'),
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: path.resolve('src/renderer/index.html') },
    },
  },
});
