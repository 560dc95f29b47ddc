import fs from 'node:fs';
import path from 'node:path';
import { FEATURE_NAMES, type FeatureWeights } from '../../shared/domain/ruleset';
import type { ProgressSink } from '../../shared/progress';
import { type Db, openDatabase } from '../db/database';
import { type BigFileFormat, GENERATOR_VERSION, generateExport } from '../mirror/generator';
import { importExport } from '../mirror/import';
import { type CliValues, stringOption, UsageError } from '../cli/command';

/**
 * What the benchmarks run on, generated once and cached under bench-data/: a 90-day export per (users, seed, format)
 * of the realistic generator, and for the benches that only read it, the mirror imported from it. A bench that
 * measures the import or writes to the mirror (detection) imports the cached export into a fresh file of its own.
 * Names carry GENERATOR_VERSION: data written by an older generator is never reused (nor deleted: it is the
 * operator's disk).
 */
export const BENCH_DIR = path.resolve('bench-data');

/** `--format csv|jsonl` of the benches: how the cached export writes its big files (default csv). */
export function formatOption(values: CliValues): BigFileFormat {
  const format = stringOption(values, 'format') ?? 'csv';
  if (format !== 'csv' && format !== 'jsonl') throw new UsageError(`--format must be csv or jsonl, got "${format}"`);
  return format;
}

/** The cache name of an export and of its mirror: users, seed, format of the big files and generator version. */
export function benchDataName(users: number, seed: number, format: BigFileFormat): string {
  return `${users}-s${seed}-${format}-g${GENERATOR_VERSION}`;
}

export async function benchExport(
  users: number,
  seed: number,
  progress: ProgressSink,
  log: (line: string) => void,
  format: BigFileFormat = 'csv',
): Promise<string> {
  const exportDir = path.join(BENCH_DIR, `export-${benchDataName(users, seed, format)}`);
  if (!fs.existsSync(path.join(exportDir, 'manifest.json'))) {
    log(
      `generating ${users.toLocaleString('en')} users × 90 days (${format}) into ${exportDir} (cached for next runs)…`,
    );
    await generateExport({ users, days: 90, seed, out: exportDir, format }, progress);
  }
  return exportDir;
}

/** The cached mirror file of benchExport(users, seed); imported under a temporary name so a killed run leaves none. */
export async function benchMirror(
  users: number,
  seed: number,
  progress: ProgressSink,
  log: (line: string) => void,
  format: BigFileFormat = 'csv',
): Promise<{ dbFile: string; exportDir: string }> {
  const exportDir = await benchExport(users, seed, progress, log, format);
  const dbFile = path.join(BENCH_DIR, `mirror-${benchDataName(users, seed, format)}.db`);
  if (!fs.existsSync(dbFile)) {
    log(`importing into ${dbFile} …`);
    const temp = `${dbFile}.partial`;
    for (const f of [temp, `${temp}-wal`, `${temp}-shm`]) fs.rmSync(f, { force: true });
    const db = openDatabase(temp);
    importExport(db, exportDir, { operator: 'bench', progress });
    db.close();
    fs.renameSync(temp, dbFile);
  }
  return { dbFile, exportDir };
}

/** A random weight vector (0–100 in steps of 0.1, never all zero) for re-score and what-if timings. */
export function randomWeights(rand: () => number): FeatureWeights {
  const w = {} as FeatureWeights;
  for (const name of FEATURE_NAMES) w[name] = Math.round(rand() * 1000) / 10;
  if (Object.values(w).every((x) => x === 0)) w.sharedPlaces = 1;
  return w;
}

/**
 * The unpublished runs (and their introductions) earlier benches stored in a mirror the benches keep (the engine
 * bench's cached mirror, a kept scale step's), removed before a bench times its own run, so that the run is stored
 * into the mirror as an import leaves it (before migration 018 a run's persist wrote into an index of every run's
 * introductions at random places: six earlier runs, 2.09 M rows, inflated the province's persist from 6.7 to 13–15 s;
 * a run's rows now go in after the earlier runs', but a bench still times the same mirror every time). Only for a mirror
 * the bench made; a console's runs are never removed. Returns how many.
 */
export function forgetBenchRuns(db: Db): number {
  const removed = db.transaction(() => {
    const unpublished = 'SELECT id FROM match_runs WHERE id NOT IN (SELECT run_id FROM publications)';
    db.prepare(`DELETE FROM run_introduction_members WHERE run_id IN (${unpublished})`).run();
    db.prepare(`DELETE FROM run_introductions WHERE run_id IN (${unpublished})`).run();
    return db.prepare(`DELETE FROM match_runs WHERE id IN (${unpublished})`).run().changes;
  })();
  // The removal's pages into the file now, not during the timed run.
  db.pragma('wal_checkpoint(TRUNCATE)');
  return removed;
}
