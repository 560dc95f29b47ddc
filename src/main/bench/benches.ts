import type { CliCommand } from '../cli/command';
import { detectBench } from './detect';
import { engineBench } from './engine';
import { importBench } from './import';
import { scaleBench, scaleStepBench } from './scale';
import { tuningBench } from './tuning';

/** Every benchmark, each in its own file beside this one. */
export const benches: readonly CliCommand[] = [
  importBench,
  engineBench,
  detectBench,
  tuningBench,
  scaleBench,
  scaleStepBench,
];
