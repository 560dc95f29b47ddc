import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database';
import { runMatchingDetailed } from '../engine';
import type { Assignment } from '../engine/assignment';
import { MatchingCache } from '../engine/cache';
import type { EngineTeam } from '../engine/team';
import { activeRuleSet } from '../engine/store';
import { buildTestMirror } from '../testing/engine-mirror';
import { DEFAULT_RULE_SET, type RuleSet } from '../../shared/domain/ruleset';
import { silentProgress } from '../../shared/progress';
import { readDashboard } from './dashboard';
import { compareShadow, persistShadowRun } from './shadow';
import { activeBaseline, computeWhatIf, partnersOf, WHAT_IF_SCORING } from './what-if';
import {
  activateVersion,
  diffRuleSets,
  diffVersions,
  listActivations,
  listVersions,
  rollBack,
  saveVersion,
} from './versions';

const DATE = '2026-11-24';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuning-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const db = openDatabase(path.join(dir, 'mirror.db'));
afterAll(() => db.close());
buildTestMirror(db, { users: 400, seed: 11, date: DATE });
const RULES: RuleSet = { ...DEFAULT_RULE_SET, topK: 10, ageRange: { min: 20, max: 60 } };
const DRAFT: RuleSet = { ...RULES, weights: { ...RULES.weights, sameDistrict: 90, sharedPlaces: 5 }, minScore: 20 };

describe('rule set versions', () => {
  it('saves immutable versions with author and note, refuses a duplicate and an empty note', () => {
    const v1 = saveVersion(db, RULES, 'baseline for tests', '李组长');
    const v2 = saveVersion(db, DRAFT, 'more weight on districts', '王审核');
    expect(v2).toBeGreaterThan(v1);
    expect(() => saveVersion(db, RULES, 'again', '李组长')).toThrow(`already saved as version ${v1}`);
    expect(() => saveVersion(db, { ...RULES, minScore: 1 }, '   ', '李组长')).toThrow('note');
    const listed = listVersions(db);
    expect(listed.find((v) => v.version === v2)).toMatchObject({
      createdBy: '王审核',
      note: 'more weight on districts',
      active: false,
    });
  });

  it('activates and rolls back to the previous version (the handlers audit both)', () => {
    const [v2, v1] = listVersions(db).map((v) => v.version);
    activateVersion(db, v1!, '李组长');
    activateVersion(db, v2!, '李组长');
    expect(activeRuleSet(db).version).toBe(v2);
    expect(() => activateVersion(db, v2!, '李组长')).toThrow('already active');
    expect(() => activateVersion(db, 999, '李组长')).toThrow('version 999 does not exist');
    expect(rollBack(db, '李组长')).toBe(v1);
    expect(activeRuleSet(db).version).toBe(v1);
    expect(listActivations(db, 10).map((a) => a.version)).toEqual([v1, v2, v1]);
  });

  it('diffs two versions: changed weights and rules, from → to', () => {
    const [v2, v1] = listVersions(db).map((v) => v.version);
    expect(diffVersions(db, v1!, v2!)).toEqual([
      { path: 'weights.sharedPlaces', kind: 'weight', from: 35, to: 5 },
      { path: 'weights.sameDistrict', kind: 'weight', from: 10, to: 90 },
      { path: 'minScore', kind: 'rule', from: 0, to: 20 },
    ]);
    expect(diffRuleSets(RULES, { ...RULES, requireRealName: false, ageRange: { min: 20, max: 70 } })).toEqual([
      { path: 'ageRange.max', kind: 'rule', from: 60, to: 70 },
      { path: 'requireRealName', kind: 'rule', from: true, to: false },
    ]);
  });
});

