import { z } from 'zod';
import {
  DETECTOR_NAMES,
  type DetectorFigure,
  type DetectorName,
  type FlagReason,
} from '../../../shared/domain/detection';
import type { UserFeatures } from '../features';
import fitted from './detector-model.json' with { type: 'json' };
import { figuresOf, MODEL_INPUTS, type ModelInput, reachOf } from './inputs';

/**
 * The detection model: one multinomial logistic regression over the interpretable inputs (./inputs.ts) — the odds
 * of "micro-seller" and of "spammer" against "ordinary", each a sum of weight × (input − mean) / sd — then a Platt
 * calibration of the probability of abuse, fitted on out-of-fold scores, so a score of 0.9 means that about 9 in 10
 * accounts so scored were abusive on the data it was fitted on. Weights, calibration, thresholds and the held-out
 * figures they came from live in detector-model.json (written by `npm run cli -- fit-detectors`), versioned: every
 * assessment carries the version that scored it.
 */
const weightsSchema = z.object({ intercept: z.number(), weights: z.record(z.string(), z.number()) });
export const detectorModelSchema = z.object({
  detectorVersion: z.number().int().positive(),
  method: z.string(),
  command: z.string(),
  fittedOn: z.object({
    generatorVersion: z.number().int(),
    seeds: z.array(z.number().int()),
    users: z.number().int(),
    days: z.number().int(),
    accounts: z.number().int(),
    labels: z.record(z.string(), z.number().int()),
  }),
  inputs: z.array(z.object({ name: z.string(), reason: z.string(), mean: z.number(), sd: z.number() })),
  classes: z.object({ micro_seller: weightsSchema, spammer: weightsSchema }),
  calibration: z.object({ method: z.string(), a: z.number(), b: z.number() }),
  thresholds: z.object({ micro_seller: z.number().min(0).max(1), spammer: z.number().min(0).max(1) }),
  /** Above this calibrated score an account waits outside matching until a reviewer decides (held-out precision ≥ 0.98). */
  holdThreshold: z.number().min(0).max(1),
  heldOut: z.object({
    method: z.string(),
    targets: z.object({ classPrecision: z.number(), holdPrecision: z.number() }),
    atThresholds: z.record(
      z.string(),
      z.object({ precision: z.number(), recall: z.number(), flagged: z.number().int() }),
    ),
    hold: z.object({ precision: z.number(), recall: z.number(), held: z.number().int() }),
    /** Per behaviour family: abuse families' recall, the others' false-positive rate (queued / accounts). */
    families: z
      .record(z.string(), z.object({ accounts: z.number().int(), queued: z.number().int(), rate: z.number() }))
      .optional(),
    calibration: z.array(
      z.object({
        from: z.number(),
        to: z.number(),
        accounts: z.number().int(),
        predicted: z.number(),
        observed: z.number(),
      }),
    ),
    curves: z.record(
      z.string(),
      z.array(
        z.object({ threshold: z.number(), precision: z.number(), recall: z.number(), flagged: z.number().int() }),
      ),
    ),
  }),
});
export type DetectorModel = z.infer<typeof detectorModelSchema>;

/** Checks a model against the inputs this build computes: a model naming an input we do not have is refused. */
export function parseDetectorModel(value: unknown, where = 'detector-model.json'): DetectorModel {
  const parsed = detectorModelSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${where}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const model = parsed.data;
  const names = MODEL_INPUTS.map((i) => i.name);
  const given = model.inputs.map((i) => i.name);
  if (names.join(',') !== given.join(','))
    throw new Error(`${where}: inputs ${given.join(',')} are not this build's ${names.join(',')}; fit the model again`);
  for (const c of DETECTOR_NAMES)
    for (const input of MODEL_INPUTS) {
      const weight = model.classes[c].weights[input.name];
      if (weight === undefined) throw new Error(`${where}: classes.${c}.weights.${input.name} is missing`);
      // A weight on the wrong side of zero would say the opposite of the reason an operator reads (inputs.ts).
      if (input.direction === 'raises' ? weight < 0 : weight > 0)
        throw new Error(
          `${where}: classes.${c}.weights.${input.name} is ${weight}, but that input only ${input.direction} ` +
            `the odds; fit the model again`,
        );
    }
  return model;
}

/** The first detector version whose scores are calibrated probabilities (earlier flags never hold anyone). */
export const CALIBRATED_SINCE_VERSION = 3;

/** The committed model's version number, read without checking the model against this build (fit-detectors). */
export const committedDetectorVersion = (): number => fitted.detectorVersion;

/** The committed model (checked when first used). */
let current: DetectorModel | undefined;
export function detectorModel(): DetectorModel {
  return (current ??= parseDetectorModel(fitted));
}

export interface ClassView {
  /** P(this class) = P(abuse) × this class's share of the abuse odds. */
  probability: number;
  /** Inputs that raised this class's odds most (against an average account), strongest first. */
  reasons: FlagReason[];
  /** Inputs that lowered them. */
  counterSignals: FlagReason[];
  /** Log-odds each input added to this class (rounded), for the evidence view. */
  contributions: Record<string, number>;
}

