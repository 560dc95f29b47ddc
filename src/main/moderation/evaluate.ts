import { type ProgressSink, silentProgress } from '../../shared/progress';
import {
  BEHAVIOUR_FAMILIES,
  type BehaviourFamily,
  DETECTOR_NAMES,
  type DetectorName,
  isBehaviourFamily,
} from '../../shared/domain/detection';
import { GROUND_TRUTH_LABELS } from '../../shared/domain/export-format';
import { DomainError } from '../../shared/envelope';
import type { Db } from '../db/database';
import { readRecords } from '../mirror/import/record-reader';
import { CALLER_FILE_MAX_BYTES } from '../util/caller-file';
import { assessAccounts } from './detect';
import { type DetectorModel, detectorModel } from './model/model';

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

/** How one behaviour family of the ground truth fared: recall for abuse, false-positive rate for the others. */
export interface FamilyMetrics {
  family: BehaviourFamily;
  label: string;
  kind: 'abuse' | 'hard_negative' | 'ordinary';
  accounts: number;
  /** Queued under each class at the operating thresholds. */
  flaggedAs: Record<DetectorName, number>;
  /** Abuse families: queued under their own class / accounts. */
  recall: number | null;
  /** Other families: queued at all / accounts. */
  falsePositiveRate: number | null;
  /** Held out of matching at the model's hold threshold. */
  held: number;
}

export interface Evaluation {
  labelsFile: string;
  detectorVersion: number;
  labelCounts: Record<string, number>;
  /** Per class at the model's operating thresholds (an account counts under its likelier class only). */
  classes: Record<DetectorName, ClassMetrics>;
  /** Precision and recall at thresholds 0.05, 0.10, …, 0.95 per class. */
  curves: Record<DetectorName, CurvePoint[]>;
  /** The false positives at the operating thresholds by their true label. */
  confusions: Record<DetectorName, Record<string, number>>;
  /** Per behaviour family, when the labels carry families (generated exports do). */
  families: FamilyMetrics[];
  /** Above the model's hold threshold: how many, and how many of them were abusive. */
  hold: { threshold: number; held: number; precision: number; recall: number };
  /** Predicted vs observed abuse in score bins: 0.9 should mean 9 in 10. */
  calibration: { from: number; to: number; accounts: number; predicted: number; observed: number }[];
  /** Accounts with more than one open queue item in the mirror (0: one assessment per account). */
  accountsInTwoItems: number;
  /** The thresholds stored with the detector version, and the held-out figures they were chosen on. */
  model: {
    thresholds: Record<DetectorName, number>;
    holdThreshold: number;
    fittedOn: { seeds: number[]; users: number; generatorVersion: number };
    heldOutMethod: string;
    heldOut: Record<string, { precision: number; recall: number; flagged: number }>;
  };
}

interface LabelRow {
  label: string;
  family: BehaviourFamily | null;
}

const LABELS: ReadonlySet<string> = new Set(GROUND_TRUTH_LABELS);

/** Ids are 1–64 characters (DATA-FORMAT.md); a label row naming a longer one is not a label row. */
const MAX_ID_CHARS = 64;

/**
 * Reads labels.jsonl (ground truth written by the generator): user id → label and family. Errors name the line.
 * The file is a caller's: opened only as a plain file within CALLER_FILE_MAX_BYTES.labels and streamed record by
 * record (../mirror/import/record-reader.ts), so neither a device nor a huge file can fill memory; each distinct
 * (label, family) is one shared object, so an account costs its id and a map entry.
 */
