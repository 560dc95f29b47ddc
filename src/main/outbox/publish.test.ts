import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listAudit } from '../audit/audit-log';
import { openDatabase, type Db } from '../db/database';
import { runMatching, type MatchRunSummary } from '../engine';
import { decide } from '../moderation/decisions';
import { matchingExclusions } from '../moderation/exclusions';
import { CALIBRATED_SINCE_VERSION } from '../moderation/model/model';
import { buildTestMirror } from '../testing/engine-mirror';
import { tempDir } from '../testing/temp';
import { DROP_REASONS, type DropReason, noDrops } from '../../shared/domain/publication';
import { silentProgress } from '../../shared/progress';
import { publicationOf } from './ledger';
import { checkPublication, publishDate, writeUnwrittenPublications } from './publish';

const DATE = '2026-11-24';
const lead = { name: 'lin', role: 'lead' as const };

async function matchedMirror(): Promise<{ db: Db; dir: string; summary: MatchRunSummary }> {
  const dir = tempDir('publish-');
  const db = openDatabase(path.join(dir, 'mirror.db'));
  buildTestMirror(db, { users: 600, seed: 17, date: DATE });
  const summary = await runMatching(
    db,
    { date: DATE, operator: 'ops', excluded: matchingExclusions(db, Math.floor(Date.now() / 1000)) },
    silentProgress,
  );
  return { db, dir, summary };
}

const pairsOf = (db: Db, runId: number) =>
  db.prepare(`SELECT user_a, user_b FROM run_introductions WHERE run_id = ? ORDER BY score DESC`).all(runId) as {
    user_a: string;
    user_b: string;
  }[];
const fileLines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { user_a: string; user_b: string });

