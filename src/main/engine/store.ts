import { withAudit } from '../audit/audit-log';
import { type Db, withForeignKeysOff } from '../db/database';
import { valuesPlaceholders } from '../db/values';
import { DomainError } from '../../shared/envelope';
import { runOwner } from '../runs/interrupted';
import { DEFAULT_RULE_SET, parseRuleSet, type RuleSet } from '../../shared/domain/ruleset';
import type { AssignmentSummary } from './assignment';

/** Rule set versions, match runs and their introductions in the mirror (migration 003). */
const sql = {
  findVersion: `SELECT version FROM ruleset_versions WHERE ruleset = ? ORDER BY version LIMIT 1`,
  insertVersion: `INSERT INTO ruleset_versions (ruleset, created_by, created_at, note) VALUES (?, ?, ?, ?)`,
  activate: `INSERT INTO ruleset_activations (version, activated_by, activated_at) VALUES (?, ?, ?)`,
  activeVersion: `SELECT v.version, v.ruleset FROM ruleset_activations a JOIN ruleset_versions v ON v.version = a.version ORDER BY a.id DESC LIMIT 1`,
  startRun: `INSERT INTO match_runs (date, ruleset_version, ruleset, operator, started_at, status, owner) VALUES (?, ?, ?, ?, ?, 'running', ?)`,
  supersede: `UPDATE match_runs SET status = 'superseded' WHERE date = ? AND status = 'completed' AND id <> ?`,
  finishRun: `UPDATE match_runs SET status = 'completed', finished_at = ?, summary = ? WHERE id = ?`,
  failRun: `UPDATE match_runs SET status = ?, finished_at = ?, error = ? WHERE id = ?`,
  insertIntroductions: (rows: number) =>
    `INSERT INTO run_introductions (run_id, user_a, user_b, score, reasons, evidence) VALUES ${valuesPlaceholders(6, rows)}`,
  // Sorted by SQLite, so the rows go in after every earlier run's page after page (migration 018).
  insertMembers: `INSERT INTO run_introduction_members (run_id, user_id, other_id)
    SELECT run_id, user_a, user_b FROM run_introductions WHERE run_id = ?
    UNION ALL SELECT run_id, user_b, user_a FROM run_introductions WHERE run_id = ?
    ORDER BY 2, 3`,
  importsCompleted: `SELECT count(*) FROM import_runs WHERE status = 'completed'`,
  lastImport: `SELECT id FROM import_runs WHERE status = 'completed' ORDER BY finished_at DESC, id DESC LIMIT 1`,
  accountExists: `SELECT 1 FROM users WHERE id = ?`,
  runOperator: `SELECT operator FROM match_runs WHERE id = ?`,
  run: `SELECT id, date, ruleset_version, ruleset, operator, started_at, finished_at, status, error, summary FROM match_runs WHERE id = ?`,
  latestCompletedRun: `SELECT id FROM match_runs WHERE date = ? AND status = 'completed' ORDER BY id DESC LIMIT 1`,
  introductions: `SELECT user_a, user_b, score, reasons, evidence FROM run_introductions WHERE run_id = ? ORDER BY score DESC, user_a, user_b`,
} as const;

/** Canonical JSON (keys in schema order after parsing) so equal rule sets map to one version. */
export function ruleSetJson(ruleSet: RuleSet): string {
  return JSON.stringify(parseRuleSet(ruleSet));
}

/** The version number of this exact rule set, writing a new version if it was never saved. */
export function ensureRuleSetVersion(db: Db, ruleSet: RuleSet, operator: string, note = ''): number {
  const json = ruleSetJson(ruleSet);
  const found = db.prepare(sql.findVersion).get(json) as { version: number } | undefined;
  if (found) return found.version;
  return Number(db.prepare(sql.insertVersion).run(json, operator, new Date().toISOString(), note).lastInsertRowid);
}

/** Appends an activation; audited by its caller (`rulesets.activate`, `rulesets.rollback`). */
export function activateRuleSetVersion(db: Db, version: number, operator: string): void {
  db.prepare(sql.activate).run(version, operator, new Date().toISOString());
}

