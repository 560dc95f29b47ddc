import { afterAll, describe, expect, it } from 'vitest';
import { listAudit } from '../audit/audit-log';
import { dispatch } from '../dispatch';
import type { Assignment } from '../engine/assignment';
import { MatchingCache } from '../engine/cache';
import { activeRuleSet } from '../engine/store';
import { currentVersion, ensureRuleSetInForce } from '../tuning/versions';
import { WHAT_IF_SCORING } from '../tuning/what-if';
import { buildTestMirror } from '../testing/engine-mirror';
import { anonymousCaller, signedIn } from '../testing/operators';
import { tempServices } from '../testing/temp';
import type { Caller } from './context';
import type { OperatorRole } from '../../shared/domain/operator-roles';
import { DEFAULT_RULE_SET, DEFAULTS_IN_FORCE_BY, type RuleSet } from '../../shared/domain/ruleset';
import type { CallOutput } from '../../shared/contract';
import type { Envelope } from '../../shared/envelope';
import { silentProgress, type JobProgress } from '../../shared/progress';
import { decide, undo } from '../moderation/decisions';
import { matchingExclusions } from '../moderation/exclusions';
import { closeTuningSession } from './tuning';

const DATE = '2026-11-24';

describe('tuning handlers', () => {
  const services = tempServices();
  afterAll(() => closeTuningSession(services));
  buildTestMirror(services.db, { users: 300, seed: 5, date: DATE });
  const progress: JobProgress[] = [];
  services.events.on('job.progress', (p) => progress.push(p));
  const lead = { name: '李组长', role: 'lead' as const };
  const reviewer = { name: '王审核', role: 'reviewer' as const };
  let caller: Caller = anonymousCaller(services);
  const signedInAs = (op: { name: string; role: OperatorRole }) => signedIn(services, op.role, op.name);
  const draft: RuleSet = {
    ...DEFAULT_RULE_SET,
    weights: { ...DEFAULT_RULE_SET.weights, sameDistrict: 80 },
    minScore: 15,
  };

  /** What a real run with these rules would introduce now, as sorted "a+b" pairs. */
  async function realRunPairs(ruleSet: RuleSet): Promise<string[]> {
    const built = await MatchingCache.build(
      services.db,
      { date: DATE, ruleSet, excluded: matchingExclusions(services.db, Math.floor(Date.now() / 1000)), threads: 1 },
      silentProgress,
    );
    return pairsOf(built, await built.rescore(ruleSet));
  }
  const pairsOf = (built: MatchingCache, a: Assignment): string[] =>
    Array.from(a.userA, (u, i) => [built.pool.userIds[u]!, built.pool.userIds[a.userB[i]!]!].sort().join('+')).sort();
  const shadowPairs = (shadowId: number): unknown[] =>
    services.db
      .prepare(`SELECT user_a || '+' || user_b FROM shadow_introductions WHERE shadow_id = ? ORDER BY 1`)
      .pluck()
      .all(shadowId);

  async function ok<K extends Parameters<typeof dispatch>[0]>(name: K, input: unknown): Promise<unknown> {
    const reply = await dispatch(name, input, caller);
    if (!reply.ok) throw new Error(`${name}: ${reply.error.code} ${reply.error.message}`);
    return reply.value;
  }

  it('saves versions (note required), lets only a lead activate or roll back, and diffs', async () => {
    caller = await signedInAs(reviewer);
    const noNote = await dispatch('rulesets.save', { ruleSet: draft, note: '' }, caller);
    expect(noNote.ok ? null : noNote.error.message).toContain('note');
    const { version: v1 } = (await ok('rulesets.save', { ruleSet: DEFAULT_RULE_SET, note: 'defaults' })) as {
      version: number;
    };
    const { version: v2 } = (await ok('rulesets.save', { ruleSet: draft, note: 'districts' })) as { version: number };
    const forbidden = await dispatch('rulesets.activate', { version: v2 }, caller);
    expect(forbidden.ok ? null : forbidden.error.code).toBe('FORBIDDEN');
    caller = await signedInAs(lead);
    await ok('rulesets.activate', { version: v1 });
    expect(await ok('rulesets.activate', { version: v2 })).toEqual({ activeVersion: v2 });
    caller = await signedInAs(reviewer);
    const noRollback = await dispatch('rulesets.rollback', {}, caller);
    expect(noRollback.ok ? null : noRollback.error.code).toBe('FORBIDDEN');
    caller = await signedInAs(lead);
    expect(await ok('rulesets.rollback', {})).toEqual({ activeVersion: v1 });
    const list = (await ok('rulesets.list', {})) as CallOutput<'rulesets.list'>;
    expect(list.activeVersion).toBe(v1);
    expect(list.activations.map((a) => a.version)).toEqual([v1, v2, v1]);
    const diff = (await ok('rulesets.diff', { from: v1, to: v2 })) as CallOutput<'rulesets.diff'>;
    expect(diff.changes.map((c) => `${c.path}:${String(c.from)}→${String(c.to)}`)).toEqual([
      'weights.sameDistrict:10→80',
      'minScore:0→15',
    ]);
    const missing = await dispatch('rulesets.diff', { from: v1, to: 77 }, caller);
    expect(missing.ok ? null : missing.error.message).toBe('rule set version 77 does not exist');
    // Each change is audited under the session's operator, in its own transaction; refusals leave no such row.
    const audit = listAudit(services.db, 100)
      .filter((a) => a.action.startsWith('ruleset.'))
      .reverse()
      .map((a) => `${a.operator} ${a.action} ${a.subject} ${JSON.stringify(a.details)}`);
    expect(audit).toEqual([
      `王审核 ruleset.save ${v1} {"note":"defaults"}`,
      `王审核 ruleset.save ${v2} {"note":"districts"}`,
      `李组长 ruleset.activate ${v1} {}`,
      `李组长 ruleset.activate ${v2} {}`,
      `李组长 ruleset.rollback ${v1} {"from":${v2}}`,
    ]);
    const refusals = listAudit(services.db, 100).filter((a) => a.action === 'access.refused');
    expect(refusals.map((a) => `${a.operator} ${a.subject} ${String(a.details.needs)}`)).toEqual([
      '王审核 rulesets.rollback lead',
      '王审核 rulesets.activate lead',
    ]);
  });

  it('answers what-ifs from the worker with the engine’s own figures and drops superseded drafts', async () => {
    caller = await signedInAs(lead);
    const opened = (await ok('tuning.open', { date: DATE })) as CallOutput<'tuning.open'>;
    expect(opened.state).toBe('building');
    // Three drafts at once, as while dragging: only the newest is computed, the older two are answered superseded.
    const drafts = [10, 40, 80].map((w, i) =>
      dispatch(
        'tuning.whatIf',
        { ruleSet: { ...draft, weights: { ...draft.weights, coPresence: w } }, seq: i + 1 },
        caller,
      ),
    );
    const [first, second, third] = (await Promise.all(drafts)) as Envelope<CallOutput<'tuning.whatIf'>>[];
    expect(first!.ok && first!.value).toEqual({ status: 'superseded' });
    expect(second!.ok && second!.value).toEqual({ status: 'superseded' });
    if (!third!.ok || third!.value.status !== 'ready') throw new Error('the latest draft must be answered');
    const result = third!.value.result;
    expect(result.seq).toBe(3);
    // The same computation straight on the engine, in this process.
    const cache = await MatchingCache.build(
      services.db,
      { date: DATE, ruleSet: activeRuleSet(services.db).ruleSet, excluded: new Set(), threads: 1 },
      silentProgress,
    );
    const expected = await cache.rescore({ ...draft, weights: { ...draft.weights, coPresence: 80 } }, WHAT_IF_SCORING);
    expect(result.draft).toEqual(expected.summary);
    expect(result.active).toEqual((await cache.rescore(activeRuleSet(services.db).ruleSet, WHAT_IF_SCORING)).summary);
    expect(result.activeVersion).toBe(activeRuleSet(services.db).version);
    // Changed introductions carry masked people, never nicknames in full.
    expect(result.changedExamples.length).toBeGreaterThan(0);
    for (const e of result.changedExamples) {
      const person = result.people?.[e.userId];
      const nickname = services.db.prepare(`SELECT nickname FROM users WHERE id = ?`).pluck().get(e.userId) as string;
      expect(person?.displayName).toBe(`${[...nickname][0]}*`);
    }
    const state = (await ok('tuning.state', {})) as CallOutput<'tuning.state'>;
    expect(state).toMatchObject({ date: DATE, state: 'ready', poolUsers: 300 });
    const alone = (await dispatch('tuning.whatIf', { ruleSet: draft, seq: 4 }, caller)) as Envelope<
      CallOutput<'tuning.whatIf'>
    >;
    expect(alone.ok && alone.value.status === 'ready' && alone.value.result.draft).toEqual(
      (await cache.rescore(draft, WHAT_IF_SCORING)).summary,
    );
    expect(progress.some((p) => p.kind === 'tune' && p.state === 'completed' && p.jobId.startsWith('tuning-'))).toBe(
      true,
    );
  });

  it('leaves an account restricted after the cache was built out of the very next what-if', async () => {
    caller = await signedInAs(lead);
    const before = (await dispatch('tuning.whatIf', { ruleSet: draft, seq: 10 }, caller)) as Envelope<
      CallOutput<'tuning.whatIf'>
    >;
    if (!before.ok || before.value.status !== 'ready') throw new Error('what-if must be answered');
    const cache = await MatchingCache.build(
      services.db,
      { date: DATE, ruleSet: activeRuleSet(services.db).ruleSet, excluded: new Set(), threads: 1 },
      silentProgress,
    );
    const introduced = await cache.rescore(draft);
    expect(introduced.summary.introductions).toBeGreaterThan(0);
    const restricted = cache.pool.userIds[introduced.userA[0]!]!;
    decide(services.db, { userId: restricted, action: 'restrict', reasonCode: 'selling_confirmed' }, lead, {});
    const after = (await dispatch('tuning.whatIf', { ruleSet: draft, seq: 11 }, caller)) as Envelope<
      CallOutput<'tuning.whatIf'>
    >;
    if (!after.ok || after.value.status !== 'ready') throw new Error('what-if must be answered');
    cache.refreshPool(services.db, matchingExclusions(services.db, Math.floor(Date.now() / 1000)));
    expect(cache.eligibleMask(draft)[cache.pool.userIds.indexOf(restricted)]).toBe(0);
    expect(after.value.result.draft).toEqual((await cache.rescore(draft, WHAT_IF_SCORING)).summary);
    expect(after.value.result.draft.eligibleUsers).toBe(before.value.result.draft.eligibleUsers - 1);
    expect(after.value.result.active).toEqual(
      (await cache.rescore(activeRuleSet(services.db).ruleSet, WHAT_IF_SCORING)).summary,
    );
  });

  it('counts users who became eligible after the cache was built, which only reloading the date can score', async () => {
    caller = await signedInAs(lead);
    const cache = await MatchingCache.build(
      services.db,
      { date: DATE, ruleSet: activeRuleSet(services.db).ruleSet, excluded: new Set(), threads: 1 },
      silentProgress,
    );
    const held = cache.pool.userIds.find(
      (id, u) => cache.pool.inPool[u] && !matchingExclusions(services.db, Math.floor(Date.now() / 1000)).has(id),
    )!;
    const hold = decide(services.db, { userId: held, action: 'hold', reasonCode: 'selling_confirmed' }, lead, {});
    await ok('tuning.open', { date: DATE, reload: true }); // rebuilt without the held account
    const before = (await ok('tuning.whatIf', { ruleSet: draft, seq: 20 })) as CallOutput<'tuning.whatIf'>;
    if (before.status !== 'ready') throw new Error('what-if must be answered');
    expect(before.result.newlyEligible).toBe(0);
    undo(services.db, hold.id, lead, {});
    const after = (await ok('tuning.whatIf', { ruleSet: draft, seq: 21 })) as CallOutput<'tuning.whatIf'>;
    if (after.status !== 'ready') throw new Error('what-if must be answered');
    expect(after.result.newlyEligible).toBe(1);
    expect(after.result.draft).toEqual(before.result.draft);
    await ok('tuning.open', { date: DATE }); // same date, no reload: the cache is kept
    expect(
      ((await ok('tuning.whatIf', { ruleSet: draft, seq: 22 })) as { result: { newlyEligible: number } }).result
        .newlyEligible,
    ).toBe(1);
    await ok('tuning.open', { date: DATE, reload: true });
    const reloaded = (await ok('tuning.whatIf', { ruleSet: draft, seq: 23 })) as CallOutput<'tuning.whatIf'>;
    if (reloaded.status !== 'ready') throw new Error('what-if must be answered');
    expect(reloaded.result.newlyEligible).toBe(0);
    expect(reloaded.result.draft.eligibleUsers).toBe(before.result.draft.eligibleUsers + 1);
  });

  it('runs a shadow run without publishing and compares it; the dashboard reads runs from the mirror', async () => {
    caller = await signedInAs(lead);
    const { shadowId } = (await ok('tuning.shadowRun', { ruleSet: draft })) as { shadowId: number };
    const runs = (await ok('tuning.shadowRuns', {})) as CallOutput<'tuning.shadowRuns'>;
    expect(runs.runs[0]).toMatchObject({ id: shadowId, date: DATE, operator: '李组长' });
    const cmp = (await ok('tuning.shadowCompare', { shadowId })) as CallOutput<'tuning.shadowCompare'>;
    expect(cmp.activeRunId).toBeNull();
    expect(cmp.losers).toBe(0);
    expect(cmp.gainers).toBe(2 * cmp.shadowIntroductions);
    expect(services.db.prepare('SELECT count(*) FROM match_runs').pluck().get()).toBe(0);
    const dash = (await ok('dashboard.overview', { today: DATE })) as CallOutput<'dashboard.overview'>;
    expect(dash).toMatchObject({ days: [], today: null, shadowRuns: 1 });
    const bad = await dispatch('dashboard.overview', { today: '24/11/2026' }, caller);
    expect(bad.ok ? null : bad.error.message).toContain('today');
  });

  it('builds its own candidates for every shadow run, as a real run would (window, K, pool, blocks as of now)', async () => {
    caller = await signedInAs(lead);
    const wider = { ...draft, windowDays: 20, topK: 30 };
    const { shadowId } = (await ok('tuning.shadowRun', { ruleSet: wider })) as { shadowId: number };
    const pairs = await realRunPairs(wider);
    expect(shadowPairs(shadowId)).toEqual(pairs);
    // The cached what-if (window 30, K 50) would have introduced other pairs: the rebuild is what made these right.
    const cached = await MatchingCache.build(
      services.db,
      {
        date: DATE,
        ruleSet: activeRuleSet(services.db).ruleSet,
        excluded: matchingExclusions(services.db, Math.floor(Date.now() / 1000)),
        threads: 1,
      },
      silentProgress,
    );
    expect(pairsOf(cached, await cached.rescore(wider))).not.toEqual(pairs);
    // A rule that changes the pool (real names no longer required) is built afresh too, not narrowed from the cache.
    const looser = { ...draft, requireRealName: false };
    const second = (await ok('tuning.shadowRun', { ruleSet: looser })) as { shadowId: number };
    expect(shadowPairs(second.shadowId)).toEqual(await realRunPairs(looser));
  });

  it('stops a what-if cache build on jobs.cancel (any operator: the preview is the console’s), and builds again after', async () => {
    caller = await signedInAs(reviewer);
    const seen = progress.length;
    const opened = (await ok('tuning.open', { date: DATE, reload: true })) as CallOutput<'tuning.open'>;
    expect(opened.state).toBe('building');
    const building = progress.slice(seen).find((p) => p.kind === 'tune' && p.state === 'running')!;
    expect(await ok('jobs.cancel', { jobId: building.jobId })).toEqual({ cancelled: true });
    expect(await ok('tuning.state', {})).toMatchObject({ state: 'idle', date: null });
    expect(progress.at(-1)).toMatchObject({ jobId: building.jobId, kind: 'tune', state: 'cancelled' });
    expect(await ok('jobs.cancel', { jobId: building.jobId })).toEqual({ cancelled: false });

    await ok('tuning.open', { date: DATE });
    await expect
      .poll(async () => ((await ok('tuning.state', {})) as { state: string }).state, { timeout: 30_000 })
      .toBe('ready');
    // The stopped build never finished behind the new one.
    expect(progress.filter((p) => p.jobId === building.jobId).map((p) => p.state)).not.toContain('completed');
    closeTuningSession(services);
  });
});

