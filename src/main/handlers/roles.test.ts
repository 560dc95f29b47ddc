import { describe, expect, it } from 'vitest';
import { type CallName, callNames } from '../../shared/contract';
import { listAudit } from '../audit/audit-log';
import { anonymousCaller, signedIn } from '../testing/operators';
import { tempServices } from '../testing/temp';
import type { CallContext } from './context';
import type { Access } from './guards';
import type { HandlerTable } from './table';
import { handlers } from '.';

/**
 * Every call of the contract with who may make it and the audit row its handler writes. A call added to the
 * contract without a line here does not compile (the record covers CallName), and a declaration that differs
 * from this list fails below: changing who may do something is a visible, reviewed change.
 *
 * Reviewers: the queues, decisions within their powers (no suspend, bulk up to 100 accounts: checked inside, on
 * what is really selected), masked previews, imports, runs, drafts and what-ifs. Leads: also activating and
 * rolling back rule sets, unmasking (with their password), the audit trail. Admins: everything a lead may, and
 * operator accounts.
 */
const DECLARED: Record<CallName, [Access, string | null]> = {
  'app.capabilities': ['anyone', null],
  'session.get': ['anyone', null],
  'session.signIn': ['anyone', null], // audits every attempt itself ('session.signIn', 'session.signInFailed')
  'session.signOut': ['anyone', null], // audits 'session.signOut' when a session ends
  'session.changePassword': ['session', null], // audits 'session.passwordChanged'
  'mirror.status': ['reviewer', null],
  'jobs.list': ['reviewer', null],
  'jobs.cancel': ['reviewer', null], // its own jobs; another's from a lead up; 'job.cancel' written as the job ends
  'mirror.importRuns': ['reviewer', null],
  'mirror.quarantine': ['reviewer', null],
  'mirror.startImport': ['reviewer', null], // the import writes 'import.start' … 'import.complete' with its run
  'mirror.pickExportDir': ['reviewer', null],
  'moderation.startDetection': ['reviewer', null], // the run writes 'detect.start', 'detect.complete' with its rows
  'moderation.queue': ['reviewer', null],
  'moderation.item': ['reviewer', null],
  'moderation.timeline': ['reviewer', null],
  'moderation.claim': ['reviewer', null],
  'moderation.release': ['reviewer', null],
  'moderation.decide': ['reviewer', 'moderation.decide'],
  'moderation.undo': ['reviewer', 'moderation.undo'],
  'moderation.undoBulk': ['reviewer', 'moderation.undoBulk'],
  'moderation.bulkPreview': ['reviewer', null],
  'moderation.bulkApply': ['reviewer', 'moderation.bulk'],
  'moderation.views': ['reviewer', null],
  'moderation.createView': ['reviewer', null],
  'moderation.deleteView': ['reviewer', null],
  'moderation.evaluate': ['reviewer', null],
  'preview.runs': ['reviewer', null],
  'preview.introductions': ['reviewer', null],
  'preview.pair': ['reviewer', null],
  'preview.guess': ['reviewer', null],
  'preview.answerGuess': ['reviewer', null],
  'preview.unmask': ['lead', 'privacy.unmask'],
  'matching.runs': ['reviewer', null],
  'matching.start': ['reviewer', null], // the run writes 'match.start' and 'match.complete' with its rows
  'matching.introductions': ['reviewer', null],
  'matching.activeRuleSet': ['reviewer', null],
  'matching.publishCheck': ['reviewer', null],
  'matching.publish': ['lead', null], // publishing writes its 'publish' audit row with the publication
  'rulesets.list': ['reviewer', null],
  'rulesets.save': ['reviewer', 'ruleset.save'],
  'rulesets.activate': ['lead', 'ruleset.activate'],
  'rulesets.rollback': ['lead', 'ruleset.rollback'],
  'rulesets.diff': ['reviewer', null],
  'tuning.open': ['reviewer', null],
  'tuning.state': ['reviewer', null],
  'tuning.whatIf': ['reviewer', null],
  'tuning.shadowRun': ['reviewer', null], // the tuning worker writes 'tuning.shadowRun' with the run's rows
  'tuning.shadowRuns': ['reviewer', null],
  'tuning.shadowCompare': ['reviewer', null],
  'dashboard.overview': ['reviewer', null],
  'operators.list': ['admin', null],
  'operators.add': ['admin', 'operator.add'],
  'operators.setRole': ['admin', 'operator.setRole'],
  'operators.setEnabled': ['admin', 'operator.setEnabled'],
  'operators.resetPassword': ['admin', 'operator.resetPassword'],
  'audit.list': ['lead', null],
};

describe('who may make each call', () => {
  it('every call of the contract declares its role (and audit) exactly as listed', () => {
    for (const name of callNames) {
      const handler = handlers[name] as { access?: unknown; audit?: unknown } | undefined;
      expect(DECLARED[name], `${name} is not listed with its role`).toBeDefined();
      expect([handler?.access, handler?.audit ?? null], name).toEqual(DECLARED[name]);
    }
    expect(Object.keys(DECLARED).sort()).toEqual([...callNames].sort());
  });

  it('a handler without a declaration does not compile', () => {
    // @ts-expect-error a plain function is not a declared handler: the table accepts only anyone/withOperator/…
    const undeclared: HandlerTable['mirror.status'] = () => ({
      dbPath: '',
      schemaVersion: 0,
      latestSchemaVersion: 0,
      sizeBytes: 0,
      tables: [],
    });
    expect(typeof undeclared).toBe('function');
  });

  const services = tempServices();
  /** Runs a handler's declaration as dispatch would, with an input the guard must refuse before reading it. */
  const attempt = async (name: CallName, caller: Awaited<ReturnType<typeof signedIn>>) => {
    const ctx: CallContext = {
      call: name,
      services,
      caller,
      session: services.sessions.check(caller.token, Math.floor(Date.now() / 1000)),
      now: Math.floor(Date.now() / 1000),
      afterCommit: () => {},
    };
    try {
      await handlers[name].run({} as never, ctx);
      return 'let in';
    } catch (err) {
      const e = err as { code?: string; details?: { needs?: string } };
      return e.code === 'FORBIDDEN' || e.code === 'NOT_SIGNED_IN'
        ? `${e.code}${e.details?.needs ? ` ${e.details.needs}` : ''}`
        : 'let in';
    }
  };

  it('refuses every call but the anyone ones without a session, and every call above the caller’s role, naming the role', async () => {
    const nobody = anonymousCaller(services);
    const reviewer = await signedIn(services, 'reviewer');
    const lead = await signedIn(services, 'lead');
    for (const name of callNames) {
      const [access] = DECLARED[name];
      if (access !== 'anyone') expect(await attempt(name, nobody), name).toBe('NOT_SIGNED_IN');
      if (access === 'lead' || access === 'admin')
        expect(await attempt(name, reviewer), name).toBe(`FORBIDDEN ${access}`);
      if (access === 'admin') expect(await attempt(name, lead), name).toBe('FORBIDDEN admin');
    }
    // Every refusal of a signed-in operator is itself on the audit trail, with the role it needed.
    const refused = listAudit(services.db, 1000).filter((a) => a.action === 'access.refused');
    const expected =
      callNames.filter((n) => DECLARED[n][0] === 'lead' || DECLARED[n][0] === 'admin').length +
      callNames.filter((n) => DECLARED[n][0] === 'admin').length;
    expect(refused).toHaveLength(expected);
    expect(refused.find((a) => a.subject === 'preview.unmask')).toMatchObject({
      operator: '王芳',
      details: { needs: 'lead', role: 'reviewer' },
    });
  });
});
