import {
  BEHAVIOUR_FAMILIES,
  DETECTOR_NAMES,
  type DetectorName,
  isBehaviourFamily,
} from '../../../shared/domain/detection';
import type { UserFeatures } from '../features';
import { MODEL_INPUTS } from './inputs';
import { type DetectorModel, isFlagged, scoreOf } from './model';

/**
 * Fitting the detection model (`npm run cli -- fit-detectors`): a multinomial logistic regression (ordinary,
 * micro-seller, spammer) by Newton's method with a small ridge, then, on scores each training seed got from a model
 * fitted WITHOUT it (cross-fitting), a Platt calibration of P(abuse) and the operating thresholds read off those
 * held-out PR curves. Deterministic: the same accounts in the same order give the same file.
 */
export interface LabelledAccount {
  seed: number;
  features: UserFeatures;
  /** 0 ordinary, 1 micro-seller, 2 spammer. */
  y: number;
  /** Behaviour family of the ground truth, for the held-out figures per family. */
  family?: string;
}

export interface FitOptions {
  detectorVersion: number;
  command: string;
  fittedOn: DetectorModel['fittedOn'];
  /** Lowest held-out precision allowed at a class's operating threshold. */
  classPrecision?: number;
  /** Lowest held-out precision of "abuse" above the hold threshold. */
  holdPrecision?: number;
  ridge?: number;
  /** How much each account of a hard-negative family (an ordinary person who looks a little like abuse) weighs in
   * the fit, against 1 for everyone else: they are few among tens of thousands of ordinary accounts, yet they are
   * where false positives come from. Calibration and thresholds stay on unweighted held-out scores. */
  hardNegativeWeight?: number;
}

/** The default hard-negative weight of the fit (see FitOptions.hardNegativeWeight). */
export const HARD_NEGATIVE_WEIGHT = 20;

const D = MODEL_INPUTS.length;
const P = D + 1; // + intercept
const K = DETECTOR_NAMES.length; // classes besides ordinary

interface Standardised {
  x: Float64Array[]; // each row: [1, z_1 … z_D]
  y: Uint8Array;
  /** Each row's weight in the likelihood. */
  w: Float64Array;
  seed: Int32Array;
  mean: Float64Array;
  sd: Float64Array;
}

function standardiseAll(accounts: readonly LabelledAccount[], hardNegativeWeight: number): Standardised {
  const raw = accounts.map((a) => Float64Array.from(MODEL_INPUTS, (input) => input.value(a.features)));
  const mean = new Float64Array(D);
  const sd = new Float64Array(D);
  for (const r of raw) for (let j = 0; j < D; j++) mean[j]! += r[j]! / raw.length;
  for (const r of raw) for (let j = 0; j < D; j++) sd[j]! += (r[j]! - mean[j]!) ** 2 / raw.length;
  for (let j = 0; j < D; j++) sd[j] = Math.sqrt(sd[j]!) || 1;
  const x = raw.map((r) => {
    const row = new Float64Array(P);
    row[0] = 1;
    for (let j = 0; j < D; j++) row[j + 1] = (r[j]! - mean[j]!) / sd[j]!;
    return row;
  });
  return {
    x,
    y: Uint8Array.from(accounts, (a) => a.y),
    w: Float64Array.from(accounts, (a) => (isHardNegative(a.family) ? hardNegativeWeight : 1)),
    seed: Int32Array.from(accounts, (a) => a.seed),
    mean,
    sd,
  };
}

/** Class log-odds of one row under parameters theta (K blocks of P). */
function rowLogits(theta: Float64Array, row: Float64Array, out: Float64Array): void {
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let j = 0; j < P; j++) s += theta[k * P + j]! * row[j]!;
    out[k] = s;
  }
}

function probabilities(l: Float64Array, out: Float64Array): void {
  let m = 0;
  for (let k = 0; k < K; k++) m = Math.max(m, l[k]!);
  let sum = Math.exp(-m);
  for (let k = 0; k < K; k++) sum += Math.exp(l[k]! - m);
  for (let k = 0; k < K; k++) out[k] = Math.exp(l[k]! - m) / sum;
}

