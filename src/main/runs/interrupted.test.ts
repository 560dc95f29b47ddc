import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database';
import { runMatching } from '../engine';
import { listMatchRuns } from '../engine/run-queries';
import { handlers } from '../handlers';
import { buildTestMirror } from '../testing/engine-mirror';
import { tempDir } from '../testing/temp';
import { ownerAlive, recoverInterruptedRuns, runOwner } from './interrupted';

const DATE = '2026-11-24';
const child = fileURLToPath(new URL('../testing/run-child.ts', import.meta.url));

/** Starts a run in a child process and kills it -9 at its first progress step; resolves with what it printed. */
function killMidRun(file: string, kind: 'match' | 'detect'): Promise<string> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, file, kind, DATE], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('progress ')) proc.kill('SIGKILL');
    });
    proc.on('close', (_code, signal) =>
      signal === 'SIGKILL' && !out.includes('finished')
        ? resolve(out)
        : reject(new Error(`not killed mid-run: ${out}`)),
    );
  });
}

const statusOf = (db: Db, table: 'match_runs' | 'detect_runs', id: number) =>
  db.prepare(`SELECT status FROM ${table} WHERE id = ?`).pluck().get(id);

describe('runs a dead process left running', () => {
  it('kill -9 a match and a detect mid-run: the next start marks them interrupted; nothing they wrote is read', async () => {
    const file = path.join(tempDir(), 'mirror.db');
    const setup = openDatabase(file);
    buildTestMirror(setup, { users: 400, seed: 5, date: DATE });
    setup.close();

    await killMidRun(file, 'match');
    await killMidRun(file, 'detect');

    const db = openDatabase(file);
    const matchRun = db.prepare(`SELECT id FROM match_runs ORDER BY id DESC LIMIT 1`).pluck().get() as number;
    const detectRun = db.prepare(`SELECT id FROM detect_runs ORDER BY id DESC LIMIT 1`).pluck().get() as number;
    expect(statusOf(db, 'match_runs', matchRun)).toBe('running');
    expect(statusOf(db, 'detect_runs', detectRun)).toBe('running');

    expect(recoverInterruptedRuns(db)).toEqual({ imports: 0, matchRuns: [matchRun], detectRuns: [detectRun] });
    expect(db.prepare(`SELECT status, error FROM match_runs WHERE id = ?`).get(matchRun)).toEqual({
      status: 'failed',
      error: 'interrupted',
    });
    expect(statusOf(db, 'detect_runs', detectRun)).toBe('failed');
    // What an operator sees, and that nothing of theirs is there to be read.
    expect(listMatchRuns(db, 5).map((r) => r.id)).toContain(matchRun);
    const services = { db } as unknown as Parameters<(typeof handlers)['matching.runs']>[1];
    const view = (await handlers['matching.runs']({ limit: 5 }, services)).runs.find((r) => r.id === matchRun);
    expect(view).toMatchObject({ status: 'interrupted', summary: null });
    expect(db.prepare(`SELECT count(*) FROM run_introductions WHERE run_id = ?`).pluck().get(matchRun)).toBe(0);
    expect(db.prepare(`SELECT count(*) FROM flags WHERE run_id = ?`).pluck().get(detectRun)).toBe(0);
    // The date can be matched again, and the interrupted run takes no part in it.
    const again = await runMatching(
      db,
      { date: DATE, operator: 'ops', excluded: new Set() },
      { report() {}, throwIfCancelled() {} },
    );
    expect(again.introductions).toBeGreaterThan(0);
    expect(statusOf(db, 'match_runs', matchRun)).toBe('failed');
    expect(recoverInterruptedRuns(db)).toEqual({ imports: 0, matchRuns: [], detectRuns: [] });
    db.close();
  }, 120_000);

  it('leaves alone the runs of a process that is alive', () => {
    const db = openDatabase(path.join(tempDir(), 'mirror.db'));
    db.prepare(
      `INSERT INTO match_runs (date, ruleset, operator, started_at, status, owner) VALUES ('2026-11-24', '{}', 'x', 'now', 'running', ?)`,
    ).run(runOwner());
    db.prepare(
      `INSERT INTO detect_runs (started_at, status, owner) VALUES (0, 'running', ?), (0, 'running', NULL)`,
    ).run(`${runOwner().split('/')[0]}/${process.ppid}`);
    expect(ownerAlive(runOwner())).toBe(true);
    expect(ownerAlive(null)).toBe(false);
    // A run from before runs named their process cannot be alive any more: interrupted.
    expect(recoverInterruptedRuns(db)).toEqual({ imports: 0, matchRuns: [], detectRuns: [2] });
    db.close();
  });
});
