import type { CliCommand } from '../cli/command';
import { contentionBench, contentionImportStep, contentionServeStep } from './contention';
import { detectBench } from './detect';
import { engineBench } from './engine';
import { importBench } from './import';
import { scaleBench, scaleStepBench } from './scale';
import { sessionsBench } from './sessions';
import { tuningBench } from './tuning';

/** Every benchmark, each in its own file beside this one. */
export const benches: readonly CliCommand[] = [
  importBench,
  engineBench,
  detectBench,
  tuningBench,
  scaleBench,
  scaleStepBench,
  sessionsBench,
  contentionBench,
  contentionServeStep,
  contentionImportStep,
];
