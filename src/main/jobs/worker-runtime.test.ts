import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/envelope';
import { CancelledError } from '../../shared/progress';
import { DEFAULT_RULE_SET } from '../../shared/domain/ruleset';
import { MirrorLockedError, openDatabase } from '../db/database';
import { closeDatabase } from '../db/close';
import { buildTestMirror } from '../testing/engine-mirror';
import { writeSyntheticExport } from '../testing/synthetic-export';
import { tempDir } from '../testing/temp';
import { errorOf, failureOf, WorkerError } from './protocol';
import { runWorkerJob } from './run-worker-job';
import { WorkerSession } from './worker-session';

// The worker runtime over real workers of the registry, started from TypeScript source through spawnWorker.
// (A job's progress, cancel and rollback: mirror/import/crash.test.ts; the tuning session's: tuning/*.test.ts.)
describe('the one error mapping', () => {
  it('keeps the codes main understands and turns the rest into INTERNAL', () => {
    expect(failureOf(new DomainError('NOT_FOUND', 'no such flag'))).toEqual({
      code: 'NOT_FOUND',
      message: 'no such flag',
    });
    expect(failureOf(new CancelledError())).toMatchObject({ code: 'CANCELLED' });
    expect(failureOf(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }))).toMatchObject({
      code: 'BUSY',
    });
    // A worker that could not open the mirror for another process's lock answers BUSY, with the open's own words.
    expect(failureOf(new MirrorLockedError('/m/mirror.db'))).toEqual({
      code: 'BUSY',
      message: new MirrorLockedError('/m/mirror.db').message,
    });
    expect(failureOf(Object.assign(new Error('UNIQUE failed'), { code: 'SQLITE_CONSTRAINT' }))).toMatchObject({
      code: 'INTERNAL',
      message: 'UNIQUE failed',
    });
    expect(failureOf('a string')).toEqual({ code: 'INTERNAL', message: 'a string' });
    expect(errorOf({ code: 'CANCELLED', message: 'x' })).toBeInstanceOf(CancelledError);
    const error = errorOf({ code: 'BAD_EXPORT', message: 'no manifest' });
    expect(error).toBeInstanceOf(WorkerError);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'BAD_EXPORT', message: 'no manifest' });
  });

  it("keeps a domain error's details (the field at fault), so a refusal from a worker says what main's would", () => {
    const issues = [{ path: 'cursor', message: 'is not a cursor this console gave' }];
    const crossed = failureOf(new DomainError('INVALID_INPUT', 'cursor: is not a cursor', { issues }));
    expect(crossed).toEqual({ code: 'INVALID_INPUT', message: 'cursor: is not a cursor', details: { issues } });
    expect(errorOf(crossed)).toMatchObject({ code: 'INVALID_INPUT', details: { issues } });
  });
});

describe('a job worker', () => {
  it("carries a domain error's code and message across the thread", async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'mirror.db');
    openDatabase(dbPath).close();
    const job = runWorkerJob('import', { dbPath, input: { dir: path.join(dir, 'nowhere'), operator: 'tester' } });
    await expect(job).rejects.toBeInstanceOf(WorkerError);
    await expect(job).rejects.toMatchObject({ code: 'BAD_EXPORT', message: expect.stringContaining('nowhere') });
  });

  it("leaves no WAL behind on disk when it ends, though main's connection to the mirror stays open", async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'mirror.db');
    const main = openDatabase(dbPath);
    const exportDir = path.join(dir, 'export');
    writeSyntheticExport(exportDir, { users: 500, merchants: 50, transactions: 20_000, exportId: 'first' });
    await runWorkerJob('import', { dbPath, input: { dir: exportDir, operator: 'tester' } });
    expect(fs.statSync(`${dbPath}-wal`).size).toBe(0);
    expect(main.prepare('SELECT count(*) AS n FROM transactions').get()).toEqual({ n: 20_000 });
    closeDatabase(main);
  });
});

describe('a session worker', () => {
  const dir = tempDir();
  const dbPath = path.join(dir, 'mirror.db');
  const db = openDatabase(dbPath);
  buildTestMirror(db, { users: 300, seed: 5, date: '2026-11-24' });
  db.close();

  it('answers requests in order, passes progress on, carries errors with their code, and refuses all once closed', async () => {
    const phases: string[] = [];
    const failures: string[] = [];
    const session = new WorkerSession('tuning', {
      dbPath,
      input: { threads: 1 },
      onProgress: (phase) => phases.push(phase),
      onFailure: (message) => failures.push(message),
    });
    const early = session.request({ type: 'whatIf', seq: 1, ruleSet: DEFAULT_RULE_SET });
    const opened = session.request({ type: 'open', date: '2026-11-24' });
    const whatIf = session.request({ type: 'whatIf', seq: 2, ruleSet: DEFAULT_RULE_SET });
    await expect(early).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('open a date') });
    expect(await opened).toMatchObject({ type: 'opened', poolUsers: expect.any(Number) });
    expect(await whatIf).toMatchObject({ type: 'whatIf', result: { seq: 2 } });
    expect(phases.length).toBeGreaterThan(0);

    const building = session.request({ type: 'open', date: '2026-11-23' });
    session.close('the session closed');
    await expect(building).rejects.toMatchObject({ code: 'CANCELLED', message: 'the session closed' });
    await expect(session.request({ type: 'open', date: '2026-11-24' })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(failures).toEqual([]);
  });
});