describe('what-if', () => {
  it('matches the engine re-score on the whole population and counts changed introductions', async () => {
    const cache = await MatchingCache.build(
      db,
      { date: DATE, ruleSet: RULES, excluded: new Set(), threads: 1 },
      silentProgress,
    );
    const base = await activeBaseline(cache, 1, RULES);
    const result = await computeWhatIf(cache, DRAFT, base, 7);
    const direct = await cache.rescore(DRAFT, WHAT_IF_SCORING);
    const directActive = await cache.rescore(RULES, WHAT_IF_SCORING);
    expect(result.seq).toBe(7);
    expect(result.draft).toEqual(direct.summary);
    expect(result.active).toEqual(directActive.summary);
    expect(result.histogram.reduce((s, b) => s + b.draft, 0)).toBe(direct.summary.introductions);
    expect(result.byGenderPair.reduce((s, b) => s + b.draft, 0)).toBe(direct.summary.introductions);
    expect(result.byAgeBand.reduce((s, b) => s + b.active, 0)).toBe(2 * directActive.summary.introductions);
    expect(result.byDistrict.reduce((s, b) => s + b.draft, 0)).toBe(2 * direct.summary.introductions);
    // Changed users, recounted independently from the two assignments.
    const n = cache.pool.userIds.length;
    const a = partnersOf(directActive, n);
    const d = partnersOf(direct, n);
    let changed = 0;
    for (let u = 0; u < n; u++) if (a[u] !== d[u]) changed++;
    expect(changed).toBeGreaterThan(0);
    expect(result.changedUsers).toBe(changed);
    expect(result.changedExamples.length).toBeGreaterThan(0);
    // The same rule set changes nothing.
    const same = await computeWhatIf(cache, RULES, base, 8);
    expect(same.changedUsers).toBe(0);
    expect(same.histogram.every((b) => b.draft === b.active)).toBe(true);
    expect((await computeWhatIf(cache, { ...RULES, windowDays: 20 }, base, 9)).rebuildNeeded).toEqual(['windowDays']);
  });
  it('re-scores on two threads (the helper scores half) exactly as on one, and refuses once the cache is closed', async () => {
    const build = (threads: number) =>
      MatchingCache.build(db, { date: DATE, ruleSet: RULES, excluded: new Set(), threads }, silentProgress);
    const one = await build(1);
    const two = await build(2);
    // The test mirror is small: every re-score takes the helper here.
    two.startRescoreHelper(1);
    const pairsOf = (a: Assignment) => Array.from(a.userA, (u, i) => `${u}-${a.userB[i]}:${a.score[i]}@${a.pair[i]}`);
    const drafts: RuleSet[] = [
      RULES,
      DRAFT,
      { ...RULES, minSharedPlaces: 2 },
      { ...RULES, weights: { ...RULES.weights, coPresence: 0, sameDistrict: 60 } },
    ];
    // Sent at once: re-scores of one cache share its buffers, so they take turns.
    const [fromOne, fromTwo] = await Promise.all([
      Promise.all(drafts.map((d) => one.rescore(d))),
      Promise.all(drafts.map((d) => two.rescore(d))),
    ]);
    drafts.forEach((_, i) => {
      expect(fromTwo[i]!.summary, `draft ${i}`).toEqual(fromOne[i]!.summary);
      expect(pairsOf(fromTwo[i]!), `draft ${i}`).toEqual(pairsOf(fromOne[i]!));
      expect(fromOne[i]!.summary.introductions, `draft ${i}`).toBeGreaterThan(0);
    });
    // As a what-if re-scores (no upper bound): the same on two threads, the bound left out.
    for (const [i, d] of drafts.entries()) {
      const lean = await two.rescore(d, WHAT_IF_SCORING);
      expect(lean.summary, `draft ${i}`).toEqual({ ...fromOne[i]!.summary, upperBound: null, boundRatio: null });
      expect(pairsOf(lean), `draft ${i}`).toEqual(pairsOf(fromOne[i]!));
    }
    // A helper thread that stops (here: terminated under the cache) is dropped: the re-score that met it and every
    // later one run on this thread, with the same result — never a what-if waiting forever.
    expect([one.rescoreThreads, two.rescoreThreads]).toEqual([1, 2]);
    await (two as unknown as { helper: EngineTeam }).helper.close();
    for (const i of [1, 3])
      expect(pairsOf(await two.rescore(drafts[i]!)), `draft ${i} after`).toEqual(pairsOf(fromOne[i]!));
    expect(two.rescoreThreads).toBe(1);
    expect(two.helperFailure).toMatch(/thread 0 stopped/);
    await two.close();
    await expect(two.rescore(RULES)).rejects.toThrow('closed');
    await one.close();
  });
});

