import type { Detector } from './detector';
import { microSellerDetector } from './micro-seller';
import { spammerDetector } from './spammer';

export type { Detector, DetectorName, DetectorVerdict } from './detector';

/** Every detector that runs on `detect`, in a fixed order. */
export const detectors: readonly Detector[] = [microSellerDetector, spammerDetector];
