import type { CliCommand } from '../cli/command';
import { importBench } from './import';

/** Every benchmark, each in its own file beside this one. */
export const benches: readonly CliCommand[] = [importBench];