describe('publishing a date', () => {
  it('after each kind of change since the run, drops exactly the pairs it touches, counted by reason', async () => {
    const { db, dir, summary } = await matchedMirror();
    const pairs = pairsOf(db, summary.runId);
    expect(pairs.length).toBeGreaterThan(30);
    // One pair per kind of change, each pair's accounts touched by that change only.
    const [
      revoked,
      blocked,
      upstreamSuspended,
      restricted,
      suspended,
      held,
      closedUpstream,
      introducedUpstream,
      unverified,
      seekingChanged,
      introducedThatDay,
      publishedBefore,
      erased,
      heldByDetection,
    ] = pairs;
    const sql = (text: string, ...params: unknown[]) => db.prepare(text).run(...params);

    // Upstream's changes, as imports leave them in the mirror.
    sql(`UPDATE consents SET revoked_at = unixepoch() WHERE user_id = ? AND revoked_at IS NULL`, revoked!.user_a);
    sql(`INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, 0)`, blocked!.user_b, blocked!.user_a);
    sql(`UPDATE users SET status = 'suspended' WHERE id = ?`, upstreamSuspended!.user_a);
    sql(`UPDATE users SET status = 'closed' WHERE id = ?`, closedUpstream!.user_b);
    sql(
      `INSERT INTO introductions (user_a, user_b, date, outcome) VALUES (?, ?, '2026-11-20', 'matched')`,
      introducedUpstream!.user_a,
      introducedUpstream!.user_b,
    );
    sql(`UPDATE users SET id_verified = 0 WHERE id = ?`, unverified!.user_a);
    // Seeking the other gender than the partner's: the pair's preferences no longer agree.
    const partner = db.prepare(`SELECT gender FROM users WHERE id = ?`).pluck().get(seekingChanged!.user_b) as string;
    sql(`UPDATE users SET seeking = ? WHERE id = ?`, partner === 'F' ? 'M' : 'F', seekingChanged!.user_a);
    // Upstream introduced one of them to someone else that very day: one introduction a day.
    const other = db
      .prepare(
        `SELECT id FROM users WHERE id NOT IN (SELECT user_a FROM run_introductions UNION SELECT user_b FROM run_introductions) ORDER BY id LIMIT 1`,
      )
      .pluck()
      .get() as string;
    const [x, y] = [introducedThatDay!.user_b, other].sort();
    sql(`INSERT INTO introductions (user_a, user_b, date, outcome) VALUES (?, ?, ?, 'pending')`, x, y, DATE);
    // An account a snapshot erased (its other rows go with it in a real snapshot; here only the account).
    sql(`PRAGMA foreign_keys = OFF`);
    sql(`DELETE FROM users WHERE id = ?`, erased!.user_b);
    sql(`PRAGMA foreign_keys = ON`);
    // The same pair published for another date (the ledger as an earlier publication left it).
    sql(
      `INSERT INTO publications (date, run_id, file, introductions, dropped, operator, published_at, written_at)
       VALUES ('2026-11-01', ?, 'introductions-2026-11-01.jsonl', 1, '{}', 'lin', 'then', 'then')`,
      summary.runId,
    );
    sql(
      `INSERT INTO published_introductions (date, user_a, user_b, score, ruleset_version, reasons) VALUES ('2026-11-01', ?, ?, 50, 1, '[]')`,
      publishedBefore!.user_a,
      publishedBefore!.user_b,
    );
    // Held by detection: an assessment scored above the hold threshold that nobody has decided yet.
    const detectRun = Number(
      db.prepare(`INSERT INTO detect_runs (started_at, status) VALUES (0, 'completed')`).run().lastInsertRowid,
    );
    sql(
      `INSERT INTO flags (user_id, detector, detector_version, score, reasons, evidence, first_detected_at, detected_at, run_id)
       VALUES (?, 'spammer', ?, 0.99, '[]', '{}', 0, 0, ?)`,
      heldByDetection!.user_a,
      CALIBRATED_SINCE_VERSION,
      detectRun,
    );
    // Moderation's decisions, as operators make them.
    decide(db, { userId: restricted!.user_b, action: 'restrict', reasonCode: 'selling_confirmed' }, lead, {});
    decide(db, { userId: suspended!.user_a, action: 'suspend', reasonCode: 'spam_confirmed' }, lead, {});
    decide(db, { userId: held!.user_b, action: 'hold', reasonCode: 'insufficient_evidence' }, lead, {});

    const expected: Record<DropReason, number> = {
      ...noDrops(),
      consent: 1,
      blocked: 1,
      upstream_status: 2,
      moderation: 4,
      introduced_before: 2,
      real_name: 1,
      preferences: 1,
      introduced_that_day: 1,
      account_gone: 1,
    };
    const droppedPairs = new Set(
      [
        revoked,
        blocked,
        upstreamSuspended,
        restricted,
        suspended,
        held,
        closedUpstream,
        introducedUpstream,
        unverified,
        seekingChanged,
        introducedThatDay,
        publishedBefore,
        erased,
        heldByDetection,
      ].map((p) => `${p!.user_a}|${p!.user_b}`),
    );

    const check = checkPublication(db, DATE);
    expect(check).toMatchObject({ runId: summary.runId, introductions: pairs.length, dropped: expected });
    expect(publicationOf(db, DATE)).toBeNull(); // checking writes nothing

    const outbox = path.join(dir, 'outbox');
    const result = publishDate(db, { date: DATE, operator: 'lin', outboxDir: outbox });
    expect(result).toMatchObject({ runId: summary.runId, passing: pairs.length - 14, dropped: expected });
    const written = fileLines(result.file).map((l) => `${l.user_a}|${l.user_b}`);
    expect(written).toEqual(pairs.map((p) => `${p.user_a}|${p.user_b}`).filter((p) => !droppedPairs.has(p)));
    expect(publicationOf(db, DATE)).toMatchObject({
      runId: summary.runId,
      written: pairs.length - 14,
      dropped: expected,
    });
    expect(listAudit(db, 5).find((a) => a.action === 'publish')).toMatchObject({
      operator: 'lin',
      subject: DATE,
      details: { runId: summary.runId, written: pairs.length - 14 },
    });
    db.close();
  });

  it('is final: publishing or matching the date again is refused with the run that was published', async () => {
    const { db, dir, summary } = await matchedMirror();
    const outbox = path.join(dir, 'outbox');
    const first = publishDate(db, { date: DATE, operator: 'lin', outboxDir: outbox });
    const bytes = fs.readFileSync(first.file);
    const refusal = { code: 'ALREADY_PUBLISHED', details: expect.objectContaining({ runId: summary.runId }) };
    expect(() => publishDate(db, { date: DATE, operator: 'lin', outboxDir: outbox })).toThrow(
      expect.objectContaining(refusal),
    );
    expect(() => checkPublication(db, DATE)).toThrow(expect.objectContaining(refusal));
    await expect(
      runMatching(db, { date: DATE, operator: 'ops', excluded: new Set() }, silentProgress),
    ).rejects.toMatchObject(refusal);
    expect(fs.readFileSync(first.file)).toEqual(bytes);
    expect(db.prepare(`SELECT count(*) FROM match_runs WHERE date = ?`).pluck().get(DATE)).toBe(1);
    // The ledger refuses a rewrite at the SQL level too.
    expect(() => db.prepare(`UPDATE publications SET run_id = 99 WHERE date = ?`).run(DATE)).toThrow(/final/);
    expect(() => db.prepare(`DELETE FROM published_introductions`).run()).toThrow(/final/);
    db.close();
  });

  it('publishes only a completed run of the date, the latest unless one is named', async () => {
    const { db, dir, summary } = await matchedMirror();
    const second = await runMatching(db, { date: DATE, operator: 'ops', excluded: new Set() }, silentProgress);
    db.prepare(
      `INSERT INTO match_runs (date, ruleset, operator, started_at, status, error)
       SELECT date, ruleset, 'x', 'now', 'failed', 'interrupted' FROM match_runs WHERE id = ?`,
    ).run(summary.runId);
    const interrupted = db.prepare(`SELECT max(id) FROM match_runs`).pluck().get() as number;
    expect(checkPublication(db, DATE).runId).toBe(second.runId);
    expect(() => checkPublication(db, DATE, interrupted)).toThrow(/interrupted: only a completed run/);
    expect(() => checkPublication(db, '2026-11-23', summary.runId)).toThrow(/is for 2026-11-24/);
    // The superseded first run, named on purpose.
    const r = publishDate(db, { date: DATE, runId: summary.runId, operator: 'lin', outboxDir: path.join(dir, 'o') });
    expect(r.runId).toBe(summary.runId);
    db.close();
  });

  it('a crash between the ledger and the file: the date is published, and its file is written again at the next export, byte for byte', async () => {
    const { db, dir } = await matchedMirror();
    const outbox = path.join(dir, 'outbox');
    fs.writeFileSync(outbox, 'a file where the outbox directory should be');
    expect(() => publishDate(db, { date: DATE, operator: 'lin', outboxDir: outbox })).toThrow(
      /is published \(run \d+\) but its file could not be written/,
    );
    expect(publicationOf(db, DATE)).toMatchObject({ writtenAt: null });
    fs.rmSync(outbox);
    expect(writeUnwrittenPublications(db, outbox)).toEqual([`introductions-${DATE}.jsonl`]);
    expect(publicationOf(db, DATE)!.writtenAt).not.toBeNull();
    const lines = fileLines(path.join(outbox, `introductions-${DATE}.jsonl`));
    expect(lines).toHaveLength(publicationOf(db, DATE)!.written);
    expect(writeUnwrittenPublications(db, outbox)).toEqual([]);
    expect(DROP_REASONS.length).toBe(Object.keys(publicationOf(db, DATE)!.dropped).length);
    db.close();
  });
});