/** The active rule set, or the defaults (version null) when none was ever activated. */
export function activeRuleSet(db: Db): { version: number | null; ruleSet: RuleSet } {
  const row = db.prepare(sql.activeVersion).get() as { version: number; ruleset: string } | undefined;
  if (!row) return { version: null, ruleSet: DEFAULT_RULE_SET };
  return { version: row.version, ruleSet: parseRuleSet(JSON.parse(row.ruleset), `ruleset_versions ${row.version}`) };
}

export interface StoredIntroduction {
  userA: string;
  userB: string;
  score: number;
  reasons: string[];
  evidence: unknown;
}

export interface MatchRunSummary extends AssignmentSummary {
  runId: number;
  date: string;
  rulesetVersion: number;
  candidateUsers: number;
  accumulatorUpdates: number;
  windowTransactions: number;
  /** Accounts out of the pool only because detection holds them (runs before holds existed: absent). */
  heldByDetection?: number;
  phasesMs: Record<string, number>;
}

export interface MatchRunRecord {
  id: number;
  date: string;
  rulesetVersion: number | null;
  ruleSet: RuleSet;
  operator: string;
  startedAt: string;
  finishedAt: string | null;
  status: 'running' | 'completed' | 'failed' | 'cancelled' | 'superseded';
  error: string | null;
  summary: Partial<MatchRunSummary>;
}