/** Solves A x = b for symmetric positive definite A (Cholesky); A is n×n row-major. */
function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j * n + j]!;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** Penalised negative log-likelihood (ridge on weights, not intercepts). */
function loss(
  theta: Float64Array,
  rows: readonly Float64Array[],
  y: Uint8Array,
  w: Float64Array,
  idx: readonly number[],
  ridge: number,
): number {
  const l = new Float64Array(K);
  let total = 0;
  for (const i of idx) {
    rowLogits(theta, rows[i]!, l);
    let m = 0;
    for (let k = 0; k < K; k++) m = Math.max(m, l[k]!);
    let sum = Math.exp(-m);
    for (let k = 0; k < K; k++) sum += Math.exp(l[k]! - m);
    const own = y[i]! === 0 ? 0 : l[y[i]! - 1]!;
    total += w[i]! * (m + Math.log(sum) - own);
  }
  for (let k = 0; k < K; k++) for (let j = 1; j < P; j++) total += 0.5 * ridge * theta[k * P + j]! ** 2;
  return total;
}

/**
 * Each parameter's allowed sign (K blocks of P): 0 for an intercept, +1 for a weight that may only raise its class's
 * odds, −1 for one that may only lower them (ModelInput.direction).
 */
function parameterSigns(): Int8Array {
  const sign = new Int8Array(K * P);
  for (let k = 0; k < K; k++)
    MODEL_INPUTS.forEach((input, j) => (sign[k * P + j + 1] = input.direction === 'raises' ? 1 : -1));
  return sign;
}

/**
 * Newton's method on the multinomial log-likelihood over the rows in `idx`, each weight kept on its input's side of
 * zero (projected Newton): a weight at zero whose descent would cross it is held there for the step, the others take
 * the Newton step of the problem over them, and the result is put back on the allowed side.
 */
export function fitMultinomial(
  rows: readonly Float64Array[],
  y: Uint8Array,
  w: Float64Array,
  idx: readonly number[],
  ridge: number,
): Float64Array {
  const n = K * P;
  const sign = parameterSigns();
  let theta = new Float64Array(n);
  let current = loss(theta, rows, y, w, idx, ridge);
  const l = new Float64Array(K);
  const p = new Float64Array(K);
  for (let iter = 0; iter < 50; iter++) {
    const grad = new Float64Array(n);
    const hess = new Float64Array(n * n);
    for (const i of idx) {
      const row = rows[i]!;
      rowLogits(theta, row, l);
      probabilities(l, p);
      for (let k = 0; k < K; k++) {
        const r = w[i]! * (p[k]! - (y[i] === k + 1 ? 1 : 0));
        for (let a = 0; a < P; a++) grad[k * P + a]! += r * row[a]!;
        for (let m = 0; m < K; m++) {
          const h = w[i]! * p[k]! * ((k === m ? 1 : 0) - p[m]!);
          if (h === 0) continue;
          for (let a = 0; a < P; a++) {
            const wa = h * row[a]!;
            const base = (k * P + a) * n + m * P;
            for (let b = 0; b < P; b++) hess[base + b]! += wa * row[b]!;
          }
        }
      }
    }
    for (let k = 0; k < K; k++)
      for (let j = 1; j < P; j++) {
        grad[k * P + j]! += ridge * theta[k * P + j]!;
        hess[(k * P + j) * n + k * P + j]! += ridge;
      }
    for (let q = 0; q < n; q++) hess[q * n + q]! += 1e-9;
    const step = constrainedStep(hess, grad, theta, sign);
    let scale = 1;
    let next = theta;
    let nextLoss = current;
    for (let half = 0; half < 30; half++) {
      next = theta.map((t, q) => allowed(t - scale * step[q]!, sign[q]!));
      nextLoss = loss(next, rows, y, w, idx, ridge);
      if (nextLoss <= current) break;
      scale /= 2;
    }
    const improved = current - nextLoss;
    theta = next;
    current = nextLoss;
    if (improved < 1e-7 * Math.max(1, Math.abs(current))) break;
  }
  return theta;
}

