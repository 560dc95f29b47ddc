import { describe, expect, it } from 'vitest';
import { spawnWorker } from './spawn-worker';

describe('spawnWorker', () => {
  it('runs a TypeScript worker from source', async () => {
    const w = spawnWorker('echo', { workerData: { n: 21 } });
    const msg = await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
    expect(msg).toEqual({ doubled: 42 });
    await w.terminate();
  });
});
