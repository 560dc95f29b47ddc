import type { AppServices } from './services';

export interface PrepareOptions {
  log(line: string): void;
}

/**
 * What every entry point does once its services exist, before the first call is answered. Later: recover
 * interrupted imports and, on a first start, generate the demo mirror.
 */
export async function prepareMirror(_services: AppServices, _options: PrepareOptions): Promise<void> {}
