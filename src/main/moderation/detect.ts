import { CancelledError, type ProgressSink } from '../../shared/progress';
import { DETECTOR_NAMES, type DetectorName } from '../../shared/domain/detection';
import { withAudit } from '../audit/audit-log';
import { recordFlagHandles } from './related';
import type { Db } from '../db/database';
import { runOwner } from '../runs/interrupted';
import { extractFeatures, type UserFeatures } from './features';
import { type Assessment, assess, type DetectorModel, detectorModel, isFlagged, scoreOf } from './model/model';
import { MODEL_INPUTS } from './model/inputs';

/** An account's score; its evidence (both classes' reasons and contributions) is worked out only when written. */
export interface AccountScore {
  probability: number;
  likelyClass: DetectorName;
  features: UserFeatures;
}
export type AccountAssessment = Assessment & { evidence: UserFeatures['evidence'] };

export interface AccountScores {
  referenceAt: number;
  usersScored: number;
  /** userId → score, for every account with any activity (the others are not assessed: nothing to judge). */
  assessments: Map<string, AccountScore>;
}

/** Assesses every account with activity, in memory (used by runDetection and evaluate). */
export function assessAccounts(db: Db, progress: ProgressSink, model: DetectorModel = detectorModel()): AccountScores {
  const features = extractFeatures(db, progress);
  const assessments = new Map<string, AccountScore>();
  const z = new Float64Array(MODEL_INPUTS.length);
  let done = 0;
  for (const f of features.users) {
    if (++done % 20_000 === 0) progress.throwIfCancelled();
    assessments.set(f.userId, { ...scoreOf(f, model, z), features: f });
  }
  return { referenceAt: features.referenceAt, usersScored: features.users.length, assessments };
}

export interface DetectSummary {
  runId: number;
  /** The detection clock (newest activity in the mirror), unix seconds. */
  referenceAt: number;
  usersScored: number;
  /** Accounts queued at this run, by their likelier class (one assessment per account). */
  flagged: Record<DetectorName, number>;
  newFlags: number;
  updatedFlags: number;
  /** Above threshold but already resolved by an operator at a similar score: not raised again. */
  suppressed: number;
  /** Open items whose account scored below its threshold this time: kept for the reviewer, score updated. */
  rescored: number;
  /** Accounts at or above the model's hold threshold (held out of matching under the default rule). */
  aboveHoldThreshold: number;
  detectorVersion: number;
  detectors: Record<DetectorName, number>;
  elapsedMs: number;
}

/** A resolved item is raised again only when the new score is clearly higher, or the model changed. */
const REFLAG_MARGIN = 0.1;

interface FlagState {
  id: number;
  score: number;
  detector_version: number;
  state: 'open' | 'resolved';
}

/** What an assessment stores as evidence: both classes' views, the figures and the rows that show them. */
export function evidenceOf(a: AccountAssessment): string {
  return JSON.stringify({
    ...a.evidence,
    figures: a.figures,
    probability: a.probability,
    classes: a.classes,
  });
}

/**
 * Assesses every account and writes the queue in one transaction: ONE item per account (the `flags` row), under its
 * likelier class, with both classes' evidence. An account above its class threshold gets a new item, or its open
 * item is updated in place (class, score, reasons, evidence, reach, version, run); an open item of an account now
 * below threshold keeps waiting for its reviewer with its score brought up to date. Decisions are never touched.
 * Cancelling before the write leaves the queue as it was.
 */
