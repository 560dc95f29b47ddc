/**
 * A small property-test harness: a case is generated from a seed, checked, and when the check fails it is shrunk
 * — smaller candidates tried one by one, keeping any that still fails — so the failure reported is a minimal one,
 * with the seed that reproduces it. (No property-testing package is a dependency of the project; this is the
 * little it needs.)
 */
export interface Property<T> {
  /** Seeds tried, from `firstSeed` on. */
  runs: number;
  firstSeed: number;
  generate(seed: number): T;
  /** Smaller cases than `value`, most promising first; each must be a complete case on its own. */
  shrink(value: T): Iterable<T>;
  /** Throws when the property does not hold for the case. */
  check(value: T): void;
  /** The case as a reader wants to see it in a failure report. */
  show(value: T): string;
  /** Checks spent on shrinking at most (each may be costly). */
  shrinkBudget?: number;
}

/** Runs the property over its seeds; throws the first failure, shrunk, with its seed and the minimal case. */
export function assertProperty<T>(p: Property<T>): void {
  for (let seed = p.firstSeed; seed < p.firstSeed + p.runs; seed++) {
    const value = p.generate(seed);
    const failure = failureOf(p, value);
    if (failure === null) continue;
    const { value: minimal, failure: minimalFailure, checks } = shrinkFailure(p, value, failure);
    throw new Error(
      `property failed for seed ${seed} (shrunk in ${checks} checks; rerun with PROPERTY_SEED=${seed} PROPERTY_RUNS=1)\n` +
        `${minimalFailure}\nminimal case:\n${p.show(minimal)}`,
    );
  }
}

function failureOf<T>(p: Property<T>, value: T): string | null {
  try {
    p.check(value);
    return null;
  } catch (error) {
    return error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
}

function shrinkFailure<T>(p: Property<T>, value: T, failure: string): { value: T; failure: string; checks: number } {
  const budget = p.shrinkBudget ?? 400;
  let checks = 0;
  let current = value;
  let currentFailure = failure;
  let improved = true;
  while (improved && checks < budget) {
    improved = false;
    for (const candidate of p.shrink(current)) {
      if (checks++ >= budget) break;
      const f = failureOf(p, candidate);
      if (f !== null) {
        current = candidate;
        currentFailure = f;
        improved = true;
        break;
      }
    }
  }
  return { value: current, failure: currentFailure, checks };
}

/** Integer from the environment (PROPERTY_RUNS, PROPERTY_SEED), for running a property longer or replaying a seed. */
export function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  const n = v === undefined ? Number.NaN : Number(v);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}
