import type { DetectorFigure, DetectorName, FlagReason } from '../../../shared/domain/detection';
import type { UserFeatures } from '../features';

export type { DetectorName } from '../../../shared/domain/detection';

export interface DetectorVerdict {
  /** 0–1; flagged at or above the detector's threshold. */
  score: number;
  /** Reason codes, strongest first (only signals that contributed). */
  reasons: FlagReason[];
  /** The figures behind the reasons, shown with the evidence. */
  figures: Partial<Record<DetectorFigure, number>>;
}

/**
 * A detector scores one user's features. `version` goes on every flag it raises: bump it whenever the scoring
 * changes, so an operator (and the evaluation) can tell which rules produced a flag.
 */
export interface Detector {
  name: DetectorName;
  version: number;
  threshold: number;
  score(f: UserFeatures): DetectorVerdict;
}

export const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/** Adds up weighted signals, keeping the reason codes of those that contributed at least `minShare` of their weight. */
export class Scorecard {
  private total = 0;
  private readonly parts: { reason: FlagReason; points: number }[] = [];
  add(reason: FlagReason, weight: number, strength: number, minShare = 0.5): void {
    const points = weight * clamp01(strength);
    this.total += points;
    if (weight > 0 ? points >= weight * minShare : points < 0) this.parts.push({ reason, points: Math.abs(points) });
  }
  penalise(reason: FlagReason, weight: number, strength: number): void {
    const points = weight * clamp01(strength);
    this.total -= points;
    if (points > 0.05) this.parts.push({ reason, points: -points });
  }
  verdict(figures: DetectorVerdict['figures']): DetectorVerdict {
    const reasons = this.parts
      .filter((p) => p.points > 0)
      .sort((a, b) => b.points - a.points)
      .map((p) => p.reason);
    return { score: Math.round(clamp01(this.total) * 1000) / 1000, reasons, figures };
  }
}