export function readLabels(file: string): Map<string, LabelRow> {
  const labels = new Map<string, LabelRow>();
  const rows = new Map<string, LabelRow>();
  const expected = `expected {"user_id": string, "label": ${GROUND_TRUTH_LABELS.join('|')}, "family"?: a behaviour family}`;
  readRecords(
    file,
    false,
    {
      record(line, lineNo) {
        if (line.trim() === '') return;
        let row: unknown;
        try {
          row = JSON.parse(line);
        } catch {
          throw new DomainError('INVALID_INPUT', `${file}:${lineNo}: not valid JSON`);
        }
        const r = (typeof row === 'object' && row !== null ? row : {}) as {
          user_id?: unknown;
          label?: unknown;
          family?: unknown;
        };
        const family = r.family === undefined || r.family === null ? null : r.family;
        if (
          typeof r.user_id !== 'string' ||
          r.user_id.length === 0 ||
          r.user_id.length > MAX_ID_CHARS ||
          typeof r.label !== 'string' ||
          !LABELS.has(r.label) ||
          (family !== null && (typeof family !== 'string' || !isBehaviourFamily(family)))
        ) {
          throw new DomainError('INVALID_INPUT', `${file}:${lineNo}: ${expected}`);
        }
        const key = `${r.label}\u0000${family ?? ''}`;
        let value = rows.get(key);
        if (!value) rows.set(key, (value = { label: r.label, family: family as BehaviourFamily | null }));
        labels.set(r.user_id, value);
      },
      problem(reason, lineNo) {
        throw new DomainError(
          'INVALID_INPUT',
          `${file}:${lineNo}: ${reason === 'invalid_utf8' ? 'not valid UTF-8' : 'a line longer than 1 MiB'}`,
        );
      },
      chunk() {},
    },
    CALLER_FILE_MAX_BYTES.labels,
  );
  return labels;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : Math.round((a / b) * 10000) / 10000);

interface Scored {
  p: number;
  likely: DetectorName;
}

function metricsAt(scores: Map<string, Scored>, labels: Map<string, LabelRow>, cls: DetectorName, threshold: number) {
  let tp = 0;
  let fp = 0;
  for (const [user, s] of scores) {
    if (s.likely !== cls || s.p < threshold) continue;
    if (labels.get(user)?.label === cls) tp++;
    else fp++;
  }
  let positives = 0;
  for (const l of labels.values()) if (l.label === cls) positives++;
  return { tp, fp, fn: positives - tp, positives };
}

/**
 * Precision, recall and F1 per class at the model's operating thresholds, recall and false-positive rate per
 * behaviour family, the hold threshold's precision, calibration and PR curves, against generated ground truth.
 * Accounts missing from the labels file count as normal. Scores are computed in memory; nothing is written.
 */