export function startRun(db: Db, date: string, version: number, ruleSet: RuleSet, operator: string): number {
  const now = new Date();
  return withAudit(
    db,
    { operator, action: 'match.start' },
    () =>
      Number(
        db.prepare(sql.startRun).run(date, version, ruleSetJson(ruleSet), operator, now.toISOString(), runOwner())
          .lastInsertRowid,
      ),
    (id) => ({ subject: String(id), details: { date, rulesetVersion: version } }),
    now,
  );
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * How many imports have completed on the mirror. Accounts leave the mirror only with an import (a snapshot that
 * erased them), so a count unchanged since a run read the mirror means every account it read is still there.
 */
export function importsCompleted(db: Db): number {
  return db.prepare(sql.importsCompleted).pluck().get() as number;
}

/**
 * Writes a run's introductions and completes it in one transaction; earlier runs for the date are superseded.
 * `importsAtLoad` is importsCompleted() from before the run read the mirror.
 *
 * Every introduction names two accounts the run read from users, and the foreign keys would look both up again: one
 * search of the users B-tree each, at random — 5 of the 7 s this took for the province's 347,854 introductions among
 * a million accounts. When no import completed since the run read the mirror those lookups cannot fail, so they are
 * not made; after one, each account is looked up once here, and a run naming an account the import removed fails,
 * saying which (before, the foreign key refused it without a word of why).
 */
export function completeRun(
  db: Db,
  runId: number,
  date: string,
  operator: string,
  introductions: StoredIntroduction[],
  summary: object,
  importsAtLoad: number,
): void {
  const now = new Date();
  withForeignKeysOff(db, () =>
    withAudit(
      db,
      { operator, action: 'match.complete' },
      () => {
        if (importsCompleted(db) !== importsAtLoad) assertAccountsStillThere(db, introductions);
        // In key order, not the assignment's (by score): the primary key (run_id, user_a, user_b) then grows page
        // after page instead of at random pages — 0.25–0.28 s instead of 0.45–0.63 s for the 35,187 introductions of
        // the 100,000-user bench mirror. Readers sort by score themselves.
        const inKeyOrder = [...introductions].sort((x, y) => byText(x.userA, y.userA) || byText(x.userB, y.userB));
        insertIntroductions(db, runId, inKeyOrder);
        recordIntroductionMembers(db, runId);
        db.prepare(sql.supersede).run(date, runId);
        db.prepare(sql.finishRun).run(now.toISOString(), JSON.stringify(summary), runId);
      },
      () => ({ subject: String(runId), details: { date, introductions: introductions.length } }),
      now,
    ),
  );
}

/**
 * Introductions a block of rows per statement instead of one statement run each (a call into SQLite and a reset per
 * row): the 35,411 introductions of the 100,000-user bench mirror took 291–456 ms (median 329) instead of 321–465
 * (median 353), alternating eight times — the three B-tree inserts per row are most of the cost either way.
 */
const INSERT_BLOCK = 128;

function insertIntroductions(db: Db, runId: number, introductions: readonly StoredIntroduction[]): void {
  const fullBlock = db.prepare(sql.insertIntroductions(INSERT_BLOCK));
  for (let from = 0; from < introductions.length; from += INSERT_BLOCK) {
    const block = introductions.slice(from, from + INSERT_BLOCK);
    const insert = block.length === INSERT_BLOCK ? fullBlock : db.prepare(sql.insertIntroductions(block.length));
    insert.run(
      block.flatMap((i) => [runId, i.userA, i.userB, i.score, JSON.stringify(i.reasons), JSON.stringify(i.evidence)]),
    );
  }
}

/**
 * Files a run's stored introductions under each of their two accounts (`run_introduction_members`, migration 018),
 * which is how a user's introductions are found. Part of storing a run: completeRun, and fixtures that write runs.
 */
export function recordIntroductionMembers(db: Db, runId: number): void {
  db.prepare(sql.insertMembers).run(runId, runId);
}

/** After an import landed mid-run: every account the introductions name must still be in the mirror. */
function assertAccountsStillThere(db: Db, introductions: readonly StoredIntroduction[]): void {
  const exists = db.prepare(sql.accountExists).pluck();
  const named = new Set<string>();
  for (const i of introductions) named.add(i.userA).add(i.userB);
  for (const id of [...named].sort()) {
    if (exists.get(id) !== undefined) continue;
    const importRun = db.prepare(sql.lastImport).pluck().get() as number;
    throw new DomainError(
      'CONFLICT',
      `account ${id} is no longer in the mirror: import run ${importRun} removed it while this run read the mirror, ` +
        `so the run's introductions are not stored; run the date again`,
    );
  }
}

export function failRun(db: Db, runId: number, status: 'failed' | 'cancelled', error: string): void {
  const operator = (db.prepare(sql.runOperator).pluck().get(runId) as string | undefined) ?? 'system';
  withAudit(
    db,
    { operator, action: status === 'cancelled' ? 'match.cancel' : 'match.fail' },
    () => db.prepare(sql.failRun).run(status, new Date().toISOString(), error, runId),
    () => ({ subject: String(runId) }),
  );
}

export function readRun(db: Db, runId: number): MatchRunRecord | null {
  const row = db.prepare(sql.run).get(runId) as
    | {
        id: number;
        date: string;
        ruleset_version: number | null;
        ruleset: string;
        operator: string;
        started_at: string;
        finished_at: string | null;
        status: MatchRunRecord['status'];
        error: string | null;
        summary: string;
      }
    | undefined;
  if (!row) return null;
  return {
    id: row.id,
    date: row.date,
    rulesetVersion: row.ruleset_version,
    ruleSet: parseRuleSet(JSON.parse(row.ruleset), `match_runs ${row.id}`),
    operator: row.operator,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
    error: row.error,
    summary: JSON.parse(row.summary) as Partial<MatchRunSummary>,
  };
}

export function latestCompletedRunId(db: Db, date: string): number | null {
  const row = db.prepare(sql.latestCompletedRun).get(date) as { id: number } | undefined;
  return row?.id ?? null;
}

export function readRunIntroductions(db: Db, runId: number): StoredIntroduction[] {
  const rows = db.prepare(sql.introductions).all(runId) as {
    user_a: string;
    user_b: string;
    score: number;
    reasons: string;
    evidence: string;
  }[];
  return rows.map((r) => ({
    userA: r.user_a,
    userB: r.user_b,
    score: r.score,
    reasons: JSON.parse(r.reasons) as string[],
    evidence: JSON.parse(r.evidence) as unknown,
  }));
}
