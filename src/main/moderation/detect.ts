import { CancelledError, type ProgressSink } from '../../shared/progress';
import { appendAudit } from '../audit/audit-log';
import type { Db } from '../db/database';
import { runOwner } from '../runs/interrupted';
import { type Detector, type DetectorName, type DetectorVerdict, detectors } from './detectors';
import { extractFeatures, type UserFeatures } from './features';

export interface UserScores {
  referenceAt: number;
  usersScored: number;
  /** detector → userId → verdict, for every user with any activity (others score 0). */
  verdicts: Map<DetectorName, Map<string, DetectorVerdict & { evidence: UserFeatures['evidence'] }>>;
}

/** Scores every active user with every detector, in memory (used by runDetection and evaluate). */
export function scoreUsers(db: Db, progress: ProgressSink, list: readonly Detector[] = detectors): UserScores {
  const features = extractFeatures(db, progress);
  const verdicts = new Map<DetectorName, Map<string, DetectorVerdict & { evidence: UserFeatures['evidence'] }>>();
  for (const d of list) {
    const byUser = new Map<string, DetectorVerdict & { evidence: UserFeatures['evidence'] }>();
    for (const f of features.users) {
      const v = d.score(f);
      if (v.score > 0) byUser.set(f.userId, { ...v, evidence: f.evidence });
    }
    verdicts.set(d.name, byUser);
  }
  return { referenceAt: features.referenceAt, usersScored: features.users.length, verdicts };
}

export interface DetectSummary {
  runId: number;
  /** The detection clock (newest activity in the mirror), unix seconds. */
  referenceAt: number;
  usersScored: number;
  flagged: Record<DetectorName, number>;
  newFlags: number;
  updatedFlags: number;
  /** Above threshold but already resolved by an operator at a similar score: not raised again. */
  suppressed: number;
  detectors: Record<DetectorName, number>;
  elapsedMs: number;
}

/** A resolved flag is raised again only when the new score is clearly higher, or the rules changed. */
const REFLAG_MARGIN = 0.1;

interface FlagState {
  id: number;
  score: number;
  detector_version: number;
  state: 'open' | 'resolved';
}

/**
 * Runs every detector over the mirror and writes the flags in one transaction: a new flag per user and detector
 * above threshold, or an update (score, reasons, evidence, version, run) of the open one. Decisions are never
 * touched. Cancelling before the write leaves the flags as they were.
 */
export function runDetection(
  db: Db,
  progress: ProgressSink,
  options: { now?: number; operator?: string } = {},
): DetectSummary {
  const started = performance.now();
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const operator = options.operator ?? 'system';
  const versions = Object.fromEntries(detectors.map((d) => [d.name, d.version])) as Record<DetectorName, number>;
  // The run names its process: one left running by a process that died is marked interrupted at the next start.
  const runId = db.transaction(() => {
    const id = Number(
      db
        .prepare<[number, string, string]>(
          `INSERT INTO detect_runs (started_at, status, detectors, owner) VALUES (?, 'running', ?, ?)`,
        )
        .run(now, JSON.stringify(versions), runOwner()).lastInsertRowid,
    );
    appendAudit(db, { operator, action: 'detect.start', subject: String(id), details: { detectors: versions } });
    return id;
  })();
  const finish = db.prepare<[number, string, string, number]>(
    `UPDATE detect_runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?`,
  );
  try {
    const scores = scoreUsers(db, progress);
    progress.throwIfCancelled();
    const latestFlag = db.prepare<[string, string], FlagState>(
      `SELECT id, score, detector_version, state FROM flags WHERE user_id = ? AND detector = ? ORDER BY state = 'open' DESC, id DESC LIMIT 1`,
    );
    const insertFlag = db.prepare<[string, string, number, number, string, string, number, number, number]>(
      `INSERT INTO flags (user_id, detector, detector_version, score, reasons, evidence, first_detected_at, detected_at, run_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const updateFlag = db.prepare<[number, number, string, string, number, number, number]>(
      `UPDATE flags SET detector_version = ?, score = ?, reasons = ?, evidence = ?, detected_at = ?, run_id = ? WHERE id = ?`,
    );
    const flagged = { micro_seller: 0, spammer: 0 } as Record<DetectorName, number>;
    let newFlags = 0;
    let updatedFlags = 0;
    let suppressed = 0;
    const total = detectors.reduce((n, d) => n + scores.verdicts.get(d.name)!.size, 0);
    let done = 0;
    let summary: DetectSummary | undefined;
    // The flags, the run's completion and its audit row commit together: flags of a run that never completed
    // (killed mid-write) do not exist.
    db.transaction(() => {
      for (const d of detectors) {
        for (const [userId, v] of scores.verdicts.get(d.name)!) {
          if (++done % 5000 === 0) progress.report('writing flags', done, total);
          if (v.score < d.threshold) continue;
          flagged[d.name]++;
          const evidence = JSON.stringify({ ...v.evidence, figures: v.figures });
          const reasons = JSON.stringify(v.reasons);
          const prev = latestFlag.get(userId, d.name);
          if (prev?.state === 'open') {
            updateFlag.run(d.version, v.score, reasons, evidence, now, runId, prev.id);
            updatedFlags++;
          } else if (prev && prev.detector_version >= d.version && v.score < prev.score + REFLAG_MARGIN) {
            suppressed++;
          } else {
            insertFlag.run(userId, d.name, d.version, v.score, reasons, evidence, now, now, runId);
            newFlags++;
          }
        }
      }
      summary = {
        runId,
        referenceAt: scores.referenceAt,
        usersScored: scores.usersScored,
        flagged,
        newFlags,
        updatedFlags,
        suppressed,
        detectors: versions,
        elapsedMs: Math.round(performance.now() - started),
      };
      finish.run(Math.floor(Date.now() / 1000), 'completed', JSON.stringify(summary), runId);
      appendAudit(db, {
        operator,
        action: 'detect.complete',
        subject: String(runId),
        details: { flagged, newFlags, updatedFlags, suppressed },
      });
    })();
    progress.report('writing flags', total, total);
    return summary!;
  } catch (error) {
    const status = error instanceof CancelledError ? 'cancelled' : 'failed';
    db.transaction(() => {
      finish.run(Math.floor(Date.now() / 1000), status, JSON.stringify({ error: String(error) }), runId);
      appendAudit(db, {
        operator,
        action: `detect.${status === 'cancelled' ? 'cancel' : 'fail'}`,
        subject: String(runId),
      });
    })();
    throw error;
  }
}