describe('shadow runs and the dashboard', () => {
  it('compares a shadow run with the published run from the persisted rows', async () => {
    const { cache, summary } = await runMatchingDetailed(
      db,
      { date: DATE, ruleSet: RULES, operator: 't', excluded: new Set(), threads: 1 },
      silentProgress,
    );
    // Re-scored as the tuning worker's shadow run does (the default): with the upper bound, unlike a what-if.
    const draft = await cache.rescore(DRAFT);
    expect(draft.summary.upperBound).toBeGreaterThan(0);
    const shadowId = persistShadowRun(
      db,
      { date: DATE, ruleSet: DRAFT, activeVersion: 1, operator: 't' },
      cache.pool.userIds,
      draft,
    );
    const cmp = compareShadow(db, shadowId);
    expect(cmp.activeRunId).toBe(summary.runId);
    expect(cmp.activeIntroductions).toBe(summary.introductions);
    expect(cmp.shadowIntroductions).toBe(draft.summary.introductions);
    const pairs = (sqlText: string, id: number) =>
      new Set((db.prepare(sqlText).all(id) as { a: string; b: string }[]).map((r) => `${r.a}|${r.b}`));
    const shadowPairs = pairs('SELECT user_a a, user_b b FROM shadow_introductions WHERE shadow_id = ?', shadowId);
    const runPairs = pairs('SELECT user_a a, user_b b FROM run_introductions WHERE run_id = ?', summary.runId);
    expect(cmp.overlap).toBe([...shadowPairs].filter((p) => runPairs.has(p)).length);
    expect(cmp.shadowMatchedShare).toBe(draft.summary.matchedShare);
    expect(cmp.activeMatchedShare).toBe(summary.matchedShare);
    const users = (set: Set<string>) => new Set([...set].flatMap((p) => p.split('|')));
    const shadowUsers = users(shadowPairs);
    const runUsers = users(runPairs);
    expect(cmp.gainers).toBe([...shadowUsers].filter((u) => !runUsers.has(u)).length);
    expect(cmp.losers).toBe([...runUsers].filter((u) => !shadowUsers.has(u)).length);
    // A shadow run never publishes: match_runs has exactly the one completed run.
    expect(db.prepare(`SELECT count(*) FROM match_runs WHERE status = 'completed'`).pluck().get()).toBe(1);
    expect(() => compareShadow(db, 999)).toThrow('there is no shadow run 999');
  });

  it('reads the last days of published runs for the Overview', () => {
    const dash = readDashboard(db, DATE, 30);
    expect(dash.days).toHaveLength(1);
    expect(dash.today?.date).toBe(DATE);
    expect(dash.shadowRuns).toBe(1);
    expect(readDashboard(db, '2026-12-31', 30).today).toBeNull();
    // Moderation figures: a flag first raised on the run date (+08:00) counts on that day and in the open queue.
    const firstUser = db.prepare('SELECT id FROM users ORDER BY id LIMIT 1').pluck().get() as string;
    const at = Date.parse(`${DATE}T09:00:00+08:00`) / 1000;
    db.prepare(`INSERT INTO detect_runs (id, started_at, status) VALUES (1, ?, 'completed')`).run(at);
    db.prepare(
      `INSERT INTO flags (user_id, detector, detector_version, score, reasons, evidence, first_detected_at, detected_at, run_id) VALUES (?, 'spammer', 1, 0.9, '[]', '{}', ?, ?, 1)`,
    ).run(firstUser, at, at);
    const withFlag = readDashboard(db, DATE, 30);
    expect(withFlag.flags).toEqual([{ date: DATE, flags: 1 }]);
    expect(withFlag.openFlags).toBe(1);
    expect(() => readDashboard(db, 'tomorrow', 30)).toThrow('"tomorrow"');
  });
});
