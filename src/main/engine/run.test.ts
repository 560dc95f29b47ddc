import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database';
import { DEFAULT_RULE_SET, type RuleSet } from '../../shared/domain/ruleset';
import { silentProgress } from '../../shared/progress';
import { type Assignment, readRun, readRunIntroductions, runMatchingDetailed } from './index';
import { publishDate } from '../outbox/publish';
import { noDrops } from '../../shared/domain/publication';
import { buildTestMirror } from '../testing/engine-mirror';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-run-'));
  dirs.push(dir);
  return dir;
}

const DATE = '2026-11-24';
const RULES: RuleSet = { ...DEFAULT_RULE_SET, topK: 10, ageRange: { min: 20, max: 60 } };

interface UserRow {
  id: string;
  id_verified: number;
  gender: string;
  seeking: string;
  birth_year: number;
  status: string;
}

/** Checks every rule on every introduction straight from the mirror's tables (independent of the engine's arrays). */
function checkConstraints(db: Db, runId: number, rules: RuleSet, excluded: ReadonlySet<string>): number {
  const users = new Map(
    (db.prepare('SELECT id, id_verified, gender, seeking, birth_year, status FROM users').all() as UserRow[]).map(
      (u) => [u.id, u],
    ),
  );
  const latestConsent = db.prepare(
    `SELECT revoked_at FROM consents WHERE user_id = ? AND feature = 'meet_similar' ORDER BY granted_at DESC LIMIT 1`,
  );
  const blocked = db.prepare(
    'SELECT 1 FROM blocks WHERE (blocker_id = ? AND blocked_id = ?) OR (blocker_id = ? AND blocked_id = ?)',
  );
  const introducedBefore = db.prepare('SELECT 1 FROM introductions WHERE user_a = ? AND user_b = ?');
  const earlierRuns = db.prepare(
    `SELECT 1 FROM run_introductions i JOIN match_runs r ON r.id = i.run_id WHERE r.id <> ? AND r.status = 'completed' AND r.date < ? AND i.user_a = ? AND i.user_b = ?`,
  );
  const sharedPlaces = db.prepare(`
    SELECT COUNT(DISTINCT CASE WHEN m.channel = 'online' AND m.brand IS NOT NULL THEN 'b:' || m.brand ELSE m.id END) AS n
    FROM transactions t JOIN merchant_keys mk ON mk.key = t.merchant_key JOIN merchants m ON m.id = mk.id
    WHERE t.user_key = (SELECT key FROM user_keys WHERE id = ?) AND t.paid_at >= ? AND t.paid_at < ?
      AND (CASE WHEN m.channel = 'online' AND m.brand IS NOT NULL THEN 'b:' || m.brand ELSE m.id END) IN (
        SELECT CASE WHEN m2.channel = 'online' AND m2.brand IS NOT NULL THEN 'b:' || m2.brand ELSE m2.id END
        FROM transactions t2 JOIN merchant_keys mk2 ON mk2.key = t2.merchant_key JOIN merchants m2 ON m2.id = mk2.id
        WHERE t2.user_key = (SELECT key FROM user_keys WHERE id = ?) AND t2.paid_at >= ? AND t2.paid_at < ?)`);
  const run = readRun(db, runId)!;
  const end = Date.parse(`${run.date}T00:00:00+08:00`) / 1000 + 86_400;
  const start = end - rules.windowDays * 86_400;
  const intros = readRunIntroductions(db, runId);
  const seen = new Set<string>();
  const year = Number(run.date.slice(0, 4));
  for (const i of intros) {
    const where = `run ${runId} pair ${i.userA}/${i.userB}`;
    expect(i.userA < i.userB, where).toBe(true);
    for (const id of [i.userA, i.userB]) {
      expect(seen.has(id), `${where}: ${id} introduced twice in one day`).toBe(false);
      seen.add(id);
      const u = users.get(id)!;
      expect(u.status, where).toBe('active');
      if (rules.requireRealName) expect(u.id_verified, where).toBe(1);
      expect(year - u.birth_year, where).toBeGreaterThanOrEqual(rules.ageRange.min);
      expect(year - u.birth_year, where).toBeLessThanOrEqual(rules.ageRange.max);
      expect(excluded.has(id), where).toBe(false);
      const consent = latestConsent.get(id) as { revoked_at: number | null } | undefined;
      expect(consent, `${where}: ${id} consent`).toBeDefined();
      expect(consent!.revoked_at, `${where}: ${id} consent revoked`).toBeNull();
    }
    const a = users.get(i.userA)!;
    const b = users.get(i.userB)!;
    expect(a.seeking === 'any' || a.seeking === b.gender, `${where}: a seeks b`).toBe(true);
    expect(b.seeking === 'any' || b.seeking === a.gender, `${where}: b seeks a`).toBe(true);
    expect(blocked.get(i.userA, i.userB, i.userB, i.userA), `${where}: blocked`).toBeUndefined();
    expect(introducedBefore.get(i.userA, i.userB), `${where}: met before`).toBeUndefined();
    expect(earlierRuns.get(runId, run.date, i.userA, i.userB), `${where}: earlier run`).toBeUndefined();
    expect(i.score, where).toBeGreaterThanOrEqual(rules.minScore);
    expect(i.score, where).toBeLessThanOrEqual(100);
    const shared = (sharedPlaces.get(i.userA, start, end, i.userB, start, end) as { n: number }).n;
    expect(shared, `${where}: shared places`).toBeGreaterThanOrEqual(rules.minSharedPlaces);
    expect(i.reasons.length, where).toBeGreaterThan(0);
    expect(JSON.stringify(i.evidence), where).not.toMatch(/amount|fen/);
  }
  return intros.length;
}