describe('rule set versions in force, and the limits that protect users', () => {
  const services = tempServices();
  let caller: Caller = anonymousCaller(services);
  async function okAs(c: Caller, name: Parameters<typeof dispatch>[0], input: unknown): Promise<unknown> {
    const reply = await dispatch(name, input, c);
    if (!reply.ok) throw new Error(`${name}: ${reply.error.code} ${reply.error.message}`);
    return reply.value;
  }

  it('the defaults are in force as a version from the start, so the first activation can be rolled back to them', async () => {
    expect(currentVersion(services.db)).toBeNull();
    const v1 = ensureRuleSetInForce(services.db);
    expect(ensureRuleSetInForce(services.db)).toBe(v1);
    expect(activeRuleSet(services.db)).toEqual({ version: v1, ruleSet: DEFAULT_RULE_SET });
    caller = await signedIn(services, 'lead', '李组长');
    const { version: v2 } = (await okAs(caller, 'rulesets.save', {
      ruleSet: { ...DEFAULT_RULE_SET, minScore: 5 },
      note: 'a first version of our own',
    })) as { version: number };
    await okAs(caller, 'rulesets.activate', { version: v2 });
    expect(await okAs(caller, 'rulesets.rollback', {})).toEqual({ activeVersion: v1 });
    const list = (await okAs(caller, 'rulesets.list', {})) as CallOutput<'rulesets.list'>;
    expect(list.versions.find((v) => v.version === v1)?.createdBy).toBe(DEFAULTS_IN_FORCE_BY);
  });

  it('only a lead loosens a limit that protects users, and only with a reason, kept in the audit', async () => {
    const minors = { ...DEFAULT_RULE_SET, ageRange: { min: 16, max: 80 } };
    const unverified = { ...DEFAULT_RULE_SET, requireRealName: false };
    caller = await signedIn(services, 'reviewer', '王审核');
    for (const ruleSet of [minors, unverified]) {
      const refused = await dispatch('rulesets.save', { ruleSet, note: 'wider pool', loosenReason: 'why not' }, caller);
      expect(refused.ok ? null : [refused.error.code, refused.error.details?.needs]).toEqual(['FORBIDDEN', 'lead']);
    }
    // Tightening is anyone's: an older floor is no loosening.
    await okAs(caller, 'rulesets.save', {
      ruleSet: { ...DEFAULT_RULE_SET, ageRange: { min: 21, max: 80 } },
      note: 'older',
    });
    caller = await signedIn(services, 'lead', '李组长');
    const noReason = await dispatch('rulesets.save', { ruleSet: minors, note: 'wider pool' }, caller);
    expect(noReason.ok ? null : [noReason.error.code, noReason.error.message]).toEqual([
      'INVALID_INPUT',
      'rulesets.save: loosenReason: loosening ageRange.min needs a reason',
    ]);
    const { version } = (await okAs(caller, 'rulesets.save', {
      ruleSet: unverified,
      note: 'pilot',
      loosenReason: 'pilot in one district, legal approved',
    })) as { version: number };
    const saved = listAudit(services.db, 10).find((a) => a.action === 'ruleset.save' && a.subject === String(version));
    expect(saved?.details).toEqual({
      note: 'pilot',
      loosened: ['requireRealName'],
      loosenReason: 'pilot in one district, legal approved',
    });
    expect(
      listAudit(services.db, 10)
        .filter((a) => a.action === 'ruleset.save')
        .slice(0, 2)
        .map((a) => a.operator),
    ).toEqual(['李组长', '王审核']);
  });

  it('answers a what-if on a mirror with nobody in the pool with zeros, not an error', async () => {
    caller = await signedIn(services, 'lead', '李组长');
    await okAs(caller, 'tuning.open', { date: DATE });
    await expect
      .poll(async () => ((await okAs(caller, 'tuning.state', {})) as { state: string }).state, { timeout: 30_000 })
      .toBe('ready');
    const answer = (await okAs(caller, 'tuning.whatIf', {
      ruleSet: { ...DEFAULT_RULE_SET, ageRange: { min: 16, max: 80 } },
    })) as CallOutput<'tuning.whatIf'>;
    expect(answer.status === 'ready' ? [answer.result.draft.eligibleUsers, answer.result.changedUsers] : null).toEqual([
      0, 0,
    ]);
    closeTuningSession(services);
  });
});
