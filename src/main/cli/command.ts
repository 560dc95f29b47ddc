import type { ParseArgsConfig } from 'node:util';
import type { OperatorRole } from '../../shared/domain/operator-roles';
import type { ProgressSink } from '../../shared/progress';
import { type Db, openDatabase } from '../db/database';
import { closeDatabase } from '../db/close';
import { parseRunDate } from '../engine/window';
import { describeInterrupted, recoverInterruptedRuns } from '../runs/interrupted';
import { ensureRuleSetInForce } from '../tuning/versions';

export type CliOptions = NonNullable<ParseArgsConfig['options']>;
export type CliValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface CliContext {
  /** The mirror file: `--db FILE`, else the user-data directory's encounter.db. */
  dbPath: string;
  json: boolean;
  /** Human-readable lines (stderr when --json, so stdout's last line stays the JSON object). */
  log(line: string): void;
  progress: ProgressSink;
  /**
   * Who the command acts as (commands that declare `access`): the account named by `--operator NAME`, else
   * `$ENCOUNTER_OPERATOR`, else the OS login name — an enabled operator of this mirror with at least that role.
   */
  operator: { name: string; role: OperatorRole } | null;
}

/**
 * One `npm run cli -- <name>` command (or bench). `run` returns the result object, of the command's own type T:
 * printed as one JSON line with --json, else through `format` (or as indented JSON when there is no `format`).
 * A table of commands of different result types is a `readonly CliCommand[]` (methods take T bivariantly).
 */
export interface CliCommand<T extends object = object> {
  name: string;
  summary: string;
  usage: string;
  options: CliOptions;
  /**
   * Commands that act on the mirror declare the least role that may run them, as handlers do (handlers/guards.ts):
   * they are attributed to that operator and refused with FORBIDDEN otherwise. Commands without it only read.
   */
  access?: OperatorRole;
  /**
   * Long work in a process of its own (import, matching, detection): run at background priority
   * (util/background-priority.ts), so a console serving on the same cores comes first.
   */
  background?: boolean;
  /** On a mirror with no operator at all, runs with no operator (making the first admin). */
  firstAdminWithoutOperator?: boolean;
  run(ctx: CliContext, values: CliValues, positionals: string[]): Promise<T>;
  format?(result: T): string;
}

/** Declares a command: its result type is inferred from `run`, and `format` receives exactly that type. */
export function defineCommand<T extends object>(command: CliCommand<T>): CliCommand<T> {
  return command;
}

export class UsageError extends Error {
  readonly code = 'USAGE';
}

export function stringOption(values: CliValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** The operator a command acts as; only commands that declare `access` have one. */
export function actingOperator(ctx: CliContext): { name: string; role: OperatorRole } {
  if (!ctx.operator) throw new Error('this command acts on the mirror but declares no access');
  return ctx.operator;
}

export function intOption(values: CliValues, name: string, fallback: number, min = Number.MIN_SAFE_INTEGER): number {
  const v = stringOption(values, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${v}"`);
  return n;
}

export function numberOption(values: CliValues, name: string, fallback: number): number {
  const v = stringOption(values, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${v}"`);
  return n;
}

/** A required `--name YYYY-MM-DD` that is a real calendar date. */
export function dateOption(values: CliValues, name: string): string {
  const date = stringOption(values, name);
  if (!date) throw new UsageError(`--${name} is required (YYYY-MM-DD)`);
  try {
    parseRunDate(date, `--${name}`);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return date;
}

/**
 * The mirror for a command that writes to it. Like every start of the console, it first marks the imports,
 * matching and detection runs a dead process left running as interrupted (and says so), and puts the default rule
 * set in force as a version where none ever was.
 */
export function openMirrorForWriting(ctx: CliContext): Db {
  const db = openDatabase(ctx.dbPath);
  try {
    const interrupted = describeInterrupted(recoverInterruptedRuns(db));
    if (interrupted) ctx.log(interrupted);
    ensureRuleSetInForce(db);
    return db;
  } catch (error) {
    closeDatabase(db);
    throw error;
  }
}