describe('matching runs', () => {
  for (const seed of [11, 12, 13, 14]) {
    it(`respects every constraint on every introduction (seed ${seed})`, async () => {
      const db = openDatabase(path.join(tempDir(), 'm.db'));
      buildTestMirror(db, { users: 300, seed });
      const excluded = new Set(
        (db.prepare('SELECT id FROM users ORDER BY id LIMIT 15').all() as { id: string }[]).map((r) => r.id),
      );
      const rules: RuleSet = { ...RULES, minSharedPlaces: 1 + (seed % 2), minScore: seed % 2 ? 20 : 0 };
      const first = await runMatchingDetailed(
        db,
        { date: '2026-11-23', ruleSet: rules, operator: 'op', excluded, threads: 1 },
        silentProgress,
      );
      expect(checkConstraints(db, first.summary.runId, rules, excluded)).toBeGreaterThan(5);
      // The next day must not repeat any pair of the first run.
      const second = await runMatchingDetailed(
        db,
        { date: DATE, ruleSet: rules, operator: 'op', excluded, threads: 2 },
        silentProgress,
      );
      expect(checkConstraints(db, second.summary.runId, rules, excluded)).toBeGreaterThan(0);
      const s = second.summary;
      // A run reports the upper bound (a what-if's re-score leaves it out).
      expect(s.upperBound).toBeGreaterThan(0);
      expect(s.totalScore).toBeLessThanOrEqual(s.upperBound! + 1e-6);
      expect(s.matchedShare).toBeGreaterThan(0);
      expect(s.matchedShare).toBeLessThanOrEqual(1);
    });
  }

  it('drops a revoked consent and a moderation exclusion from the next run and from the re-score', async () => {
    const db = openDatabase(path.join(tempDir(), 'm.db'));
    buildTestMirror(db, { users: 300, seed: 21 });
    const first = await runMatchingDetailed(
      db,
      { date: DATE, ruleSet: RULES, operator: 'op', excluded: new Set(), threads: 1 },
      silentProgress,
    );
    const intros = readRunIntroductions(db, first.summary.runId);
    expect(intros.length).toBeGreaterThan(2);
    const revoking = intros[0]!.userA;
    const restricted = intros[1]!.userB;
    db.prepare(`INSERT INTO consents (user_id, feature, granted_at, revoked_at) VALUES (?, 'meet_similar', ?, ?)`).run(
      revoking,
      1_795_000_000,
      1_795_000_100,
    ); // latest row: granted then revoked
    const excluded = new Set([restricted]);

    const ids = first.cache.pool.userIds;
    const inAssignment = (a: Assignment, id: string): boolean => {
      for (let i = 0; i < a.userA.length; i++) if (ids[a.userA[i]!] === id || ids[a.userB[i]!] === id) return true;
      return false;
    };
    expect(inAssignment(await first.cache.rescore(RULES), revoking)).toBe(true);
    first.cache.refreshPool(db, excluded);
    const re = await first.cache.rescore({ ...RULES, weights: { ...RULES.weights, coPresence: 0 } });
    expect(inAssignment(re, revoking)).toBe(false);
    expect(inAssignment(re, restricted)).toBe(false);
    // No cached candidate entry involving them qualifies any more.
    expect(re.summary.eligibleUsers).toBe(first.assignment.summary.eligibleUsers - 2);

    const next = await runMatchingDetailed(
      db,
      { date: DATE, ruleSet: RULES, operator: 'op', excluded, threads: 1 },
      silentProgress,
    );
    const again = readRunIntroductions(db, next.summary.runId);
    expect(again.some((i) => [i.userA, i.userB].includes(revoking))).toBe(false);
    expect(again.some((i) => [i.userA, i.userB].includes(restricted))).toBe(false);
    expect(readRun(db, first.summary.runId)!.status).toBe('superseded');
  });

  it("never repeats a pair across dates, whatever order the dates are run in, and respects upstream's introductions of the day", async () => {
    const db = openDatabase(path.join(tempDir(), 'm.db'));
    buildTestMirror(db, { users: 300, seed: 22 });
    const run = async (date: string) =>
      readRunIntroductions(
        db,
        (
          await runMatchingDetailed(
            db,
            { date, ruleSet: RULES, operator: 'op', excluded: new Set(), threads: 1 },
            silentProgress,
          )
        ).summary.runId,
      );
    const key = (i: { userA: string; userB: string }) => `${i.userA}+${i.userB}`;
    const later = new Set((await run('2026-11-24')).map(key));
    const earlier = await run('2026-11-23'); // run after a later date: must not reuse its pairs
    expect(earlier.length).toBeGreaterThan(0);
    expect(earlier.filter((i) => later.has(key(i)))).toEqual([]);
    // Upstream already introduced someone on 11-22: that person gets no second introduction from us that day.
    const [a, b] = [earlier[0]!.userA, earlier[0]!.userB];
    db.prepare(`INSERT INTO introductions (user_a, user_b, date, outcome) VALUES (?, ?, '2026-11-22', 'pending')`).run(
      a < b ? a : b,
      a < b ? b : a,
    );
    const day = await run('2026-11-22');
    expect(day.some((i) => [i.userA, i.userB].includes(a) || [i.userA, i.userB].includes(b))).toBe(false);
    db.close();
  });

  it('persists the run readably and exports the outbox file atomically', async () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'm.db'));
    buildTestMirror(db, { users: 200, seed: 31 });
    const { summary } = await runMatchingDetailed(
      db,
      { date: DATE, ruleSet: RULES, operator: 'alice', excluded: new Set(), threads: 1 },
      silentProgress,
    );
    db.close();
    const reopened = openDatabase(path.join(dir, 'm.db'));
    const run = readRun(reopened, summary.runId)!;
    expect(run).toMatchObject({ date: DATE, operator: 'alice', status: 'completed', ruleSet: RULES });
    expect(run.summary.introductions).toBe(summary.introductions);
    const intros = readRunIntroductions(reopened, summary.runId);
    expect(intros).toHaveLength(summary.introductions);
    const audit = reopened
      .prepare(`SELECT action FROM audit_log WHERE subject = ? ORDER BY id`)
      .all(String(summary.runId)) as { action: string }[];
    expect(audit.map((a) => a.action)).toEqual(['match.start', 'match.complete']);

    // Published right away, nothing has changed since the run: every pair passes the re-check.
    const out = publishDate(reopened, { date: DATE, operator: 'ops', outboxDir: path.join(dir, 'outbox') });
    expect(out).toMatchObject({ runId: summary.runId, passing: summary.introductions, dropped: noDrops() });
    expect(path.basename(out.file)).toBe(`introductions-${DATE}.jsonl`);
    const lines = fs
      .readFileSync(out.file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(summary.introductions);
    expect(Object.keys(lines[0]!)).toEqual(['date', 'user_a', 'user_b', 'score', 'ruleset_version', 'reasons']);
    expect(lines[0]!.ruleset_version).toBe(summary.rulesetVersion);
    expect(fs.readdirSync(path.join(dir, 'outbox'))).toEqual([`introductions-${DATE}.jsonl`]);
    expect(() => publishDate(reopened, { date: '2026-01-01', operator: 'ops', outboxDir: dir })).toThrow(
      /no completed matching run for 2026-01-01/,
    );
  });
});