/** A parameter's value put on its allowed side of zero. */
const allowed = (value: number, sign: number): number => (sign * value < 0 ? 0 : value);

/**
 * The Newton step over the parameters free to move: a weight at zero held there when descent (−grad) would take it
 * across; the step is 0 for those and the reduced system's solution for the rest.
 */
function constrainedStep(hess: Float64Array, grad: Float64Array, theta: Float64Array, sign: Int8Array): Float64Array {
  const n = grad.length;
  const free: number[] = [];
  for (let q = 0; q < n; q++) if (sign[q] === 0 || sign[q]! * theta[q]! > 0 || -sign[q]! * grad[q]! > 0) free.push(q);
  const m = free.length;
  const h = new Float64Array(m * m);
  const g = new Float64Array(m);
  free.forEach((q, a) => {
    g[a] = grad[q]!;
    free.forEach((r, b) => (h[a * m + b] = hess[q * n + r]!));
  });
  const reduced = solve(h, g, m);
  const step = new Float64Array(n);
  free.forEach((q, a) => (step[q] = reduced[a]!));
  return step;
}

/** P(abuse) log-odds of each row: log(e^l1 + e^l2). */
function abuseLogit(theta: Float64Array, row: Float64Array): { logit: number; likely: number } {
  const l = new Float64Array(K);
  rowLogits(theta, row, l);
  const m = Math.max(l[0]!, l[1]!);
  return { logit: m + Math.log(Math.exp(l[0]! - m) + Math.exp(l[1]! - m)), likely: l[0]! >= l[1]! ? 0 : 1 };
}

/** 1-D logistic fit of outcome on a·s + b (Platt), by Newton. */
function platt(scores: Float64Array, outcome: Uint8Array): { a: number; b: number } {
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-9;
    let hab = 0;
    let hbb = 1e-9;
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i]!;
      const q = 1 / (1 + Math.exp(-(a * s + b)));
      const r = q - outcome[i]!;
      ga += r * s;
      gb += r;
      const w = q * (1 - q);
      haa += w * s * s;
      hab += w * s;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-10) break;
  }
  return { a, b };
}

const r4 = (x: number): number => Math.round(x * 10000) / 10000;

interface Scored {
  p: number;
  likely: number;
  y: number;
}

function curve(
  scored: readonly Scored[],
  cls: number,
): { threshold: number; precision: number; recall: number; flagged: number }[] {
  const positives = scored.filter((s) => s.y === cls + 1).length;
  const out = [];
  for (let t = 0.05; t < 0.995; t += 0.01) {
    let tp = 0;
    let fp = 0;
    for (const s of scored)
      if (s.likely === cls && s.p >= t) {
        if (s.y === cls + 1) tp++;
        else fp++;
      }
    out.push({
      threshold: r4(t),
      precision: tp + fp ? r4(tp / (tp + fp)) : 1,
      recall: positives ? r4(tp / positives) : 0,
      flagged: tp + fp,
    });
  }
  return out;
}

/**
 * Never below this: a queue item, and even more a hold, must be likelier abusive than not, whatever a PR curve of
 * well-separated data would allow.
 */
export const THRESHOLD_FLOOR = 0.5;

/**
 * The lowest threshold (not under the floor) from which held-out precision stays at or above `target` for every
 * higher threshold (so a small step up never drops below it).
 */
function thresholdFor(points: readonly { threshold: number; precision: number }[], target: number): number {
  let chosen = points[points.length - 1]!.threshold;
  for (let i = points.length - 1; i >= 0; i--) {
    if (points[i]!.precision < target) break;
    chosen = points[i]!.threshold;
  }
  return Math.max(THRESHOLD_FLOOR, chosen);
}

