import os from 'node:os';

/**
 * How much a background job (import, matching, detection, evaluation, the demo build) yields the CPU: nice 10. On
 * the operators' machine the same cores serve the console; under contention Linux's scheduler then gives an
 * interactive thread about nine times a niced one's share, and the job still gets every cycle nobody else wants —
 * a quiet import runs at full speed.
 */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the calling thread's CPU priority to BACKGROUND_NICE, once and for good (an unprivileged thread cannot
 * raise it back: so only threads and processes that end with their job call this). Returns the priority in effect
 * afterwards, or null where it was left alone.
 *
 * `scope` says what the caller is: `'job-thread'` (a worker thread of the console's process) or `'own-process'`
 * (a command-line import, which is its own process). Linux sets a thread's priority per thread, so both are safe
 * there; elsewhere `setpriority` applies to the whole process, and a worker thread must not lower the console's
 * own priority — then only a process of its own is lowered.
 */
export function runAsBackgroundWork(scope: 'job-thread' | 'own-process'): number | null {
  if (scope === 'job-thread' && process.platform !== 'linux') return null;
  try {
    if (os.getPriority(0) < BACKGROUND_NICE) os.setPriority(0, BACKGROUND_NICE);
    return os.getPriority(0);
  } catch {
    // Not permitted (a sandbox, an unusual platform): the job runs at normal priority, as before.
    return null;
  }
}