export function evaluate(
  db: Db,
  labelsFile: string,
  progress: ProgressSink = silentProgress,
  model: DetectorModel = detectorModel(),
): Evaluation {
  const labels = readLabels(labelsFile);
  const scored = assessAccounts(db, progress, model);
  const scores = new Map<string, Scored>();
  for (const [user, a] of scored.assessments) scores.set(user, { p: a.probability, likely: a.likelyClass });
  const labelCounts: Record<string, number> = {};
  for (const l of labels.values()) labelCounts[l.label] = (labelCounts[l.label] ?? 0) + 1;
  const classes = {} as Record<DetectorName, ClassMetrics>;
  const curves = {} as Record<DetectorName, CurvePoint[]>;
  const confusions = {} as Record<DetectorName, Record<string, number>>;
  for (const c of DETECTOR_NAMES) {
    const threshold = model.thresholds[c];
    const m = metricsAt(scores, labels, c, threshold);
    const precision = ratio(m.tp, m.tp + m.fp);
    const recall = ratio(m.tp, m.positives);
    classes[c] = {
      threshold,
      detectorVersion: model.detectorVersion,
      positives: m.positives,
      flagged: m.tp + m.fp,
      truePositives: m.tp,
      falsePositives: m.fp,
      falseNegatives: m.fn,
      precision,
      recall,
      f1: precision + recall === 0 ? 0 : Math.round(((2 * precision * recall) / (precision + recall)) * 10000) / 10000,
    };
    curves[c] = Array.from({ length: 19 }, (_, i) => {
      const t = Math.round((i + 1) * 5) / 100;
      const p = metricsAt(scores, labels, c, t);
      return {
        threshold: t,
        precision: ratio(p.tp, p.tp + p.fp),
        recall: ratio(p.tp, p.positives),
        flagged: p.tp + p.fp,
      };
    });
    const conf: Record<string, number> = {};
    for (const [user, s] of scores) {
      const l = labels.get(user)?.label ?? 'normal';
      if (s.likely === c && s.p >= threshold && l !== c) conf[l] = (conf[l] ?? 0) + 1;
    }
    confusions[c] = conf;
  }

  const byFamily = new Map<string, FamilyMetrics>();
  for (const [user, l] of labels) {
    if (l.family === null) continue;
    let m = byFamily.get(l.family);
    if (!m) {
      const spec = BEHAVIOUR_FAMILIES[l.family];
      byFamily.set(
        l.family,
        (m = {
          family: l.family,
          label: spec.label,
          kind: spec.kind,
          accounts: 0,
          flaggedAs: { micro_seller: 0, spammer: 0 },
          recall: null,
          falsePositiveRate: null,
          held: 0,
        }),
      );
    }
    m.accounts++;
    const s = scores.get(user);
    if (!s) continue;
    if (s.p >= model.thresholds[s.likely]) m.flaggedAs[s.likely]++;
    if (s.p >= model.holdThreshold) m.held++;
  }
  const families = [...byFamily.values()].map((m) => {
    const flagged = m.flaggedAs.micro_seller + m.flaggedAs.spammer;
    if (m.kind === 'abuse') m.recall = ratio(m.flaggedAs[m.label as DetectorName], m.accounts);
    else m.falsePositiveRate = ratio(flagged, m.accounts);
    return m;
  });
  const order = Object.keys(BEHAVIOUR_FAMILIES);
  families.sort((a, b) => order.indexOf(a.family) - order.indexOf(b.family));

  let held = 0;
  let heldTrue = 0;
  let abusive = 0;
  for (const l of labels.values()) if (l.label === 'micro_seller' || l.label === 'spammer') abusive++;
  const bins = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001];
  const binStats = bins
    .slice(0, -1)
    .map((from, b) => ({ from, to: Math.min(1, bins[b + 1]!), accounts: 0, p: 0, abuse: 0 }));
  for (const [user, s] of scores) {
    const isAbuse = labels.get(user)?.label === 'micro_seller' || labels.get(user)?.label === 'spammer';
    if (s.p >= model.holdThreshold) {
      held++;
      if (isAbuse) heldTrue++;
    }
    const bin = binStats[Math.min(binStats.length - 1, Math.floor(s.p * 10))]!;
    bin.accounts++;
    bin.p += s.p;
    if (isAbuse) bin.abuse++;
  }
  const accountsInTwoItems =
    db
      .prepare<[], { n: number }>(
        `SELECT count(*) AS n FROM (SELECT user_id FROM flags WHERE state = 'open' GROUP BY user_id HAVING count(*) > 1)`,
      )
      .get()?.n ?? 0;
  return {
    labelsFile,
    detectorVersion: model.detectorVersion,
    labelCounts,
    classes,
    curves,
    confusions,
    families,
    hold: { threshold: model.holdThreshold, held, precision: ratio(heldTrue, held), recall: ratio(heldTrue, abusive) },
    calibration: binStats.map((b) => ({
      from: b.from,
      to: b.to,
      accounts: b.accounts,
      predicted: ratio(b.p, b.accounts),
      observed: ratio(b.abuse, b.accounts),
    })),
    accountsInTwoItems,
    model: {
      thresholds: model.thresholds,
      holdThreshold: model.holdThreshold,
      fittedOn: {
        seeds: model.fittedOn.seeds,
        users: model.fittedOn.users,
        generatorVersion: model.fittedOn.generatorVersion,
      },
      heldOutMethod: model.heldOut.method,
      heldOut: {
        ...model.heldOut.atThresholds,
        hold: {
          precision: model.heldOut.hold.precision,
          recall: model.heldOut.hold.recall,
          flagged: model.heldOut.hold.held,
        },
      },
    },
  };
}
