import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/database';
import { runWorkerJob } from '../../jobs/run-worker-job';
import { CancelledError } from '../../../shared/progress';
import { importExport, listImportRuns, recoverInterruptedImports } from './index';
import { writeSyntheticExport } from '../../testing/synthetic-export';
import { tempDir } from '../../testing/export-files';

const here = path.dirname(fileURLToPath(import.meta.url));
let root: string;
beforeEach(() => {
  root = tempDir();
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const MIRROR = ['users', 'merchants', 'transactions', 'quarantine'] as const;
function snapshot(dbPath: string): { counts: Record<string, number>; indexes: string[]; checksum: number } {
  const db = openDatabase(dbPath);
  try {
    const counts = Object.fromEntries(
      MIRROR.map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number]),
    );
    const indexes = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name`)
      .pluck()
      .all() as string[];
    const checksum = db.prepare('SELECT total(amount_fen) FROM transactions').pluck().get() as number;
    return { counts, indexes, checksum };
  } finally {
    db.close();
  }
}

/** Starts an import of `exportDir` into `dbPath` in a child process and kills it (-9) at the first progress line naming `at`. */
async function killMidImport(
  dbPath: string,
  exportDir: string,
  options: { soleWriter: boolean; at: string },
): Promise<void> {
  const script = path.join(root, 'child.ts');
  fs.writeFileSync(
    script,
    `import { openDatabase } from ${JSON.stringify(path.join(here, '../../db/database.ts'))};
import { importExport } from ${JSON.stringify(path.join(here, 'index.ts'))};
const db = openDatabase(process.argv[2]);
importExport(db, process.argv[3], { operator: 'child', soleWriter: process.argv[4] === 'sole', progress: { report(phase, done) { process.stdout.write('progress ' + phase + ' ' + done + '\\n'); }, throwIfCancelled() {} } });
process.stdout.write('finished\\n');
`,
  );
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', script, dbPath, exportDir, options.soleWriter ? 'sole' : 'shared'],
    { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const seen = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(`progress ${options.at}`)) {
        child.kill('SIGKILL');
        resolve(out);
      }
    });
    child.on('exit', () => resolve(out));
    child.on('error', reject);
  });
  await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.on('exit', r)));
  expect(seen).not.toContain('finished');
  expect(child.signalCode).toBe('SIGKILL');
}

/** An export big enough to run for a while after its first progress line (and to drop and rebuild indexes). */
function writeBigExport(dir: string): void {
  writeSyntheticExport(dir, {
    users: 20_000,
    merchants: 500,
    transactions: 400_000,
    exportId: 'big',
    exportedAt: '2026-11-24T04:00:00+08:00',
    amountShift: 7,
  });
}

describe('import crash safety', () => {
  it('kill -9 mid-import leaves the mirror exactly as before; the run is recovered as failed; importing again completes', async () => {
    const dbPath = path.join(root, 'mirror.db');
    const first = path.join(root, 'first');
    const big = path.join(root, 'big');
    writeSyntheticExport(first, { users: 500, merchants: 50, transactions: 2_000, exportId: 'first' });
    writeBigExport(big);
    const db = openDatabase(dbPath);
    importExport(db, first, { operator: 'tester' });
    db.close();
    const before = snapshot(dbPath);

    await killMidImport(dbPath, big, { soleWriter: false, at: 'transactions.jsonl' });

    expect(snapshot(dbPath)).toEqual(before);
    const db2 = openDatabase(dbPath);
    expect(listImportRuns(db2, 1)[0]).toMatchObject({ status: 'running', exportId: 'big' });
    expect(recoverInterruptedImports(db2)).toBe(1);
    expect(listImportRuns(db2, 1)[0]).toMatchObject({ status: 'failed', error: 'interrupted' });
    const again = importExport(db2, big, { operator: 'tester' });
    db2.close();
    expect(again.files['transactions.jsonl']).toMatchObject({
      read: 400_000,
      inserted: 398_000,
      updated: 2_000,
      quarantined: 0,
    });
    const after = snapshot(dbPath);
    expect(after.counts).toMatchObject({ users: 20_000, merchants: 500, transactions: 400_000 });
    expect(after.indexes).toEqual(before.indexes);
  });

  it('kill -9 mid-way through a sole writer’s first import (no WAL): the next open rolls the file back to its empty mirror', async () => {
    const dbPath = path.join(root, 'mirror.db');
    const big = path.join(root, 'big');
    writeBigExport(big);
    openDatabase(dbPath).close();
    const before = snapshot(dbPath);

    await killMidImport(dbPath, big, { soleWriter: true, at: 'transactions.jsonl: indexing' });
    // It was writing under a rollback journal, which the next open finds hot (sole-writer.test.ts kills one after
    // its pages reached the file).
    expect(fs.existsSync(`${dbPath}-journal`)).toBe(true);

    expect(snapshot(dbPath)).toEqual(before);
    expect(fs.existsSync(`${dbPath}-journal`)).toBe(false);
    const db = openDatabase(dbPath);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(recoverInterruptedImports(db)).toBe(1);
    const again = importExport(db, big, { operator: 'tester', soleWriter: true });
    expect(again).toMatchObject({ journal: 'rollback', totals: { read: again.totals.read, quarantined: 0 } });
    db.close();
    expect(snapshot(dbPath).counts).toMatchObject({ users: 20_000, merchants: 500, transactions: 400_000 });
  });

  it('runs in a worker thread with progress, and a cancel from main rolls back', async () => {
    const dbPath = path.join(root, 'mirror.db');
    const dir = path.join(root, 'export');
    writeSyntheticExport(dir, { users: 1_000, merchants: 50, transactions: 300_000, transactionsFormat: 'csv' });
    openDatabase(dbPath).close();
    const controller = new AbortController();
    const phases: string[] = [];
    await expect(
      runWorkerJob('import', {
        dbPath,
        input: { dir, operator: 'tester' },
        signal: controller.signal,
        onProgress: (phase) => {
          phases.push(phase);
          if (phase === 'transactions.csv') controller.abort();
        },
      }),
    ).rejects.toBeInstanceOf(CancelledError);
    const db = openDatabase(dbPath);
    expect(db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(0);
    expect(listImportRuns(db, 1)[0]).toMatchObject({ status: 'cancelled' });
    db.close();

    const summary = await runWorkerJob('import', {
      dbPath,
      input: { dir, operator: 'tester' },
    });
    expect(summary.totals).toMatchObject({ read: 301_050, inserted: 301_050, quarantined: 0 });
    expect(phases).toContain('users.jsonl');
  });
});
