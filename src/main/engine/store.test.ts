import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../db/database';
import { DEFAULT_RULE_SET } from '../../shared/domain/ruleset';
import { importExport } from '../mirror/import';
import { tempDir, user, writeExport } from '../testing/export-files';
import {
  completeRun,
  ensureRuleSetVersion,
  importsCompleted,
  readRun,
  readRunIntroductions,
  startRun,
  type StoredIntroduction,
} from './store';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const DATE = '2026-11-24';
const pair = (userA: string, userB: string): StoredIntroduction => ({
  userA,
  userB,
  score: 50,
  reasons: ['shared_places'],
  evidence: { sharedPlaces: [] },
});

/** A run's rows in run_introduction_members, as "user other", in key order. */
function membersOf(db: Db, runId: number): string[] {
  return db
    .prepare(
      `SELECT user_id || ' ' || other_id FROM run_introduction_members WHERE run_id = ? ORDER BY user_id, other_id`,
    )
    .pluck()
    .all(runId) as string[];
}

/** A mirror whose users came from a real snapshot import, and a directory for the next export. */
function mirrorOf(ids: string[]) {
  const root = tempDir('engine-store-');
  dirs.push(root);
  const db = openDatabase(path.join(root, 'mirror.db'));
  const snapshot = (exportId: string, minute: number, users: string[]): void => {
    const dir = path.join(root, exportId);
    writeExport(
      dir,
      { exportId, exportedAt: `2026-11-24T03:0${minute}:00+08:00`, kind: 'snapshot' },
      { users: { rows: users.map((id) => user(id)) } },
    );
    importExport(db, dir, { operator: 'test' });
  };
  snapshot('first', 0, ids);
  return { db, snapshot };
}

describe("storing a run's introductions", () => {
  it('with no import since the run read the mirror, stores them; after one, only if every account is still there', () => {
    const { db, snapshot } = mirrorOf(['u1', 'u2', 'u3', 'u4']);
    const version = ensureRuleSetVersion(db, DEFAULT_RULE_SET, 'lin');
    const run = () => startRun(db, DATE, version, DEFAULT_RULE_SET, 'lin');
    const read = importsCompleted(db);
    expect(read).toBe(1);

    const quiet = run();
    completeRun(db, quiet, DATE, 'lin', [pair('u1', 'u2'), pair('u3', 'u4')], {}, read);
    expect(readRun(db, quiet)!.status).toBe('completed');
    expect(readRunIntroductions(db, quiet).map((i) => [i.userA, i.userB])).toEqual([
      ['u1', 'u2'],
      ['u3', 'u4'],
    ]);

    // While the next run reads the mirror, a snapshot without u4 lands (the account erased upstream).
    const busy = run();
    snapshot('second', 1, ['u1', 'u2', 'u3']);
    expect(() => completeRun(db, busy, DATE, 'lin', [pair('u1', 'u2'), pair('u3', 'u4')], {}, read)).toThrow(
      expect.objectContaining({
        code: 'CONFLICT',
        message: expect.stringMatching(/^account u4 is no longer in the mirror: import run 2 removed it/),
      }),
    );
    expect(readRunIntroductions(db, busy)).toEqual([]);
    expect(membersOf(db, busy)).toEqual([]);
    expect(readRun(db, busy)!.status).toBe('running');
    // The same import, introductions among accounts it kept: stored.
    completeRun(db, busy, DATE, 'lin', [pair('u1', 'u3')], {}, read);
    expect(readRunIntroductions(db, busy).map((i) => [i.userA, i.userB])).toEqual([['u1', 'u3']]);
    // The connection's foreign-key checks are back on afterwards.
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('stores every introduction with its own score, reasons and evidence, however many blocks they fill', () => {
    // 25 accounts make 300 pairs: more than two of the statement's blocks, and a part block after them.
    const ids = Array.from({ length: 25 }, (_, k) => `u${String(k).padStart(2, '0')}`);
    const { db } = mirrorOf(ids);
    const version = ensureRuleSetVersion(db, DEFAULT_RULE_SET, 'lin');
    const introductions: StoredIntroduction[] = [];
    for (let a = 0; a < ids.length; a++)
      for (let b = a + 1; b < ids.length; b++)
        introductions.push({
          userA: ids[a]!,
          userB: ids[b]!,
          score: (a * 25 + b) / 10,
          reasons: [`shared_places_${a}`, `recency_${b}`],
          evidence: { pair: [a, b] },
        });
    const runId = startRun(db, DATE, version, DEFAULT_RULE_SET, 'lin');
    completeRun(db, runId, DATE, 'lin', introductions, {}, importsCompleted(db));
    const byPair = (i: StoredIntroduction): string => `${i.userA}/${i.userB}`;
    const stored = readRunIntroductions(db, runId).sort((x, y) => byPair(x).localeCompare(byPair(y)));
    expect(stored).toHaveLength(300);
    expect(stored).toEqual([...introductions].sort((x, y) => byPair(x).localeCompare(byPair(y))));
    // Each is filed under both of its accounts, and only this run's are.
    const both = introductions.flatMap((i) => [`${i.userA} ${i.userB}`, `${i.userB} ${i.userA}`]);
    expect(membersOf(db, runId)).toEqual(both.sort());
    expect(membersOf(db, runId + 1)).toEqual([]);
    db.close();
  });
});
