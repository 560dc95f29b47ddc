import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Db, openDatabase } from '../db/database';
import { recountMirrorRows } from '../mirror/row-counts';

/** Test support (not a test): a real mirror file with `users` accounts and one open flag per listed user. */
export function tempDbPath(prefix = 'moderation-'): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), prefix)), 'mirror.db');
}

export function seedMirror(db: Db, users: number): string[] {
  const insert = db.prepare(
    `INSERT INTO users (id, nickname, real_name, phone, id_verified, gender, seeking, birth_year, city, district, registered_at, status)
     VALUES (?, ?, NULL, NULL, 1, 'F', 'M', 1995, 'Hangzhou', ?, 1700000000, 'active')`,
  );
  const ids: string[] = [];
  db.transaction(() => {
    for (let i = 0; i < users; i++) {
      const id = `u${i}`;
      insert.run(id, `nick${i}`, i % 2 ? 'Xihu' : 'Binjiang');
      ids.push(id);
    }
    recountMirrorRows(db); // as an import would, in the transaction that wrote the rows
  })();
  return ids;
}

/**
 * One open item per listed account. Scores 0.50, 0.51, … unless `score` says otherwise; detector version 1 (scores
 * that are not probabilities, never holding anyone) unless `version` says otherwise.
 */
export function seedFlags(
  db: Db,
  userIds: readonly string[],
  detector = 'micro_seller',
  at = 1_764_000_000,
  options: { version?: number; score?: (i: number) => number; reach?: (i: number) => number } = {},
): number[] {
  const run = db
    .prepare(`INSERT INTO detect_runs (started_at, finished_at, status) VALUES (?, ?, 'completed')`)
    .run(at, at);
  const insert = db.prepare<[string, string, number, number, string, number, number, number, number], { id: number }>(
    `INSERT INTO flags (user_id, detector, detector_version, score, reasons, evidence, reach, first_detected_at, detected_at, run_id)
     VALUES (?, ?, ?, ?, ?, '{}', ?, ?, ?, ?) RETURNING id`,
  );
  return db.transaction(() =>
    userIds.map(
      (u, i) =>
        insert.get(
          u,
          detector,
          options.version ?? 1,
          options.score?.(i) ?? 0.5 + (i % 50) / 100,
          JSON.stringify(['many_payers']),
          options.reach?.(i) ?? 1,
          at,
          at,
          Number(run.lastInsertRowid),
        )!.id,
    ),
  )();
}

export function freshDb(users = 10): { db: Db; file: string; userIds: string[] } {
  const file = tempDbPath();
  const db = openDatabase(file);
  const userIds = seedMirror(db, users);
  return { db, file, userIds };
}