export function runDetection(
  db: Db,
  progress: ProgressSink,
  options: { now?: number; operator?: string } = {},
): DetectSummary {
  const started = performance.now();
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const operator = options.operator ?? 'system';
  const model = detectorModel();
  const version = model.detectorVersion;
  const versions = Object.fromEntries(DETECTOR_NAMES.map((d) => [d, version])) as Record<DetectorName, number>;
  // The run names its process: one left running by a process that died is marked interrupted at the next start.
  const runId = withAudit(
    db,
    { operator, action: 'detect.start' },
    () =>
      Number(
        db
          .prepare<[number, string, string]>(
            `INSERT INTO detect_runs (started_at, status, detectors, owner) VALUES (?, 'running', ?, ?)`,
          )
          .run(now, JSON.stringify(versions), runOwner()).lastInsertRowid,
      ),
    (id) => ({ subject: String(id), details: { detectors: versions } }),
  );
  const finish = db.prepare<[number, string, string, number]>(
    `UPDATE detect_runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?`,
  );
  try {
    const scores = assessAccounts(db, progress, model);
    progress.throwIfCancelled();
    // Every open item at once (one per account): a lookup per assessed account would be 100,000 queries.
    const openItems = new Map(
      db
        .prepare<[], FlagState & { user_id: string }>(
          `SELECT id, user_id, score, detector_version, state FROM flags WHERE state = 'open'`,
        )
        .all()
        .map((f) => [f.user_id, f]),
    );
    const latestResolved = db.prepare<[string], FlagState>(
      `SELECT id, score, detector_version, state FROM flags WHERE user_id = ? AND merged_into IS NULL ORDER BY id DESC LIMIT 1`,
    );
    const insertFlag = db.prepare<[string, string, number, number, string, string, number, number, number, number]>(
      `INSERT INTO flags (user_id, detector, detector_version, score, reasons, evidence, reach, first_detected_at, detected_at, run_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const updateFlag = db.prepare<[string, number, number, string, string, number, number, number, number]>(
      `UPDATE flags SET detector = ?, detector_version = ?, score = ?, reasons = ?, evidence = ?, reach = ?, detected_at = ?, run_id = ?
       WHERE id = ?`,
    );
    const flagged = { micro_seller: 0, spammer: 0 } as Record<DetectorName, number>;
    let newFlags = 0;
    let updatedFlags = 0;
    let suppressed = 0;
    let rescored = 0;
    let aboveHold = 0;
    const total = scores.assessments.size;
    let done = 0;
    // The assessments, the run's completion and its audit row commit together: items of a run that never completed
    // (killed mid-write) do not exist.
    const summary = withAudit(
      db,
      { operator, action: 'detect.complete' },
      (): DetectSummary => {
        for (const [userId, s] of scores.assessments) {
          if (++done % 5000 === 0) progress.report('writing assessments', done, total);
          const over = isFlagged(s, model);
          if (s.probability >= model.holdThreshold) aboveHold++;
          const open = openItems.get(userId);
          if (!over && !open) continue;
          const a: AccountAssessment = { ...assess(s.features, model), evidence: s.features.evidence };
          const reasons = JSON.stringify(a.classes[a.likelyClass].reasons);
          const row = [a.likelyClass, version, a.probability, reasons, evidenceOf(a), a.reach, now, runId] as const;
          if (open) {
            updateFlag.run(...row, open.id);
            if (over) updatedFlags++;
            else rescored++;
            if (over) flagged[a.likelyClass]++;
            continue;
          }
          flagged[a.likelyClass]++;
          const prev = latestResolved.get(userId);
          if (prev && prev.detector_version >= version && a.probability < prev.score + REFLAG_MARGIN) {
            suppressed++;
            continue;
          }
          insertFlag.run(
            userId,
            a.likelyClass,
            version,
            a.probability,
            reasons,
            evidenceOf(a),
            a.reach,
            now,
            now,
            runId,
          );
          newFlags++;
        }
        recordFlagHandles(db);
        const summary: DetectSummary = {
          runId,
          referenceAt: scores.referenceAt,
          usersScored: scores.usersScored,
          flagged,
          newFlags,
          updatedFlags,
          suppressed,
          rescored,
          aboveHoldThreshold: aboveHold,
          detectorVersion: version,
          detectors: versions,
          elapsedMs: Math.round(performance.now() - started),
        };
        finish.run(Math.floor(Date.now() / 1000), 'completed', JSON.stringify(summary), runId);
        return summary;
      },
      () => ({ subject: String(runId), details: { flagged, newFlags, updatedFlags, suppressed, rescored } }),
    );
    progress.report('writing assessments', total, total);
    return summary;
  } catch (error) {
    const status = error instanceof CancelledError ? 'cancelled' : 'failed';
    withAudit(
      db,
      { operator, action: `detect.${status === 'cancelled' ? 'cancel' : 'fail'}` },
      () => finish.run(Math.floor(Date.now() / 1000), status, JSON.stringify({ error: String(error) }), runId),
      () => ({ subject: String(runId) }),
    );
    throw error;
  }
}
