import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT_PREFIX = 'encounter-vitest-';

/**
 * Vitest's global setup: the run's temporary files live under one directory of their own, removed when the run
 * ends. Tests make real files (mirrors, exports, outboxes) in `os.tmpdir()`; a file's own cleanup misses what a
 * test makes inside its body or a worker killed mid-file leaves (one clean-clone run left 56 moderation mirrors in
 * /tmp; 3.7 GB had gathered there). `TMPDIR` is what `os.tmpdir()` and SQLite's own temp files read; the test
 * workers, started after this, inherit it.
 */
export default function setup(): () => void {
  // Each project of the run (node, renderer) runs the global setup; the first one's directory serves them all.
  if (path.basename(os.tmpdir()).startsWith(ROOT_PREFIX)) return () => {};
  const root = fs.mkdtempSync(path.join(os.tmpdir(), ROOT_PREFIX));
  process.env.TMPDIR = root;
  return () => fs.rmSync(root, { recursive: true, force: true });
}
