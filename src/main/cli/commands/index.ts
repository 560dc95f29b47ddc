import type { CliCommand } from '../command';
import { detectCommand } from './detect';
import { evaluateCommand } from './evaluate';
import { fitDetectorsCommand } from './fit-detectors';
import { generateCommand } from './generate';
import { importCommand } from './import';
import { matchCommand } from './match';
import { exportCommand, publishCommand } from './publish';
import { statusCommand } from './status';
import { whatIfCommand } from './whatif';

/** Every CLI command. Each lives in its own file beside this one. */
export const commands: readonly CliCommand[] = [
  generateCommand,
  importCommand,
  statusCommand,
  matchCommand,
  publishCommand,
  exportCommand,
  detectCommand,
  evaluateCommand,
  fitDetectorsCommand,
  whatIfCommand,
];