export interface Assessment {
  /** Calibrated probability that the account is abusive (either class). */
  probability: number;
  likelyClass: DetectorName;
  classes: Record<DetectorName, ClassView>;
  figures: Partial<Record<DetectorFigure, number>>;
  reach: number;
  detectorVersion: number;
}

/** Contributions at least this large (in log-odds) name a reason or a counter-signal. */
const REASON_MIN = 0.25;
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Standardised inputs of one account. */
export function standardise(
  model: DetectorModel,
  f: UserFeatures,
  out = new Float64Array(MODEL_INPUTS.length),
): Float64Array {
  for (let j = 0; j < MODEL_INPUTS.length; j++) {
    const s = model.inputs[j]!;
    out[j] = (MODEL_INPUTS[j]!.value(f) - s.mean) / (s.sd || 1);
  }
  return out;
}

/** Raw (uncalibrated) log-odds of each class against ordinary. */
export function logits(model: DetectorModel, z: Float64Array): [number, number] {
  const out: [number, number] = [0, 0];
  DETECTOR_NAMES.forEach((c, k) => {
    const w = model.classes[c];
    let s = w.intercept;
    for (let j = 0; j < MODEL_INPUTS.length; j++) s += w.weights[MODEL_INPUTS[j]!.name]! * z[j]!;
    out[k] = s;
  });
  return out;
}

/**
 * The highest probability a score says. The calibration was fitted on a few thousand abusive accounts: it cannot
 * tell odds of a thousand to one from a million to one, and an account far past everything it was shown (many
 * strong signals at once) would otherwise score exactly 1 — certainty, which no model of behaviour has.
 */
export const MAX_PROBABILITY = 0.999;

/** Calibrated P(abuse) from the two class log-odds. */
export function calibrated(model: DetectorModel, l: readonly [number, number]): number {
  // log(P(abuse) / P(ordinary)) = log(e^l1 + e^l2), computed stably.
  const m = Math.max(l[0], l[1]);
  const abuseLogit = m + Math.log(Math.exp(l[0] - m) + Math.exp(l[1] - m));
  return Math.min(MAX_PROBABILITY, sigmoid(model.calibration.a * abuseLogit + model.calibration.b));
}

/** The score alone (probability and likelier class), without the evidence: what a whole-city pass needs. */
export function scoreOf(
  f: UserFeatures,
  model: DetectorModel = detectorModel(),
  z = new Float64Array(MODEL_INPUTS.length),
): Pick<Assessment, 'probability' | 'likelyClass'> {
  const l = logits(model, standardise(model, f, z));
  return { probability: calibrated(model, l), likelyClass: l[0] >= l[1] ? 'micro_seller' : 'spammer' };
}

export function assess(f: UserFeatures, model: DetectorModel = detectorModel()): Assessment {
  const z = standardise(model, f);
  const l = logits(model, z);
  const probability = calibrated(model, l);
  const m = Math.max(l[0], l[1]);
  const e0 = Math.exp(l[0] - m);
  const e1 = Math.exp(l[1] - m);
  const shares = [e0 / (e0 + e1), e1 / (e0 + e1)];
  const classes = {} as Record<DetectorName, ClassView>;
  DETECTOR_NAMES.forEach((c, k) => {
    const w = model.classes[c].weights;
    const parts = MODEL_INPUTS.map((input, j) => ({ input, part: w[input.name]! * z[j]! }));
    const contributions: Record<string, number> = {};
    for (const p of parts) contributions[p.input.name] = Math.round(p.part * 100) / 100;
    const byStrength = [...parts].sort((a, b) => Math.abs(b.part) - Math.abs(a.part));
    // A reason names what the account shows: an input that raises the odds and is above average. The same input
    // below average lowers the odds a little ("few greetings"), and one that lowers them pushes them up when it is
    // below average ("few regular payers"); the reason's words would say the opposite of either, so those stay in
    // the contributions of the evidence view and are not named.
    const named = (direction: ModelInput['direction'], sign: 1 | -1): FlagReason[] => [
      ...new Set(
        byStrength
          .filter((p) => p.input.direction === direction && sign * p.part >= REASON_MIN)
          .map((p) => p.input.reason),
      ),
    ];
    classes[c] = {
      probability: round3(probability * shares[k]!),
      reasons: named('raises', 1),
      counterSignals: named('lowers', -1),
      contributions,
    };
  });
  return {
    probability,
    likelyClass: shares[0]! >= shares[1]! ? 'micro_seller' : 'spammer',
    classes,
    figures: figuresOf(f),
    reach: reachOf(f),
    detectorVersion: model.detectorVersion,
  };
}

/** True when the assessment reaches the operating threshold of its likely class: it goes to the queue. */
export function isFlagged(
  a: Pick<Assessment, 'probability' | 'likelyClass'>,
  model: DetectorModel = detectorModel(),
): boolean {
  return a.probability >= model.thresholds[a.likelyClass];
}
