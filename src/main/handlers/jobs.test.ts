import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Operator } from '../../shared/contract';
import type { JobProgress } from '../../shared/progress';
import { listAudit } from '../audit/audit-log';
import { openDatabase } from '../db/database';
import { listImportRuns } from '../mirror/import';
import { createServices } from '../services';
import { CONSOLE_CLOSING } from '../jobs/job-registry';
import { dispatch } from '../dispatch';
import { generateExport } from '../mirror/generator';
import { signedIn, TEST_OPERATORS } from '../testing/operators';
import { tempDir, tempServices } from '../testing/temp';
import type { Caller } from './context';

/**
 * Cancelling a long job: whose it is decides who may, and the audit trail names who did — the worker's own row
 * ('import.cancel') is written in the name of the operator the job ran for, whoever cancelled it.
 */
describe('cancelling a job', () => {
  const services = tempServices();
  const exportDir = path.join(tempDir(), 'export');
  const reviewer: Operator = { name: TEST_OPERATORS.reviewer, role: 'reviewer' };
  const otherReviewer: Operator = { name: '周强', role: 'reviewer' };
  const lead: Operator = { name: TEST_OPERATORS.lead, role: 'lead' };
  const callers = new Map<string, Caller>();

  beforeAll(async () => {
    await generateExport({ users: 300, days: 10, seed: 11, out: exportDir });
    for (const o of [reviewer, otherReviewer, lead]) callers.set(o.name, await signedIn(services, o.role, o.name));
  });

  const call = (as: Operator, name: 'mirror.startImport' | 'jobs.cancel', input: unknown) =>
    dispatch(name, input, callers.get(as.name)!);

  async function startImport(as: Operator): Promise<string> {
    const reply = await call(as, 'mirror.startImport', { dir: exportDir });
    if (!reply.ok) throw new Error(reply.error.message);
    return (reply.value as { jobId: string }).jobId;
  }

  const jobOf = (jobId: string): JobProgress | undefined => services.jobs.list().find((j) => j.jobId === jobId);
  const auditOf = (action: string) => listAudit(services.db, 1000).filter((a) => a.action === action);

  it('an operator cancels their own job; the trail names them as who cancelled', async () => {
    const jobId = await startImport(reviewer);
    expect(await call(reviewer, 'jobs.cancel', { jobId })).toEqual({ ok: true, value: { cancelled: true } });
    await expect.poll(() => auditOf('job.cancel').length, { timeout: 30_000 }).toBe(1);
    expect(jobOf(jobId)?.state).toBe('cancelled');
    expect(auditOf('job.cancel')[0]).toMatchObject({
      operator: reviewer.name,
      subject: jobId,
      details: { kind: 'import', startedBy: reviewer.name, ended: 'cancelled' },
    });
    expect(auditOf('import.cancel')[0]?.operator).toBe(reviewer.name);
    // An ended job is not cancelled again, and says so.
    expect(await call(reviewer, 'jobs.cancel', { jobId })).toEqual({ ok: true, value: { cancelled: false } });
  });

  it("another reviewer may not cancel an operator's job; a lead may, and the trail names the lead", async () => {
    const jobId = await startImport(reviewer);
    const refused = await call(otherReviewer, 'jobs.cancel', { jobId });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'FORBIDDEN',
        details: {
          needs: 'lead',
          say: { id: 'cancelOwnOnly', params: { kind: 'import', operator: reviewer.name } },
        },
      },
    });
    expect(jobOf(jobId)?.state).toBe('running');
    expect(await call(lead, 'jobs.cancel', { jobId })).toEqual({ ok: true, value: { cancelled: true } });
    await expect.poll(() => auditOf('job.cancel').length, { timeout: 30_000 }).toBe(2);
    expect(jobOf(jobId)?.state).toBe('cancelled');
    // The worker's row is the owner's; the row beside it says who really cancelled.
    expect(auditOf('import.cancel').map((a) => a.operator)).toEqual([reviewer.name, reviewer.name]);
    expect(auditOf('job.cancel')[0]).toMatchObject({
      operator: lead.name,
      subject: jobId,
      details: { kind: 'import', startedBy: reviewer.name, ended: 'cancelled' },
    });
    expect(auditOf('job.cancel').some((a) => a.operator === otherReviewer.name)).toBe(false);
  });

  /** A console of its own (to be closed by the test) with the reviewer's import running on it. */
  async function importOnAConsoleOfItsOwn() {
    const dbPath = path.join(tempDir(), 'own.db');
    const own = createServices({ dbPath });
    const caller = await signedIn(own, 'reviewer', reviewer.name);
    const reply = await dispatch('mirror.startImport', { dir: exportDir }, caller);
    if (!reply.ok) throw new Error(reply.error.message);
    return { dbPath, own, caller, jobId: (reply.value as { jobId: string }).jobId };
  }

  it('stopping the console waits for a cancelled job to end: its run is cancelled, not left running, and the cancel is in the trail', async () => {
    const { dbPath, own, caller, jobId } = await importOnAConsoleOfItsOwn();
    expect(await dispatch('jobs.cancel', { jobId }, caller)).toEqual({ ok: true, value: { cancelled: true } });
    // The window closes at once, the worker still rolling back.
    await own.shutdown();
    expect(own.db.open).toBe(false);

    const db = openDatabase(dbPath, { readonly: true });
    try {
      expect(listImportRuns(db, 1)[0]).toMatchObject({ status: 'cancelled' });
      expect(listAudit(db, 100).filter((a) => a.action === 'job.cancel')).toEqual([
        expect.objectContaining({ operator: reviewer.name, subject: jobId }),
      ]);
    } finally {
      db.close();
    }
  });

  it('a job the closing console stops is audited as stopped by the console, not by its owner', async () => {
    const { dbPath, own, jobId } = await importOnAConsoleOfItsOwn();
    await own.shutdown(); // nobody asked to cancel: the window closed

    const db = openDatabase(dbPath, { readonly: true });
    try {
      expect(listImportRuns(db, 1)[0]).toMatchObject({ status: 'cancelled' });
      const audit = listAudit(db, 100);
      expect(audit.filter((a) => a.action === 'job.cancel')).toEqual([
        expect.objectContaining({
          operator: CONSOLE_CLOSING,
          subject: jobId,
          details: { kind: 'import', startedBy: reviewer.name, ended: 'cancelled' },
        }),
      ]);
      // The worker's own row stays the owner's, as for any cancel; the row beside it says who stopped the job.
      expect(audit.filter((a) => a.action === 'import.cancel').map((a) => a.operator)).toEqual([reviewer.name]);
    } finally {
      db.close();
    }
  });
});
