import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { type AppServices, createServices } from '../services';

/** A fresh directory under the OS temp dir, removed after the test file. Tests use real files, never mocks. */
export function tempDir(prefix = 'encounter-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Real services over a real, freshly migrated SQLite file. */
export function tempServices(): AppServices {
  const services = createServices({ dbPath: path.join(tempDir(), 'encounter.db') });
  afterAll(() => services.close());
  return services;
}