export function fitDetectorModel(accounts: readonly LabelledAccount[], options: FitOptions): DetectorModel {
  const ridge = options.ridge ?? 1;
  const classPrecision = options.classPrecision ?? 0.96;
  const holdPrecision = options.holdPrecision ?? 0.98;
  const hardNegativeWeight = options.hardNegativeWeight ?? HARD_NEGATIVE_WEIGHT;
  const data = standardiseAll(accounts, hardNegativeWeight);
  const all = accounts.map((_, i) => i);
  const seeds = [...new Set(data.seed)].sort((a, b) => a - b);
  // Cross-fitting: every account is scored by a model that never saw its seed (two folds by id when one seed).
  const fold = (i: number): number => (seeds.length > 1 ? data.seed[i]! : hashFold(accounts[i]!.features.userId));
  const folds = [...new Set(all.map(fold))];
  const oofLogit = new Float64Array(accounts.length);
  const oofLikely = new Uint8Array(accounts.length);
  for (const f of folds) {
    const train = all.filter((i) => fold(i) !== f);
    const theta = fitMultinomial(data.x, data.y, data.w, train, ridge);
    for (const i of all)
      if (fold(i) === f) {
        const s = abuseLogit(theta, data.x[i]!);
        oofLogit[i] = s.logit;
        oofLikely[i] = s.likely;
      }
  }
  const isAbuse = Uint8Array.from(data.y, (y) => (y > 0 ? 1 : 0));
  const cal = platt(oofLogit, isAbuse);
  const scored: Scored[] = all.map((i) => ({
    p: 1 / (1 + Math.exp(-(cal.a * oofLogit[i]! + cal.b))),
    likely: oofLikely[i]!,
    y: data.y[i]!,
  }));

  const curves: Record<string, ReturnType<typeof curve>> = {};
  const thresholds = {} as Record<DetectorName, number>;
  const atThresholds: Record<string, { precision: number; recall: number; flagged: number }> = {};
  DETECTOR_NAMES.forEach((c, k) => {
    curves[c] = curve(scored, k);
    thresholds[c] = thresholdFor(curves[c], classPrecision);
    const at = curves[c].find((p) => Math.abs(p.threshold - thresholds[c]) < 1e-9)!;
    atThresholds[c] = { precision: at.precision, recall: at.recall, flagged: at.flagged };
  });
  // Hold: any abuse above the threshold counts (which class it is does not matter for keeping it out of matching).
  const holdCurve: { threshold: number; precision: number }[] = [];
  for (let t = 0.05; t < 0.995; t += 0.01) {
    let tp = 0;
    let all2 = 0;
    for (const s of scored)
      if (s.p >= t) {
        all2++;
        if (s.y > 0) tp++;
      }
    holdCurve.push({ threshold: r4(t), precision: all2 ? tp / all2 : 1 });
  }
  const holdThreshold = Math.max(thresholdFor(holdCurve, holdPrecision), thresholds.micro_seller, thresholds.spammer);
  let held = 0;
  let heldTrue = 0;
  for (const s of scored)
    if (s.p >= holdThreshold) {
      held++;
      if (s.y > 0) heldTrue++;
    }
  const abusive = scored.filter((s) => s.y > 0).length;
  // Held-out rates per behaviour family: recall of abuse families, false positives of the others.
  const families: Record<string, { accounts: number; queued: number; rate: number }> = {};
  all.forEach((i) => {
    const f = accounts[i]!.family;
    if (f === undefined) return;
    const s = scored[i]!;
    const entry = (families[f] ??= { accounts: 0, queued: 0, rate: 0 });
    entry.accounts++;
    const cls = DETECTOR_NAMES[s.likely]!;
    const queued = s.p >= thresholds[cls] && (s.y === 0 || s.y === s.likely + 1);
    if (queued) entry.queued++;
  });
  for (const e of Object.values(families)) e.rate = r4(e.queued / e.accounts);
  const bins = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001];
  const calibration = bins.slice(0, -1).map((from, b) => {
    const to = bins[b + 1]!;
    const inBin = scored.filter((s) => s.p >= from && s.p < to);
    const predicted = inBin.reduce((t, s) => t + s.p, 0) / (inBin.length || 1);
    const observed = inBin.filter((s) => s.y > 0).length / (inBin.length || 1);
    return { from, to: Math.min(1, to), accounts: inBin.length, predicted: r4(predicted), observed: r4(observed) };
  });

  const theta = fitMultinomial(data.x, data.y, data.w, all, ridge);
  const classes = {} as DetectorModel['classes'];
  DETECTOR_NAMES.forEach((c, k) => {
    const weights: Record<string, number> = {};
    MODEL_INPUTS.forEach((input, j) => (weights[input.name] = r4(theta[k * P + j + 1]!)));
    classes[c] = { intercept: r4(theta[k * P]!), weights };
  });
  return {
    detectorVersion: options.detectorVersion,
    method:
      'multinomial logistic regression (ordinary / micro_seller / spammer) over standardised inputs, each weight ' +
      `kept on its input's side of zero, ridge ${ridge}, hard-negative accounts weighted ${hardNegativeWeight}; ` +
      'P(abuse) Platt-calibrated on out-of-fold scores; an account is queued under its likelier class ' +
      'when P(abuse) reaches that class threshold',
    command: options.command,
    fittedOn: options.fittedOn,
    inputs: MODEL_INPUTS.map((input, j) => ({
      name: input.name,
      reason: input.reason,
      mean: r4(data.mean[j]!),
      sd: r4(data.sd[j]!),
    })),
    classes,
    calibration: {
      method: 'Platt: P = 1 / (1 + exp(-(a * abuseLogOdds + b))), fitted out of fold',
      a: r4(cal.a),
      b: r4(cal.b),
    },
    thresholds,
    holdThreshold,
    heldOut: {
      method:
        seeds.length > 1
          ? `cross-fitted by seed: each of seeds ${seeds.join(', ')} scored by a model fitted on the others`
          : 'cross-fitted: two folds by account id',
      targets: { classPrecision, holdPrecision },
      atThresholds,
      hold: { precision: r4(held ? heldTrue / held : 1), recall: r4(abusive ? heldTrue / abusive : 0), held },
      families,
      calibration,
      curves,
    },
  };
}

