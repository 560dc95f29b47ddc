import os from 'node:os';

/**
 * How many of the machine's cores sat idle over the next `sampleMs`, this thread sleeping meanwhile (so its own
 * work does not count): 0 up to the number of cores. From the kernel's per-core idle time (`os.cpus()`, ticks of
 * ~10 ms), so a sample shorter than ~100 ms says little. Blocks the calling thread: call it from a worker or a
 * command-line process, never from the console's main loop.
 */
export function idleCores(sampleMs: number): number {
  const idleBefore = totalIdleMs();
  const started = performance.now();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, sampleMs);
  const elapsed = performance.now() - started;
  return Math.max(0, Math.min(os.cpus().length, (totalIdleMs() - idleBefore) / elapsed));
}

function totalIdleMs(): number {
  let idle = 0;
  for (const cpu of os.cpus()) idle += cpu.times.idle;
  return idle;
}
