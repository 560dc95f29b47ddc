import fs from 'node:fs';
import { type ProgressSink, silentProgress } from '../../shared/progress';
import { GROUND_TRUTH_LABELS } from '../../shared/domain/export-format';
import { DomainError } from '../../shared/envelope';
import type { Db } from '../db/database';
import { scoreUsers } from './detect';
import { type DetectorName, detectors } from './detectors';

export interface ClassMetrics {
  threshold: number;
  detectorVersion: number;
  positives: number;
  flagged: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface CurvePoint {
  threshold: number;
  precision: number;
  recall: number;
  flagged: number;
}

export interface Evaluation {
  labelsFile: string;
  labelCounts: Record<string, number>;
  classes: Record<DetectorName, ClassMetrics>;
  /** Precision and recall at thresholds 0.05, 0.10, …, 0.95 per class. */
  curves: Record<DetectorName, CurvePoint[]>;
  /** The false positives at the default threshold by their true label (which traps catch the detector). */
  confusions: Record<DetectorName, Record<string, number>>;
}

const LABELS: ReadonlySet<string> = new Set(GROUND_TRUTH_LABELS);

/** Reads labels.jsonl (ground truth written by the generator): user id → label. Errors name the line. */
export function readLabels(file: string): Map<string, string> {
  if (!fs.existsSync(file)) throw new DomainError('INVALID_INPUT', `labels file ${file} does not exist`);
  const labels = new Map<string, string>();
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new DomainError('INVALID_INPUT', `${file}:${i + 1}: not valid JSON`);
    }
    const r = row as { user_id?: unknown; label?: unknown };
    if (typeof r.user_id !== 'string' || typeof r.label !== 'string' || !LABELS.has(r.label)) {
      throw new DomainError(
        'INVALID_INPUT',
        `${file}:${i + 1}: expected {"user_id": string, "label": ${GROUND_TRUTH_LABELS.join('|')}}`,
      );
    }
    labels.set(r.user_id, r.label);
  });
  return labels;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : Math.round((a / b) * 10000) / 10000);

function metricsAt(scores: Map<string, number>, labels: Map<string, string>, cls: string, threshold: number) {
  let tp = 0;
  let fp = 0;
  for (const [user, s] of scores) {
    if (s < threshold) continue;
    if (labels.get(user) === cls) tp++;
    else fp++;
  }
  let positives = 0;
  for (const l of labels.values()) if (l === cls) positives++;
  return { tp, fp, fn: positives - tp, positives };
}

/**
 * Precision, recall and F1 per class at each detector's default threshold, plus a PR curve, against generated
 * ground truth. Users missing from the labels file count as normal. Scores are computed in memory; nothing
 * is written.
 */
export function evaluate(db: Db, labelsFile: string, progress: ProgressSink = silentProgress): Evaluation {
  const labels = readLabels(labelsFile);
  const scored = scoreUsers(db, progress);
  const labelCounts: Record<string, number> = {};
  for (const l of labels.values()) labelCounts[l] = (labelCounts[l] ?? 0) + 1;
  const classes = {} as Record<DetectorName, ClassMetrics>;
  const curves = {} as Record<DetectorName, CurvePoint[]>;
  const confusions = {} as Record<DetectorName, Record<string, number>>;
  for (const d of detectors) {
    const scores = new Map<string, number>();
    for (const [user, v] of scored.verdicts.get(d.name)!) scores.set(user, v.score);
    const m = metricsAt(scores, labels, d.name, d.threshold);
    const precision = ratio(m.tp, m.tp + m.fp);
    const recall = ratio(m.tp, m.positives);
    classes[d.name] = {
      threshold: d.threshold,
      detectorVersion: d.version,
      positives: m.positives,
      flagged: m.tp + m.fp,
      truePositives: m.tp,
      falsePositives: m.fp,
      falseNegatives: m.fn,
      precision,
      recall,
      f1: precision + recall === 0 ? 0 : Math.round(((2 * precision * recall) / (precision + recall)) * 10000) / 10000,
    };
    curves[d.name] = Array.from({ length: 19 }, (_, i) => {
      const threshold = Math.round((i + 1) * 5) / 100;
      const p = metricsAt(scores, labels, d.name, threshold);
      return { threshold, precision: ratio(p.tp, p.tp + p.fp), recall: ratio(p.tp, p.positives), flagged: p.tp + p.fp };
    });
    const conf: Record<string, number> = {};
    for (const [user, s] of scores) {
      const l = labels.get(user) ?? 'normal';
      if (s >= d.threshold && l !== d.name) conf[l] = (conf[l] ?? 0) + 1;
    }
    confusions[d.name] = conf;
  }
  return { labelsFile, labelCounts, classes, curves, confusions };
}
