import type { AuditAction } from '../../shared/domain/audit-actions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CallOutput } from '../../shared/contract';
import { MAX_FAILED_SIGN_INS } from '../operators/accounts';
import { withAudit } from '../audit/audit-log';
import { dispatch } from '../dispatch';
import { anonymousCaller, ensureTestOperator, signedIn, TEST_OPERATORS } from '../testing/operators';
import { tempServices } from '../testing/temp';

type AuditPage = CallOutput<'audit.list'>;

const PHONE = '13812345678';

describe('the audit trail as leads read it', () => {
  const services = tempServices();
  let page: AuditPage;
  const detailsOf = (action: string) => page.rows.find((r) => r.action === action)?.details;

  beforeAll(async () => {
    // A real lock: five wrong passwords in a row, the fifth's row saying when the lock ends.
    await ensureTestOperator(services, 'reviewer');
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++)
      await dispatch('session.signIn', { name: TEST_OPERATORS.reviewer, password: 'wrong' }, anonymousCaller(services));
    // Rows as an unmask and an import allowed older than the newest write them, with typed text beside the facts.
    const row = (action: AuditAction, details: Record<string, unknown>) =>
      withAudit(
        services.db,
        { operator: TEST_OPERATORS.lead, action },
        () => null,
        () => ({ details }),
      );
    row('privacy.unmask', {
      reason: `user asked, call ${PHONE}`,
      validSeconds: 60,
      expiresAt: '2026-11-25T01:06:00.000Z',
    });
    row('import.allow_older', {
      exportId: 'gen1-2026-11-24-s7-u300-d30-jsonl',
      reason: `replaying for 张薇 ${PHONE}`,
      newerExportId: 'gen1-2026-11-25-s7-u300-d30-jsonl',
      newerExportedAt: '2026-11-25T08:00:00+0800',
    });
    row('match.start', { date: '2026-11-24', rulesetVersion: 3 });
    // Keys that name a time or an id, holding what is not one: typed text or a phone put where an id belongs.
    row('moderation.decide', { expiresAt: `tomorrow, ${PHONE}`, exportId: PHONE, runDate: PHONE });
    const reply = await dispatch('audit.list', { limit: 50 }, await signedIn(services, 'lead'));
    if (!reply.ok) throw new Error(reply.error.message);
    page = reply.value as AuditPage;
  });

  it('shows the times and ids the console wrote as they are: when a lock ends, when an unmask expires, which export', () => {
    const locked = page.rows.filter((r) => r.action === 'session.signInFailed' && 'lockedUntil' in r.details);
    expect(locked).toHaveLength(1);
    expect(locked[0]!.details.lockedUntil).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(detailsOf('privacy.unmask')).toMatchObject({ expiresAt: '2026-11-25T01:06:00.000Z', validSeconds: 60 });
    expect(detailsOf('import.allow_older')).toMatchObject({
      exportId: 'gen1-2026-11-24-s7-u300-d30-jsonl',
      newerExportId: 'gen1-2026-11-25-s7-u300-d30-jsonl',
      newerExportedAt: '2026-11-25T08:00:00+0800',
    });
    expect(detailsOf('match.start')).toEqual({ date: '2026-11-24', rulesetVersion: 3 });
  });

  it('still masks what may have been typed, and a value not of its key’s shape', () => {
    expect(detailsOf('privacy.unmask')!.reason).toBe('user asked, call ⟦phone⟧');
    expect(detailsOf('import.allow_older')!.reason).toBe('replaying for 张薇 ⟦phone⟧');
    expect(detailsOf('moderation.decide')).toEqual({
      expiresAt: 'tomorrow, ⟦phone⟧',
      exportId: '⟦phone⟧',
      runDate: '⟦phone⟧',
    });
    expect(JSON.stringify(page.rows)).not.toContain(PHONE);
  });
});
