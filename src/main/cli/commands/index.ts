import type { CliCommand } from '../command';
import { generateCommand } from './generate';
import { importCommand } from './import';
import { statusCommand } from './status';

/** Every CLI command. Each lives in its own file beside this one. */
export const commands: readonly CliCommand[] = [generateCommand, importCommand, statusCommand];
