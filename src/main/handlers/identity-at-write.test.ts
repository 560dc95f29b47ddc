import { afterAll, describe, expect, it } from 'vitest';
import { listAudit } from '../audit/audit-log';
import { type Db, openDatabase } from '../db/database';
import { dispatch } from '../dispatch';
import { findOperator, setOperatorEnabled, setOperatorRole } from '../operators/accounts';
import { seedFlags, seedMirror } from '../testing/moderation-mirror';
import { buildPrivacyFixture } from '../testing/privacy-mirror';
import { signedIn, TEST_PASSWORD } from '../testing/operators';
import { tempServices } from '../testing/temp';

/**
 * A call runs as the operator its session is AT THE MOMENT IT WRITES, not as the session was when the call arrived:
 * between the two, a call may wait for another writer's lock (up to BUSY_WAIT_MS, other calls served meanwhile) or
 * for a password hash, and an admin — in this console or another process on the same mirror — may demote or
 * disable the operator meanwhile. Real services, a real mirror file, a second connection as the other process.
 */
describe('who a call runs as is read again when it writes', () => {
  const services = tempServices();
  const users = seedMirror(services.db, 6);
  const flags = seedFlags(services.db, users);
  const now = () => Math.floor(Date.now() / 1000);
  const other: Db = openDatabase(services.dbPath);
  afterAll(() => other.close());
  const decisions = (flagId: number) =>
    services.db.prepare(`SELECT count(*) FROM decisions WHERE flag_id = ?`).pluck().get(flagId) as number;

  it('a lead demoted while their suspend waits for the lock: refused, nothing recorded as a lead’s', async () => {
    await signedIn(services, 'admin', 'admin-1');
    const lead = await signedIn(services, 'lead', 'lead-1');
    other.prepare('BEGIN IMMEDIATE').run();
    // The first try meets the lock at once; the call waits and tries again on timers.
    const decided = dispatch(
      'moderation.decide',
      { flagId: flags[0], action: 'suspend', reasonCode: 'selling_confirmed' },
      lead,
    );
    // Meanwhile an admin (another process holding the lock) makes the lead a reviewer, and commits.
    setOperatorRole(other, 'admin-1', 'lead-1', 'reviewer');
    other.prepare('COMMIT').run();
    const reply = await decided;
    expect(reply.ok ? 'ok' : reply.error.code).toBe('FORBIDDEN');
    expect(decisions(flags[0]!)).toBe(0);
  });

  it('an operator disabled while their decision waits for the lock: refused, nothing recorded', async () => {
    await signedIn(services, 'admin', 'admin-1');
    const reviewer = await signedIn(services, 'reviewer', 'reviewer-1');
    other.prepare('BEGIN IMMEDIATE').run();
    const decided = dispatch(
      'moderation.decide',
      { flagId: flags[1], action: 'warn', reasonCode: 'selling_confirmed' },
      reviewer,
    );
    setOperatorEnabled(other, 'admin-1', 'reviewer-1', false, now());
    other.prepare('COMMIT').run();
    const reply = await decided;
    expect(reply.ok ? 'ok' : reply.error.code).toBe('NOT_SIGNED_IN');
    expect(decisions(flags[1]!)).toBe(0);
    expect(
      listAudit(services.db, 1000).filter((r) => r.operator === 'reviewer-1' && r.action === 'moderation.decide'),
    ).toHaveLength(0);
  });

  it('an operator disabled while their claim waits for the lock: refused, the item stays free', async () => {
    await signedIn(services, 'admin', 'admin-1');
    const reviewer = await signedIn(services, 'reviewer', 'reviewer-2');
    other.prepare('BEGIN IMMEDIATE').run();
    const claimed = dispatch('moderation.claim', { flagId: flags[2] }, reviewer);
    setOperatorEnabled(other, 'admin-1', 'reviewer-2', false, now());
    other.prepare('COMMIT').run();
    const reply = await claimed;
    expect(reply.ok ? 'ok' : reply.error.code).toBe('NOT_SIGNED_IN');
    expect(services.db.prepare(`SELECT count(*) FROM claims WHERE flag_id = ?`).pluck().get(flags[2])).toBe(0);
  });

  it('an admin demoted while the new account’s one-time password is hashed: no account is made', async () => {
    await signedIn(services, 'admin', 'admin-1');
    const admin2 = await signedIn(services, 'admin', 'admin-2');
    const added = dispatch('operators.add', { name: 'newcomer', role: 'lead' }, admin2);
    // The hash runs off the loop; the demotion commits before it ends.
    setOperatorRole(other, 'admin-1', 'admin-2', 'reviewer');
    const reply = await added;
    expect(reply.ok ? 'ok' : reply.error.code).toBe('FORBIDDEN');
    expect(findOperator(services.db, 'newcomer')).toBeNull();
  });
});

describe('who unmasks is read again after the password check', () => {
  const services = tempServices();
  const fixture = buildPrivacyFixture(services.db, { seed: 7 });
  const [a] = fixture.pairs[0]!;

  it('a lead demoted while their password is checked sees nothing unmasked, and no unmask is audited', async () => {
    await signedIn(services, 'admin', 'admin-1');
    const lead = await signedIn(services, 'lead', 'lead-2');
    const unmasked = dispatch(
      'preview.unmask',
      { userId: a, reason: 'checking a complaint about this account', password: TEST_PASSWORD },
      lead,
    );
    const other = openDatabase(services.dbPath);
    try {
      setOperatorRole(other, 'admin-1', 'lead-2', 'reviewer');
    } finally {
      other.close();
    }
    const reply = await unmasked;
    expect(reply.ok ? 'ok' : reply.error.code).toBe('FORBIDDEN');
    expect(listAudit(services.db, 1000).filter((r) => r.action === 'privacy.unmask')).toHaveLength(0);
  });
});
