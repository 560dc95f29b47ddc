import type { AuditAction } from '../../../shared/domain/audit-actions';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { listAudit, withAudit } from '../../audit/audit-log';
import { openDatabase } from '../../db/database';
import { ensureTestAccount, TEST_OPERATORS } from '../../testing/operators';
import { tempDir } from '../../testing/temp';
import { main } from '../main';
import { auditCommand } from './audit';

let out: string[];
beforeEach(() => {
  out = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

const dir = tempDir();
const db = path.join(dir, 'mirror.db');
const last = (): Record<string, unknown> =>
  JSON.parse(out.join('').trim().split('\n').at(-1)!) as Record<string, unknown>;
const run = (...args: string[]) => main(['audit', ...args, '--db', db, '--json'], [auditCommand]);
const { reviewer, lead } = TEST_OPERATORS;

describe('cli audit', () => {
  it('reads and exports the trail by operator, action and platform day, for leads only, masked and itself audited', async () => {
    const mirror = openDatabase(db);
    await ensureTestAccount(mirror, 'reviewer');
    await ensureTestAccount(mirror, 'lead');
    const row = (operator: string, action: AuditAction, at: string, details: Record<string, unknown> = {}) =>
      withAudit(
        mirror,
        { operator, action },
        () => null,
        () => ({ subject: 's', details }),
        new Date(at),
      );
    row(reviewer, 'moderation.decide', '2026-11-30T10:00:00+08:00');
    // 00:10 on 1 December in China is still 30 November in UTC: days are platform days.
    row(reviewer, 'moderation.decide', '2026-12-01T00:10:00+08:00');
    row(lead, 'privacy.unmask', '2026-12-01T09:00:00+08:00', { reason: 'caller gave 13812345678 on the hotline' });
    mirror.close();

    expect(await run('--operator', reviewer)).toBe(1);
    expect(last()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', needs: 'lead' } });

    expect(await run('--operator', lead, '--by', reviewer)).toBe(0);
    const byReviewer = last() as { total: number; rows: { operator: string; at: string }[] };
    expect(byReviewer.total).toBe(2);
    expect(byReviewer.rows.map((r) => r.operator)).toEqual([reviewer, reviewer]);
    expect(byReviewer.rows[0]!.at > byReviewer.rows[1]!.at).toBe(true);

    expect(await run('--operator', lead, '--from', '2026-12-01', '--to', '2026-12-01')).toBe(0);
    const dec1 = last() as { total: number; rows: { action: string; details: { reason?: string } }[] };
    expect(dec1.rows.map((r) => r.action)).toEqual(['privacy.unmask', 'moderation.decide']);
    expect(dec1.rows[0]!.details.reason).toContain('hotline');
    expect(JSON.stringify(dec1)).not.toContain('13812345678');

    expect(await run('--operator', lead, '--from', '2026-12-02', '--to', '2026-12-01')).toBe(1);
    expect(last()).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^to:/) },
    });
    expect(await run('--operator', lead, '--from', '1 Dec')).toBe(2);
    expect(last()).toMatchObject({ ok: false, error: { code: 'USAGE', message: expect.stringContaining('--from') } });

    const file = path.join(dir, 'archive', 'audit.jsonl');
    expect(await run('--operator', lead, '--action', 'moderation.decide', '--out', file)).toBe(0);
    expect(last()).toMatchObject({ ok: true, total: 2, file });
    const lines = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { audit_id: string; action: string });
    expect(lines.map((l) => l.action)).toEqual(['moderation.decide', 'moderation.decide']);
    expect(Number(lines[0]!.audit_id)).toBeLessThan(Number(lines[1]!.audit_id));
    const check = openDatabase(db, { readonly: true });
    expect(listAudit(check, 1)[0]).toMatchObject({
      operator: lead,
      action: 'audit.export',
      subject: 'audit.jsonl',
      details: { action: 'moderation.decide', rows: 2 },
    });
    check.close();
  });
});
