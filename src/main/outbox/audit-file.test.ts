import type { AuditAction } from '../../shared/domain/audit-actions';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CallName } from '../../shared/contract';
import { withAudit } from '../audit/audit-log';
import { dispatch } from '../dispatch';
import type { Caller } from '../handlers/context';
import { defaultOutboxDir } from '../paths';
import { createServices } from '../services';
import { seedFlags, seedMirror } from '../testing/moderation-mirror';
import { anonymousCaller, signedIn, TEST_OPERATORS, TEST_PASSWORD } from '../testing/operators';
import { tempDir } from '../testing/temp';
import { exportPendingAudit } from './audit-file';
import { rangeFileName } from './range-export';

interface Line {
  audit_id: string;
  at: string;
  operator: string;
  action: string;
  subject: string | null;
  details: Record<string, unknown>;
}

function setup() {
  const services = createServices({ dbPath: path.join(tempDir(), 'encounter.db'), log: () => {} });
  const users = seedMirror(services.db, 6);
  const flags = seedFlags(services.db, users);
  const outbox = defaultOutboxDir(services.dbPath);
  const call = async (caller: Caller, name: CallName, input: unknown) => {
    const env = await dispatch(name, input, caller);
    return env;
  };
  const auditFiles = () =>
    fs.existsSync(outbox)
      ? fs
          .readdirSync(outbox)
          .filter((f) => /^audit-\d+-\d+\.jsonl$/.test(f))
          .sort()
      : [];
  const linesOf = (files: string[]): Line[] =>
    files.flatMap((f) =>
      fs
        .readFileSync(path.join(outbox, f), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Line),
    );
  const auditIds = () => services.db.prepare(`SELECT id FROM audit_log ORDER BY id`).pluck().all() as number[];
  return { services, users, flags, outbox, call, auditFiles, linesOf, auditIds };
}

describe('the audit trail in the outbox', () => {
  it('goes out with the decisions: every row exactly once, in order, under the operator who acted, masked, never a password, a session or an unknown name typed', async () => {
    const { services, users, flags, call, auditFiles, linesOf, auditIds } = setup();
    const reviewer = await signedIn(services, 'reviewer');
    const lead = await signedIn(services, 'lead');
    // A reviewer's decision whose note quotes a handle and a phone; a lead's wrong password; a password typed into
    // the name field; a lead's decision.
    const decided = await call(reviewer, 'moderation.decide', {
      flagId: flags[0],
      action: 'warn',
      reasonCode: 'spam_confirmed',
      note: 'asked people to add wx abcdef123 or call 13812345678',
    });
    expect(decided.ok).toBe(true);
    expect(
      (await call(anonymousCaller(services), 'session.signIn', { name: TEST_OPERATORS.lead, password: 'wrong one 1' }))
        .ok,
    ).toBe(false);
    expect(
      (
        await call(anonymousCaller(services), 'session.signIn', {
          name: 'my secret passphrase',
          password: 'x'.repeat(12),
        })
      ).ok,
    ).toBe(false);
    expect(
      (await call(lead, 'moderation.decide', { flagId: flags[1], action: 'warn', reasonCode: 'spam_confirmed' })).ok,
    ).toBe(true);
    // A lead's unmasking, whose typed reason quotes what the caller said on the hotline.
    const unmasked = await call(lead, 'preview.unmask', {
      userId: users[2],
      reason: 'caller said wx abcdef123 and 13812345678 on the hotline',
      password: TEST_PASSWORD,
    });
    expect(unmasked.ok).toBe(true);

    services.outbox.flush();
    const files = auditFiles();
    expect(files).toHaveLength(1);
    const lines = linesOf(files);
    // Exactly the trail, once each, in id order.
    expect(lines.map((l) => Number(l.audit_id))).toEqual(auditIds());
    expect(files[0]).toBe(rangeFileName('audit', auditIds()[0]!, auditIds().at(-1)!));
    const decides = lines.filter((l) => l.action === 'moderation.decide');
    expect(decides.map((l) => l.operator)).toEqual([TEST_OPERATORS.reviewer, TEST_OPERATORS.lead]);
    const failures = lines.filter((l) => l.action === 'session.signInFailed');
    expect(failures.map((l) => l.operator).sort()).toEqual(['(unknown name)', TEST_OPERATORS.lead].sort());
    const unmask = lines.find((l) => l.action === 'privacy.unmask');
    expect(unmask).toMatchObject({ operator: TEST_OPERATORS.lead, subject: users[2] });
    expect(JSON.stringify(unmask!.details)).toContain('hotline');
    const text = fs.readFileSync(path.join(defaultOutboxDir(services.dbPath), files[0]!), 'utf8');
    for (const secret of [
      'abcdef123',
      '13812345678',
      'my secret passphrase',
      'wrong one 1',
      TEST_PASSWORD,
      reviewer.token!,
      lead.token!,
    ])
      expect(text).not.toContain(secret);

    // Nothing new: no new file. New rows go into the next file, starting after the last one carried.
    services.outbox.flush();
    expect(auditFiles()).toEqual(files);
    expect(
      (await call(reviewer, 'moderation.decide', { flagId: flags[2], action: 'warn', reasonCode: 'spam_confirmed' }))
        .ok,
    ).toBe(true);
    services.outbox.flush();
    const next = auditFiles().filter((f) => !files.includes(f));
    expect(next).toHaveLength(1);
    expect(linesOf(next).map((l) => Number(l.audit_id))).toEqual(auditIds().slice(lines.length));
    services.close();
  });

  it('removing delivered files never re-sends; a crash between ledger and file re-sends at most that file, and says so', () => {
    const { services, outbox, auditFiles, linesOf, auditIds } = setup();
    // Any action, as a mirror of an older version may hold: the file copies whatever the log holds.
    const row = (action: string) =>
      withAudit(services.db, { operator: TEST_OPERATORS.lead, action: action as AuditAction }, () => null);
    row('test.first');
    expect(exportPendingAudit(services.db, outbox)).toMatchObject({ rows: 1, resent: [] });
    // Upstream consumed it.
    for (const f of auditFiles()) fs.rmSync(path.join(outbox, f));
    expect(exportPendingAudit(services.db, outbox)).toEqual({ file: null, rows: 0, resent: [] });
    expect(auditFiles()).toEqual([]);

    row('test.second');
    // The ledger records the range, then the file cannot be written (a file stands where the outbox should be) —
    // as if the process died between the two.
    fs.rmSync(outbox, { recursive: true });
    fs.writeFileSync(outbox, 'not a directory');
    expect(() => exportPendingAudit(services.db, outbox)).toThrow();
    fs.rmSync(outbox);
    row('test.third');
    const [, second, third] = auditIds();
    const result = exportPendingAudit(services.db, outbox);
    expect(result).toMatchObject({ rows: 1, resent: [rangeFileName('audit', second!, second!)] });
    expect(auditFiles()).toEqual([rangeFileName('audit', second!, second!), rangeFileName('audit', third!, third!)]);
    expect(linesOf(auditFiles()).map((l) => l.action)).toEqual(['test.second', 'test.third']);
    services.close();
  });
});