/** How a behaviour family fared under a model fitted without any of its accounts. */
export interface UnseenFamily {
  family: string;
  /** 1 micro-seller, 2 spammer (abuse families: queued under that class counts); 0 ordinary (queued at all counts). */
  y: number;
  accounts: number;
  queued: number;
  /** Recall of an abuse family, false-positive rate of the others. */
  rate: number;
  /** The thresholds of the model fitted without the family. */
  thresholds: Record<DetectorName, number>;
}

/**
 * Leave one family out: the model (thresholds included) is fitted, exactly as the committed one is, on every account
 * except the family's, then scores the family's accounts. It answers "what happens to a kind of abuse, or a kind of
 * ordinary behaviour, the training data never showed" — the nearest a generator comes to data written by others.
 */
export function fitWithoutFamily(
  accounts: readonly LabelledAccount[],
  family: string,
  options: FitOptions,
): UnseenFamily {
  const model = fitDetectorModel(
    accounts.filter((a) => a.family !== family),
    options,
  );
  const members = accounts.filter((a) => a.family === family);
  const y = members[0]?.y ?? 0;
  let queued = 0;
  const z = new Float64Array(MODEL_INPUTS.length);
  for (const a of members) {
    const s = scoreOf(a.features, model, z);
    if (isFlagged(s, model) && (y === 0 || s.likelyClass === DETECTOR_NAMES[y - 1])) queued++;
  }
  return {
    family,
    y,
    accounts: members.length,
    queued,
    rate: r4(members.length ? queued / members.length : 0),
    thresholds: model.thresholds,
  };
}

function isHardNegative(family: string | undefined): boolean {
  return family !== undefined && isBehaviourFamily(family) && BEHAVIOUR_FAMILIES[family].kind === 'hard_negative';
}

function hashFold(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % 2;
}
