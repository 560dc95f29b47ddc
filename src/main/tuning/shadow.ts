import type { Db } from '../db/database';
import type { Assignment } from '../engine/assignment';
import { ruleSetJson } from '../engine/store';
import { latestCompletedRunId, readRun } from '../engine/store';
import { parseRuleSet, type RuleSet } from '../../shared/domain/ruleset';
import {
  HISTOGRAM_BINS,
  type AssignmentSummaryView,
  type ShadowComparisonView,
  type ShadowRunView,
} from '../../shared/contract/tuning';
import { DomainError } from '../../shared/envelope';
import { withAudit } from '../audit/audit-log';
import { limitSql } from '../db/limit';

/** Shadow runs: a draft's introductions for a date kept beside the published run, never published (migration 005). */
const sql = {
  insertRun: `INSERT INTO shadow_runs (date, ruleset, ruleset_version, active_version, operator, created_at, summary) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  insertIntroduction: `INSERT INTO shadow_introductions (shadow_id, user_a, user_b, score) VALUES (?, ?, ?, ?)`,
  versionOf: `SELECT version FROM ruleset_versions WHERE ruleset = ? ORDER BY version LIMIT 1`,
  run: `SELECT id, date, ruleset, ruleset_version, active_version, operator, created_at, summary FROM shadow_runs WHERE id = ?`,
  recent: (limit: number) =>
    `SELECT id, date, ruleset, ruleset_version, active_version, operator, created_at, summary FROM shadow_runs ORDER BY id DESC ${limitSql(limit)}`,
  count: `SELECT count(*) FROM shadow_runs`,
  shadowPairs: `SELECT user_a, user_b, score FROM shadow_introductions WHERE shadow_id = ?`,
  runPairs: `SELECT user_a, user_b, score FROM run_introductions WHERE run_id = ?`,
} as const;

interface ShadowRow {
  id: number;
  date: string;
  ruleset: string;
  ruleset_version: number | null;
  active_version: number | null;
  operator: string;
  created_at: string;
  summary: string;
}

function toView(row: ShadowRow): ShadowRunView {
  return {
    id: row.id,
    date: row.date,
    ruleSet: parseRuleSet(JSON.parse(row.ruleset), `shadow_runs ${row.id}`),
    rulesetVersion: row.ruleset_version,
    activeVersion: row.active_version,
    operator: row.operator,
    createdAt: row.created_at,
    summary: JSON.parse(row.summary) as AssignmentSummaryView,
  };
}

export interface ShadowInput {
  date: string;
  ruleSet: RuleSet;
  activeVersion: number | null;
  operator: string;
}

/** Writes one shadow run (ids, scores rounded like published runs) in one transaction; returns its id. */
export function persistShadowRun(
  db: Db,
  input: ShadowInput,
  userIds: readonly string[],
  assignment: Assignment,
): number {
  const json = ruleSetJson(input.ruleSet);
  const insert = db.prepare(sql.insertIntroduction);
  const written = withAudit(
    db,
    { operator: input.operator, action: 'tuning.shadowRun' },
    () => {
      const version = (db.prepare(sql.versionOf).get(json) as { version: number } | undefined)?.version ?? null;
      const id = Number(
        db
          .prepare(sql.insertRun)
          .run(
            input.date,
            json,
            version,
            input.activeVersion,
            input.operator,
            new Date().toISOString(),
            JSON.stringify(assignment.summary),
          ).lastInsertRowid,
      );
      for (let i = 0; i < assignment.userA.length; i++) {
        const a = userIds[assignment.userA[i]!]!;
        const b = userIds[assignment.userB[i]!]!;
        insert.run(id, a < b ? a : b, a < b ? b : a, Math.round(assignment.score[i]! * 100) / 100);
      }
      return { id, version };
    },
    ({ id, version }) => ({
      subject: String(id),
      details: { date: input.date, rulesetVersion: version, introductions: assignment.userA.length },
    }),
  );
  return written.id;
}

export function readShadowRun(db: Db, id: number): ShadowRunView {
  const row = db.prepare(sql.run).get(id) as ShadowRow | undefined;
  if (!row) throw new DomainError('NOT_FOUND', `there is no shadow run ${id}`);
  return toView(row);
}

export function listShadowRuns(db: Db, limit: number): ShadowRunView[] {
  return (db.prepare(sql.recent(limit)).all() as ShadowRow[]).map(toView);
}

export function countShadowRuns(db: Db): number {
  return db.prepare(sql.count).pluck().get() as number;
}

interface Pair {
  user_a: string;
  user_b: string;
  score: number;
}

function histogram(pairs: readonly Pair[]): number[] {
  const bins = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (const p of pairs) bins[Math.min(HISTOGRAM_BINS - 1, Math.floor(p.score / (100 / HISTOGRAM_BINS)))]!++;
  return bins;
}

function partnerMap(pairs: readonly Pair[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of pairs) {
    m.set(p.user_a, p.user_b);
    m.set(p.user_b, p.user_a);
  }
  return m;
}

const SAMPLE = 10;

/**
 * The shadow run against the date's published run, both read back from the mirror: overlap of pairs, score deltas
 * on the overlap, matched share and mean score side by side, who gains an introduction and who loses one.
 */
export function compareShadow(db: Db, shadowId: number): ShadowComparisonView {
  const shadow = readShadowRun(db, shadowId);
  const shadowPairs = db.prepare(sql.shadowPairs).all(shadowId) as Pair[];
  const runId = latestCompletedRunId(db, shadow.date);
  const run = runId === null ? null : readRun(db, runId);
  const activePairs = runId === null ? [] : (db.prepare(sql.runPairs).all(runId) as Pair[]);
  const activeByPair = new Map(activePairs.map((p) => [`${p.user_a}\u0000${p.user_b}`, p.score]));
  let overlap = 0;
  let deltaSum = 0;
  for (const p of shadowPairs) {
    const before = activeByPair.get(`${p.user_a}\u0000${p.user_b}`);
    if (before === undefined) continue;
    overlap++;
    deltaSum += p.score - before;
  }
  const shadowPartner = partnerMap(shadowPairs);
  const activePartner = partnerMap(activePairs);
  const gainers: string[] = [];
  const losers: string[] = [];
  let partnerChanged = 0;
  for (const [user, partner] of shadowPartner) {
    const before = activePartner.get(user);
    if (before === undefined) gainers.push(user);
    else if (before !== partner) partnerChanged++;
  }
  for (const user of activePartner.keys()) if (!shadowPartner.has(user)) losers.push(user);
  gainers.sort();
  losers.sort();
  const shadowHist = histogram(shadowPairs);
  const activeHist = histogram(activePairs);
  const mean = (pairs: readonly Pair[]): number =>
    pairs.length ? Math.round((pairs.reduce((s, p) => s + p.score, 0) / pairs.length) * 100) / 100 : 0;
  return {
    shadow,
    activeRunId: runId,
    activeIntroductions: activePairs.length,
    shadowIntroductions: shadowPairs.length,
    overlap,
    activeMatchedShare: run?.summary.matchedShare ?? null,
    shadowMatchedShare: shadow.summary.matchedShare,
    activeMeanScore: run ? mean(activePairs) : null,
    shadowMeanScore: mean(shadowPairs),
    gainers: gainers.length,
    losers: losers.length,
    partnerChanged,
    meanScoreDeltaOverlap: overlap ? Math.round((deltaSum / overlap) * 100) / 100 : 0,
    histogram: shadowHist.map((n, i) => ({
      key: String((i * 100) / HISTOGRAM_BINS),
      draft: n,
      active: activeHist[i]!,
    })),
    gainersSample: gainers.slice(0, SAMPLE),
    losersSample: losers.slice(0, SAMPLE),
  };
}
