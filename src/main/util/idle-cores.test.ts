import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { idleCores } from './idle-cores';

describe('idleCores', () => {
  it('watches the machine for the time asked, sleeping, and answers between none and every core', () => {
    const started = performance.now();
    const idle = idleCores(150);
    expect(performance.now() - started).toBeGreaterThanOrEqual(149);
    expect(idle).toBeGreaterThanOrEqual(0);
    expect(idle).toBeLessThanOrEqual(os.cpus().length);
  });
});
