import { platformIsoTime } from '../../../shared/domain/platform-time';
import { Rng } from './random';

/**
 * Bad rows injected on purpose (`badRows` = fraction of rows per file), so imports exercise quarantine.
 * Bad rows are EXTRA lines (good rows are never altered or dropped), drawn from their own PRNG stream:
 * the same seed gives the same good data with or without faults, and labels stay true. Bad rows get fresh
 * ids ("…bad…") so a lenient importer cannot clobber a good row — except duplicates, which repeat the
 * previous line exactly.
 */
export const FAULT_KINDS = [
  'wrong_type',
  'missing_field',
  'unknown_reference',
  'duplicate_id',
  'too_long',
  'bad_time',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** How a file can go wrong: which field gets each kind of damage. */
export interface FaultPlan {
  id?: string;
  /** Field and a value of the wrong type. */
  wrongType: [string, unknown];
  missing: string;
  reference?: string;
  /** Field and its length limit in characters. */
  tooLong?: [string, number];
  time?: string;
}

const BAD_TIMES = [
  platformIsoTime('2026-02-30', '10:00:00'),
  '2026-11-01 10:00:00',
  '2026-11-01T10:00:00',
  'yesterday',
  platformIsoTime('2026-11-01', '25:10:00'),
  '1700000000',
];

export class FaultInjector {
  readonly byKind: Record<FaultKind, number> = {
    wrong_type: 0,
    missing_field: 0,
    unknown_reference: 0,
    duplicate_id: 0,
    too_long: 0,
    bad_time: 0,
  };
  readonly byFile: Record<string, number> = {};
  total = 0;
  private serial = 0;
  private readonly rng: Rng;

  constructor(
    private readonly rate: number,
    seed: number,
  ) {
    if (!(rate >= 0 && rate <= 1)) throw new Error(`badRows must be a fraction between 0 and 1, got ${rate}`);
    this.rng = Rng.stream(seed, 'faults');
  }

  /** Whether a bad row follows the good row just written. */
  hit(): boolean {
    return this.rate > 0 && this.rng.next() < this.rate;
  }

  private choose(plan: FaultPlan, file: string): FaultKind {
    const kinds: FaultKind[] = ['wrong_type', 'missing_field'];
    if (plan.reference) kinds.push('unknown_reference');
    if (plan.id) kinds.push('duplicate_id');
    if (plan.tooLong || plan.id) kinds.push('too_long');
    if (plan.time) kinds.push('bad_time');
    const kind = this.rng.pick(kinds);
    this.byKind[kind]++;
    this.byFile[file] = (this.byFile[file] ?? 0) + 1;
    this.total++;
    return kind;
  }

  private freshId(prefix: string): string {
    return `${prefix}bad${String(++this.serial).padStart(6, '0')}`;
  }

  private longText(limit: number): string {
    // CJK characters: a limit counted in bytes or UTF-16 units would pass too early or too late.
    return '很长'.repeat(Math.ceil((limit + 1 + this.rng.int(20)) / 2)).slice(0, limit + 1 + this.rng.int(20));
  }

  /** A bad JSONL line derived from a good row (`goodLine` is that row serialised). */
  jsonl(file: string, plan: FaultPlan, good: Record<string, unknown>, goodLine: string): string {
    const kind = this.choose(plan, file);
    if (kind === 'duplicate_id') return goodLine;
    const row: Record<string, unknown> = { ...good };
    if (plan.id) row[plan.id] = this.freshId(String(good[plan.id]).slice(0, 1));
    switch (kind) {
      case 'wrong_type':
        row[plan.wrongType[0]] = plan.wrongType[1];
        break;
      case 'missing_field':
        delete row[plan.missing];
        break;
      case 'unknown_reference':
        row[plan.reference!] = this.freshId('ghost-');
        break;
      case 'too_long':
        if (plan.tooLong) row[plan.tooLong[0]] = this.longText(plan.tooLong[1]);
        else row[plan.id!] = `${this.freshId('x')}-${'0'.repeat(64)}`;
        break;
      case 'bad_time':
        row[plan.time!] = this.rng.pick(BAD_TIMES);
        break;
    }
    return JSON.stringify(row);
  }

  /**
   * A bad CSV line from a good row's cells (already encoded). Column plan fields are column indices as
   * strings; `wrongType` carries the bad cell text.
   */
  csv(file: string, plan: FaultPlan, cells: string[], goodLine: string): string {
    const kind = this.choose(plan, file);
    if (kind === 'duplicate_id') return goodLine;
    const row = [...cells];
    const col = (name: string | undefined): number => Number(name);
    row[0] = this.freshId(cells[0]!.slice(0, 1));
    switch (kind) {
      case 'wrong_type':
        row[col(plan.wrongType[0])] = String(plan.wrongType[1]);
        break;
      case 'missing_field':
        row[col(plan.missing)] = '';
        break;
      case 'unknown_reference':
        row[col(plan.reference)] = this.freshId('ghost-');
        break;
      case 'too_long':
        if (plan.tooLong) row[col(plan.tooLong[0])] = this.longText(plan.tooLong[1]);
        else row[0] = `${this.freshId('x')}-${'0'.repeat(64)}`;
        break;
      case 'bad_time':
        row[col(plan.time)] = this.rng.pick(BAD_TIMES);
        break;
    }
    return row.join(',');
  }
}
