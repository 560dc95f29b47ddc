import type { CliCommand } from '../cli/command';

/** Every benchmark, each in its own file beside this one. */
export const benches: readonly CliCommand[] = [];
