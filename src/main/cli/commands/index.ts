import type { CliCommand } from '../command';

/** Every CLI command. Each lives in its own file beside this one. */
export const commands: readonly CliCommand[] = [];
