import type { Db } from '../db/database';
import { type MatchRunRecord, readRun } from './store';
import { limitSql } from '../db/limit';

const sql = {
  recentRunIds: (limit: number) => `SELECT id FROM match_runs ORDER BY id DESC ${limitSql(limit)}`,
  introductionsPage: (limit: number) => `SELECT user_a, user_b, score, reasons FROM run_introductions WHERE run_id = ?
    ORDER BY score DESC, user_a, user_b ${limitSql(limit)} OFFSET ?`,
  introductionCount: `SELECT count(*) FROM run_introductions WHERE run_id = ?`,
};

/** The newest runs first, for the Matching page. */
export function listMatchRuns(db: Db, limit: number): MatchRunRecord[] {
  const ids = db.prepare(sql.recentRunIds(limit)).pluck().all() as number[];
  return ids.map((id) => readRun(db, id)).filter((r): r is MatchRunRecord => r !== null);
}

/** One page of a run's introductions, best first: ids, value and reason codes (no evidence, nothing personal). */
export function pageRunIntroductions(db: Db, runId: number, offset: number, limit: number) {
  const rows = db.prepare(sql.introductionsPage(limit)).all(runId, offset) as {
    user_a: string;
    user_b: string;
    score: number;
    reasons: string;
  }[];
  return {
    total: db.prepare(sql.introductionCount).pluck().get(runId) as number,
    introductions: rows.map((r) => ({
      userA: r.user_a,
      userB: r.user_b,
      score: r.score,
      reasons: JSON.parse(r.reasons) as string[],
    })),
  };
}
