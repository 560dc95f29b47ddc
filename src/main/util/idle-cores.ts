import os from 'node:os';

/**
 * How many of the machine's cores sat idle over the next `sampleMs`, this thread sleeping meanwhile (so its own
 * work does not count): 0 up to the number of cores. Counted as the cores minus the time they were busy (user,
 * nice, system, interrupts; `os.cpus()`, ticks of ~10 ms), not from the kernel's idle counter: that one leaves out
 * the time a core waited on the disk, which an import writing gigabytes makes large, though the core was free. A
 * sample shorter than ~100 ms says little. Blocks the calling thread: call it from a worker or a command-line
 * process, never from the console's main loop.
 */
export function idleCores(sampleMs: number): number {
  const busyBefore = totalBusyMs();
  const started = performance.now();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, sampleMs);
  const elapsed = performance.now() - started;
  const cores = os.cpus().length;
  return Math.max(0, Math.min(cores, cores - (totalBusyMs() - busyBefore) / elapsed));
}

function totalBusyMs(): number {
  let busy = 0;
  for (const { times } of os.cpus()) busy += times.user + times.nice + times.sys + times.irq;
  return busy;
}
