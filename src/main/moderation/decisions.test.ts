import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Operator } from '../../shared/contract/app';
import type { DecisionReason } from '../../shared/domain/reason-codes';
import { openDatabase } from '../db/database';
import { claim } from './claims';
import { bulkDecide, decide, exportPendingDecisions, previewBulk, tryExportPending, undo, undoBulk } from './decisions';
import { decisionsFileName } from '../outbox/decisions-file';
import { matchingExclusions } from './exclusions';
import { listQueue, queueItemDetail } from './queue';
import { freshDb, seedFlags, tempDbPath, seedMirror } from '../testing/moderation-mirror';

const reviewer: Operator = { name: 'ann', role: 'reviewer' };
const otherReviewer: Operator = { name: 'bob', role: 'reviewer' };
const lead: Operator = { name: 'lin', role: 'lead' };
const NOW = 1_764_100_000;
const noOutbox = { now: NOW };
/** Every line of every decisions file in the outbox, in file-name order (the order of decisions). */
const decisionLines = (outbox: string) =>
  fs
    .readdirSync(outbox)
    .sort()
    .flatMap((f) => fs.readFileSync(path.join(outbox, f), 'utf8').trim().split('\n'))
    .map((l) => JSON.parse(l) as Record<string, string>);

describe('decisions', () => {
  it('an item whose account an import removed meanwhile answers NOT_FOUND, saying so, and records nothing', () => {
    const { db, userIds } = freshDb(3);
    const [flag] = seedFlags(db, userIds.slice(0, 1));
    // As a snapshot without the account leaves it (imports write with foreign keys off; the item stays for the record).
    db.pragma('foreign_keys = OFF');
    db.prepare(`DELETE FROM users WHERE id = 'u0'`).run();
    db.pragma('foreign_keys = ON');
    expect(() =>
      decide(db, { flagId: flag!, action: 'warn', reasonCode: 'selling_confirmed' }, reviewer, noOutbox),
    ).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringMatching(/no longer in the mirror/) }),
    );
    expect(db.prepare(`SELECT count(*) FROM decisions`).pluck().get()).toBe(0);
  });

  it('undoing a decision on an account an import removed meanwhile answers NOT_FOUND and records nothing', () => {
    const { db, userIds } = freshDb(3);
    const [flag] = seedFlags(db, userIds.slice(0, 1));
    const made = decide(db, { flagId: flag!, action: 'warn', reasonCode: 'selling_confirmed' }, reviewer, noOutbox);
    db.pragma('foreign_keys = OFF');
    db.prepare(`DELETE FROM users WHERE id = 'u0'`).run();
    db.pragma('foreign_keys = ON');
    expect(() => undo(db, made.id, reviewer, noOutbox)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringMatching(/no longer in the mirror/) }),
    );
    expect(db.prepare(`SELECT count(*) FROM decisions`).pluck().get()).toBe(1);
  });

  it('records a decision and resolves the flag out of the unreviewed queue', () => {
    const { db, userIds } = freshDb(3);
    const [flag] = seedFlags(db, userIds.slice(0, 1));
    const row = decide(
      db,
      { flagId: flag!, action: 'warn', reasonCode: 'selling_confirmed', note: 'first time' },
      reviewer,
      noOutbox,
    );
    expect(row).toMatchObject({
      user_id: 'u0',
      flag_id: flag,
      action: 'warn',
      operator: 'ann',
      role: 'reviewer',
      decided_at: NOW,
    });
    expect(listQueue(db, { queue: 'unreviewed', operator: reviewer, now: NOW }).total).toBe(0);
    expect(listQueue(db, { queue: 'resolved', operator: reviewer, now: NOW }).items.map((i) => i.flagId)).toEqual([
      flag,
    ]);
  });

  it('undo appends a reversing row, keeps both rows and reopens the flag', () => {
    const { db, userIds } = freshDb(3);
    const [flag] = seedFlags(db, userIds.slice(0, 1));
    const original = decide(
      db,
      { flagId: flag!, action: 'restrict', reasonCode: 'selling_confirmed' },
      reviewer,
      noOutbox,
    );
    expect(matchingExclusions(db, NOW).has('u0')).toBe(true);
    const reversing = undo(db, original.id, reviewer, { ...noOutbox, note: 'wrong account' });
    expect(reversing).toMatchObject({ action: 'undo', reverses: original.id, user_id: 'u0', flag_id: flag });
    const rows = db.prepare(`SELECT id, action, reverses FROM decisions ORDER BY id`).all();
    expect(rows).toEqual([
      { id: original.id, action: 'restrict', reverses: null },
      { id: reversing.id, action: 'undo', reverses: original.id },
    ]);
    expect(matchingExclusions(db, NOW).has('u0')).toBe(false);
    expect(listQueue(db, { queue: 'unreviewed', operator: reviewer, now: NOW }).items.map((i) => i.flagId)).toEqual([
      flag,
    ]);
    expect(() => undo(db, original.id, reviewer, noOutbox)).toThrow(/already undone/);
    expect(() => undo(db, reversing.id, reviewer, noOutbox)).toThrow(/itself an undo/);
  });

  it('a reviewer cannot suspend; a lead can (rejected in main with FORBIDDEN)', () => {
    const { db, userIds } = freshDb(2);
    const [flag] = seedFlags(db, userIds.slice(0, 1));
    expect(() =>
      decide(db, { flagId: flag!, action: 'suspend', reasonCode: 'spam_confirmed' }, reviewer, noOutbox),
    ).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(db.prepare(`SELECT count(*) AS n FROM decisions`).get()).toEqual({ n: 0 });
    expect(decide(db, { flagId: flag!, action: 'suspend', reasonCode: 'spam_confirmed' }, lead, noOutbox).action).toBe(
      'suspend',
    );
  });

  it('a reviewer cannot undo someone else’s decision', () => {
    const { db, userIds } = freshDb(2);
    const [flag] = seedFlags(db, userIds.slice(0, 1));
    const d = decide(db, { flagId: flag!, action: 'hold', reasonCode: 'insufficient_evidence' }, reviewer, noOutbox);
    expect(() => undo(db, d.id, otherReviewer, noOutbox)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(undo(db, d.id, lead, noOutbox).reverses).toBe(d.id);
  });

  it('a lead demoted to reviewer cannot lift a suspension they made as a lead by undoing it', () => {
    const { db, userIds } = freshDb(2);
    const [flag] = seedFlags(db, userIds.slice(0, 1));
    const d = decide(db, { flagId: flag!, action: 'suspend', reasonCode: 'spam_confirmed' }, lead, noOutbox);
    const demoted: Operator = { name: lead.name, role: 'reviewer' };
    expect(() => undo(db, d.id, demoted, noOutbox)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(db.prepare(`SELECT count(*) FROM decisions WHERE reverses = ?`).pluck().get(d.id)).toBe(0);
    expect(matchingExclusions(db, NOW + 1).has('u0')).toBe(true);
  });

  it('bad input says what and where', () => {
    const { db, userIds } = freshDb(2);
    const [flag] = seedFlags(db, userIds.slice(0, 1));
    // The reason vocabulary is closed: a well-formed code that is not in it is refused like a malformed one.
    for (const code of ['Bad Code', 'spam_template', 'undo']) {
      expect(() =>
        decide(db, { flagId: flag!, action: 'warn', reasonCode: code as DecisionReason }, reviewer, noOutbox),
      ).toThrow(/reasonCode: must be one of selling_confirmed, .*got "/);
      expect(() =>
        bulkDecide(db, { flagIds: [flag!] }, { action: 'warn', reasonCode: code as DecisionReason }, lead, noOutbox),
      ).toThrow(/decision\.reasonCode: must be one of/);
    }
    expect(db.prepare('SELECT count(*) FROM decisions').pluck().get()).toBe(0);
    expect(() =>
      decide(
        db,
        { flagId: flag!, action: 'warn', reasonCode: 'spam_confirmed', expiresAt: NOW + 10 },
        reviewer,
        noOutbox,
      ),
    ).toThrow(/expiresAt/);
    expect(() => decide(db, { flagId: 999, action: 'warn', reasonCode: 'spam_confirmed' }, reviewer, noOutbox)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(() => decide(db, { action: 'warn', reasonCode: 'spam_confirmed' }, reviewer, noOutbox)).toThrow(
      /flagId or userId/,
    );
  });

  it('bulk over 100 accounts is lead-only, and the preview gives the count first', () => {
    const { db, userIds } = freshDb(150);
    const flags = seedFlags(db, userIds);
    const selection = { queue: 'unreviewed' as const, filter: { detector: 'micro_seller' } };
    expect(previewBulk(db, selection, reviewer, NOW)).toMatchObject({
      flags: 150,
      accounts: 150,
      allowed: false,
      limit: 100,
    });
    expect(() =>
      bulkDecide(db, selection, { action: 'clear', reasonCode: 'false_positive' }, reviewer, noOutbox),
    ).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(db.prepare(`SELECT count(*) AS n FROM decisions`).get()).toEqual({ n: 0 });
    const small = { flagIds: flags.slice(0, 100) };
    expect(previewBulk(db, small, reviewer, NOW).allowed).toBe(true);
    const expected = { accounts: 100, selectionKey: previewBulk(db, small, reviewer, NOW).selectionKey };
    expect(
      bulkDecide(db, small, { action: 'clear', reasonCode: 'false_positive' }, reviewer, { ...noOutbox, expected })
        .decisions,
    ).toBe(100);
    const rest = bulkDecide(db, selection, { action: 'hold', reasonCode: 'needs_lead_review' }, lead, noOutbox);
    expect(rest).toMatchObject({ decisions: 50, accounts: 50 });
    expect(matchingExclusions(db, NOW).size).toBe(50);
  });

  it('bulk refuses a selection that changed since its preview even at the same count, and decides a listed-twice flag once', () => {
    const { db, userIds } = freshDb(6);
    const flags = seedFlags(db, userIds);
    const view = { queue: 'unreviewed' as const, filter: { detector: 'micro_seller' } };
    const preview = previewBulk(db, view, lead, NOW);
    expect(preview).toMatchObject({ flags: 6, accounts: 6 });
    // One flagged account is cleared and another one flagged: still 6 accounts, but not the 6 the lead saw.
    decide(db, { flagId: flags[0]!, action: 'clear', reasonCode: 'false_positive' }, lead, noOutbox);
    db.prepare(
      `INSERT INTO users (id, nickname, id_verified, gender, seeking, birth_year, city, registered_at, status) VALUES ('u6', 'n6', 1, 'F', 'M', 1995, 'Hangzhou', 1700000000, 'active')`,
    ).run();
    seedFlags(db, ['u6']);
    expect(previewBulk(db, view, lead, NOW).accounts).toBe(6);
    expect(() =>
      bulkDecide(db, view, { action: 'warn', reasonCode: 'spam_confirmed' }, lead, {
        ...noOutbox,
        expected: { accounts: 6, selectionKey: preview.selectionKey },
      }),
    ).toThrow(/the selection changed since the preview/);
    const twice = { flagIds: [flags[1]!, flags[1]!] };
    expect(previewBulk(db, twice, lead, NOW)).toMatchObject({ flags: 1, accounts: 1 });
    expect(
      bulkDecide(db, twice, { action: 'hold', reasonCode: 'insufficient_evidence' }, lead, noOutbox).decisions,
    ).toBe(1);
  });

  it('undoes what is left of a bulk action in one go, all or nothing, with reversing rows', () => {
    const { db, userIds } = freshDb(5);
    const flags = seedFlags(db, userIds);
    const done = bulkDecide(
      db,
      { flagIds: flags },
      { action: 'restrict', reasonCode: 'selling_confirmed' },
      lead,
      noOutbox,
    );
    expect(matchingExclusions(db, NOW).size).toBe(5);
    undo(db, done.firstId!, lead, noOutbox); // one of them already undone on its own
    expect(() => undoBulk(db, done.bulkId, reviewer, noOutbox)).toThrow(/can only undo their own decisions/);
    const back = undoBulk(db, done.bulkId, lead, { ...noOutbox, note: 'wrong batch' });
    expect(back.undone).toBe(4);
    expect(matchingExclusions(db, NOW).size).toBe(0);
    expect(listQueue(db, { queue: 'unreviewed', operator: lead, now: NOW }).total).toBe(5);
    expect(
      db.prepare(`SELECT count(*) FROM decisions WHERE action = 'undo' AND bulk_id = ?`).pluck().get(back.bulkId),
    ).toBe(4);
    expect(() => undoBulk(db, done.bulkId, lead, noOutbox)).toThrow(/left to undo/);
  });

  it('two operators cannot claim the same item; a lapsed claim can be taken', () => {
    const { db, userIds } = freshDb(2);
    const [flag] = seedFlags(db, userIds.slice(0, 1));
    claim(db, flag!, reviewer, NOW);
    expect(() => claim(db, flag!, otherReviewer, NOW + 60)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(listQueue(db, { queue: 'unreviewed', operator: otherReviewer, now: NOW + 60 }).total).toBe(0);
    expect(listQueue(db, { queue: 'unreviewed', operator: reviewer, now: NOW + 60 }).items[0]!.claimedBy).toBe('ann');
    expect(() =>
      decide(db, { flagId: flag!, action: 'warn', reasonCode: 'spam_confirmed' }, otherReviewer, {
        now: NOW + 60,
      }),
    ).toThrow(/claimed by ann/);
    expect(claim(db, flag!, otherReviewer, NOW + 11 * 60).operator).toBe('bob');
  });

  it('a decision from a view loaded before a colleague decided is refused, saying who, and writes nothing', () => {
    const { db, userIds } = freshDb(2);
    const [flag] = seedFlags(db, userIds.slice(0, 1));
    // Ann opens the item (no decision yet) and steps away; her claim lapses and Bob holds the account.
    claim(db, flag!, reviewer, NOW);
    const annSaw = queueItemDetail(db, flag!).latestDecisionId;
    expect(annSaw).toBeNull();
    claim(db, flag!, otherReviewer, NOW + 11 * 60);
    const hold = decide(
      db,
      { flagId: flag!, action: 'hold', reasonCode: 'insufficient_evidence', seenDecisionId: null },
      otherReviewer,
      { now: NOW + 11 * 60 },
    );
    expect(matchingExclusions(db, NOW + 12 * 60).has('u0')).toBe(true);
    // Back, Ann clears from the view she loaded before the hold: refused, and the hold stands.
    claim(db, flag!, reviewer, NOW + 22 * 60);
    const clear = { flagId: flag!, action: 'clear' as const, reasonCode: 'false_positive' as DecisionReason };
    expect(() => decide(db, { ...clear, seenDecisionId: annSaw }, reviewer, { now: NOW + 22 * 60 })).toThrow(
      expect.objectContaining({
        code: 'CONFLICT',
        message: expect.stringContaining(`decision ${hold.id} (hold by bob) since this view was loaded`),
      }),
    );
    expect(db.prepare(`SELECT count(*) FROM decisions`).pluck().get()).toBe(1);
    expect(matchingExclusions(db, NOW + 22 * 60).has('u0')).toBe(true);
    // Having looked again, she sees the hold and may still clear it.
    const seen = queueItemDetail(db, flag!).latestDecisionId;
    expect(seen).toBe(hold.id);
    decide(db, { ...clear, seenDecisionId: seen }, reviewer, { now: NOW + 22 * 60 });
    expect(matchingExclusions(db, NOW + 23 * 60).has('u0')).toBe(false);
  });

  it('decisions are append-only: UPDATE and DELETE are rejected by triggers', () => {
    const { db, userIds } = freshDb(2);
    const [flag] = seedFlags(db, userIds.slice(0, 1));
    decide(db, { flagId: flag!, action: 'warn', reasonCode: 'spam_confirmed' }, reviewer, noOutbox);
    expect(() => db.prepare(`UPDATE decisions SET action = 'clear'`).run()).toThrow(/append-only/);
    expect(() => db.prepare(`DELETE FROM decisions`).run()).toThrow(/append-only/);
  });

  it('exclusions: restrict until it expires, suspend, hold; a later clear lifts them', () => {
    const { db, userIds } = freshDb(5);
    const flags = seedFlags(db, userIds);
    decide(
      db,
      { flagId: flags[0]!, action: 'restrict', reasonCode: 'spam_confirmed', expiresAt: NOW + 100 },
      reviewer,
      noOutbox,
    );
    decide(db, { flagId: flags[1]!, action: 'suspend', reasonCode: 'spam_confirmed' }, lead, noOutbox);
    decide(db, { flagId: flags[2]!, action: 'hold', reasonCode: 'spam_confirmed' }, reviewer, noOutbox);
    decide(db, { flagId: flags[3]!, action: 'warn', reasonCode: 'spam_confirmed' }, reviewer, noOutbox);
    decide(db, { userId: 'u4', action: 'restrict', reasonCode: 'spam_confirmed' }, reviewer, noOutbox);
    decide(db, { userId: 'u4', action: 'clear', reasonCode: 'false_positive' }, reviewer, {
      now: NOW + 1,
    });
    expect([...matchingExclusions(db, NOW + 1)].sort()).toEqual(['u0', 'u1', 'u2']);
    expect([...matchingExclusions(db, NOW + 200)].sort()).toEqual(['u1', 'u2']);
  });

  it('exports the decisions the ledger has not carried, in one file, with notes as masked as the console shows them', () => {
    const { db, userIds, file } = freshDb(3);
    const flags = seedFlags(db, userIds);
    const outbox = path.join(path.dirname(file), 'outbox');
    const a = decide(db, { flagId: flags[0]!, action: 'warn', reasonCode: 'spam_confirmed', note: 'n' }, reviewer, {
      now: NOW,
    });
    decide(
      db,
      {
        flagId: flags[1]!,
        action: 'warn',
        reasonCode: 'spam_confirmed',
        note: 'Possibly legitimate: wedding gifts, but he wrote vx: mango_88',
      },
      reviewer,
      noOutbox,
    );
    undo(db, a.id, reviewer, { now: NOW });
    const out = exportPendingDecisions(db, outbox);
    expect(out).toMatchObject({ decisions: 3, resent: [] });
    expect(fs.readdirSync(outbox)).toEqual([decisionsFileName(1, 3)]);
    const lines = decisionLines(outbox);
    expect(lines.map((l) => l.decision_id)).toEqual(['1', '2', '3']);
    expect(lines[0]).toEqual({
      decision_id: '1',
      user_id: 'u0',
      action: 'warn',
      reason_code: 'spam_confirmed',
      decided_at: new Date(NOW * 1000).toISOString(),
      operator: 'ann',
      note: 'n',
    });
    // The handle goes, the operator's English stays (upstream reads the note as written).
    expect(lines[1]!.note).toBe('Possibly legitimate: wedding gifts, but he wrote vx: ⟦wechat⟧');
    expect(lines[2]).toMatchObject({ action: 'undo', reverses: '1' });
    expect(exportPendingDecisions(db, outbox)).toEqual({ file: null, decisions: 0, resent: [] });
  });

  it('remove every file from the outbox, decide once: exactly one decision is exported', () => {
    const { db, userIds, file } = freshDb(3);
    const flags = seedFlags(db, userIds);
    const outbox = path.join(path.dirname(file), 'outbox');
    decide(db, { flagId: flags[0]!, action: 'warn', reasonCode: 'spam_confirmed' }, reviewer, noOutbox);
    decide(db, { flagId: flags[1]!, action: 'warn', reasonCode: 'spam_confirmed' }, reviewer, noOutbox);
    exportPendingDecisions(db, outbox);
    // Upstream consumed the files and removed them, as it does.
    for (const f of fs.readdirSync(outbox)) fs.rmSync(path.join(outbox, f));
    const c = decide(db, { flagId: flags[2]!, action: 'warn', reasonCode: 'spam_confirmed' }, reviewer, noOutbox);
    expect(exportPendingDecisions(db, outbox)).toMatchObject({ decisions: 1, resent: [] });
    expect(decisionLines(outbox).map((l) => l.decision_id)).toEqual([String(c.id)]);
  });

  it('a crash between the ledger and the file re-sends at most that file, and the next export says so', () => {
    const { db, userIds, file } = freshDb(3);
    const flags = seedFlags(db, userIds);
    const outbox = path.join(path.dirname(file), 'outbox');
    decide(db, { flagId: flags[0]!, action: 'warn', reasonCode: 'spam_confirmed' }, reviewer, noOutbox);
    exportPendingDecisions(db, outbox);
    decide(db, { flagId: flags[1]!, action: 'warn', reasonCode: 'spam_confirmed' }, reviewer, noOutbox);
    // The ledger records the range, then the file cannot be written (here: a file stands where the outbox
    // should be) — as if the process died between the two.
    fs.rmSync(outbox, { recursive: true });
    fs.writeFileSync(outbox, 'not a directory');
    expect(() => exportPendingDecisions(db, outbox)).toThrow();
    fs.rmSync(outbox);
    decide(db, { flagId: flags[2]!, action: 'warn', reasonCode: 'spam_confirmed' }, reviewer, noOutbox);
    const next = exportPendingDecisions(db, outbox);
    expect(next).toMatchObject({ decisions: 1, resent: [decisionsFileName(2, 2)] });
    expect(fs.readdirSync(outbox).sort()).toEqual([decisionsFileName(2, 2), decisionsFileName(3, 3)]);
    expect(exportPendingDecisions(db, outbox)).toEqual({ file: null, decisions: 0, resent: [] });
  });
});

describe("exclusions across an account's flags", () => {
  it("a restriction on one flag stands whatever is decided on the account's other flag, and lapses on its own", () => {
    const { db, userIds } = freshDb(3);
    // One open item per account: the restriction resolves the selling item, and a later run opens a spam item.
    const [selling] = seedFlags(db, userIds.slice(0, 1), 'micro_seller');
    decide(
      db,
      { flagId: selling!, action: 'restrict', reasonCode: 'selling_confirmed', expiresAt: NOW + 7 * 86_400 },
      lead,
      noOutbox,
    );
    const [spam] = seedFlags(db, userIds.slice(0, 1), 'spammer');
    expect(matchingExclusions(db, NOW).has('u0')).toBe(true);
    decide(db, { flagId: spam!, action: 'escalate', reasonCode: 'needs_lead_review' }, reviewer, {
      now: NOW + 10,
    });
    expect(matchingExclusions(db, NOW + 20).has('u0')).toBe(true);
    decide(db, { flagId: spam!, action: 'clear', reasonCode: 'false_positive' }, lead, {
      now: NOW + 30,
    });
    expect(matchingExclusions(db, NOW + 40).has('u0')).toBe(true);
    expect(matchingExclusions(db, NOW + 7 * 86_400).has('u0')).toBe(false); // the restriction lapsed by itself
  });

  it('a hold with an expiry lets the account back in when it lapses; a resolved flag takes no new hold', () => {
    const { db, userIds } = freshDb(3);
    const [flag, other] = seedFlags(db, userIds.slice(0, 2));
    decide(
      db,
      { flagId: flag!, action: 'hold', reasonCode: 'insufficient_evidence', expiresAt: NOW + 3600 },
      reviewer,
      noOutbox,
    );
    expect(matchingExclusions(db, NOW + 10).has('u0')).toBe(true);
    expect(matchingExclusions(db, NOW + 3600).has('u0')).toBe(false);
    decide(db, { flagId: other!, action: 'clear', reasonCode: 'false_positive' }, reviewer, noOutbox);
    expect(() =>
      decide(db, { flagId: other!, action: 'hold', reasonCode: 'insufficient_evidence' }, lead, noOutbox),
    ).toThrow(/already resolved/);
    expect(matchingExclusions(db, NOW + 10).has('u1')).toBe(false);
  });
});

describe('an outbox that cannot be written', () => {
  it('does not fail a committed decision: tryExportPending warns, and the decision goes out with the next export', () => {
    const { db, userIds, file } = freshDb(2);
    const [flag] = seedFlags(db, userIds.slice(0, 1));
    const outbox = path.join(path.dirname(file), 'outbox');
    fs.writeFileSync(outbox, 'a file where the outbox directory should be');
    const row = decide(db, { flagId: flag!, action: 'warn', reasonCode: 'spam_confirmed' }, reviewer, { now: NOW });
    const warnings: string[] = [];
    expect(tryExportPending(db, outbox, (line) => warnings.push(line))).toBeNull();
    expect(warnings.join('\n')).toMatch(/stay pending/);
    expect(db.prepare(`SELECT count(*) FROM decisions`).pluck().get()).toBe(1);
    fs.rmSync(outbox);
    expect(exportPendingDecisions(db, outbox)).toMatchObject({ resent: [decisionsFileName(row.id, row.id)] });
    expect(decisionLines(outbox).map((l) => l.decision_id)).toEqual([String(row.id)]);
  });
});

describe('durability', () => {
  it('a decision survives kill -9 right after decide() returns', async () => {
    const file = tempDbPath();
    const outbox = path.join(path.dirname(file), 'outbox');
    const setup = openDatabase(file);
    seedMirror(setup, 2);
    const [flag] = seedFlags(setup, ['u1']);
    setup.close();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('../testing/decide-child.ts', import.meta.url)),
        file,
        String(flag),
        outbox,
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const decidedId = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const m = /decided (\d+)/.exec(chunk.toString());
        if (m) {
          child.kill('SIGKILL');
          resolve(Number(m[1]));
        }
      });
      child.on('exit', (code, signal) =>
        signal === 'SIGKILL' ? undefined : reject(new Error(`child exited ${code}`)),
      );
    });
    await new Promise((r) => child.on('close', r));
    expect(child.signalCode).toBe('SIGKILL');
    const db = openDatabase(file);
    expect(db.prepare(`SELECT user_id, action, operator FROM decisions WHERE id = ?`).get(decidedId)).toEqual({
      user_id: 'u1',
      action: 'restrict',
      operator: 'ann',
    });
    expect(matchingExclusions(db, Math.floor(Date.now() / 1000) + 1).has('u1')).toBe(true);
    // Killed before any batch went out: the next export (every start does one) carries it.
    expect(exportPendingDecisions(db, outbox)).toMatchObject({ decisions: 1 });
    expect(decisionLines(outbox).map((l) => l.decision_id)).toEqual([String(decidedId)]);
  });
});
