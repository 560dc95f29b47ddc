import fs from 'node:fs';
import path from 'node:path';
import type { ExportFileName } from '../../../shared/domain/export-format';
import { platformIsoTime } from '../../../shared/domain/platform-time';
import { type ProgressSink, silentProgress } from '../../../shared/progress';
import { WindowCalendar } from './calendar';
import { buildCity } from './city';
import { FAULT_KINDS, FaultInjector, type FaultKind } from './faults';
import { writeMerchants } from './merchant-rows';
import { type BigFileFormat, ChunkedFile } from './output';
import { writeConsents, writeLabels, writeUsers } from './people-rows';
import { buildPopulation } from './population';
import { Rng } from './random';
import { buildRoutines } from './routines';
import { TRANSFERS_HEADER, writeSocial } from './social';
import { TRANSACTIONS_HEADER, writeExposures, writeTransactions } from './spending';

export { FAULT_KINDS, type FaultKind, type BigFileFormat };

/**
 * Bumped whenever the same options would write different data (ids, order, shapes, volumes): caches of generated
 * exports (the benches' bench-data/) are keyed by it, so data of an older generator is never taken for today's.
 */
export const GENERATOR_VERSION = 3;

/** The files upstream may send as CSV or JSONL (CSV_FILES, the big ones): the generator writes either. */
export const BIG_FILES = ['transactions', 'transfers'] as const satisfies readonly ExportFileName[];
export type BigFile = (typeof BIG_FILES)[number];
export type ExportFormats = Record<BigFile, BigFileFormat>;
/** What upstream usually sends: the big files as CSV. */
export const DEFAULT_FORMATS: ExportFormats = { transactions: 'csv', transfers: 'csv' };

export interface GenerateOptions {
  users: number;
  days: number;
  seed: number;
  /** Export directory; created if missing. Existing files of the export are overwritten. */
  out: string;
  /** Fraction of extra bad rows per file (0 = none). */
  badRows?: number;
  /** 'YYYY-MM-DD': the export's date; the window is the `days` days before it. Fixed default keeps output deterministic. */
  endDate?: string;
  /** CSV or JSONL for all big files at once, or per file (the others keep DEFAULT_FORMATS). */
  format?: BigFileFormat | Partial<ExportFormats>;
}

export function resolveFormats(format: GenerateOptions['format']): ExportFormats {
  if (format === undefined) return { ...DEFAULT_FORMATS };
  if (typeof format === 'string') return { transactions: format, transfers: format };
  return { ...DEFAULT_FORMATS, ...format };
}

export interface GenerateSummary {
  out: string;
  exportId: string;
  /** Rows per file, bad rows included (as in manifest.json) plus labels.jsonl (not in the manifest). */
  files: Record<string, number>;
  bytes: number;
  /** Users per label in labels.jsonl (one line per user; kindred members name their partner). */
  labels: { normal: number; micro_seller: number; spammer: number; kindred: number };
  kindredPairs: number;
  badRows: { total: number; byKind: Record<FaultKind, number>; byFile: Record<string, number> };
  elapsedMs: number;
}

export const DEFAULT_END_DATE = '2026-11-24';

/** Files the importer reads, in the order they are written (and listed in the manifest), for the given formats. */
export function exportFiles(formats: ExportFormats = DEFAULT_FORMATS): string[] {
  return [
    'merchants.jsonl',
    'users.jsonl',
    'consents.jsonl',
    'exposures.jsonl',
    `transactions.${formats.transactions}`,
    `transfers.${formats.transfers}`,
    'greetings.jsonl',
    'reports.jsonl',
    'blocks.jsonl',
    'introductions.jsonl',
  ];
}

function validate(options: GenerateOptions): void {
  const int = (name: keyof GenerateOptions, min: number, max: number): void => {
    const v = options[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new Error(`generateExport: ${name} must be an integer in ${min}–${max}, got ${String(v)}`);
    }
  };
  int('users', 10, 5_000_000);
  int('days', 1, 366);
  int('seed', 0, 0xffffffff);
  if (typeof options.out !== 'string' || options.out === '')
    throw new Error('generateExport: out must be a directory path');
  const format = options.format;
  const formats: [string, unknown][] =
    typeof format === 'object' && format !== null ? Object.entries(format) : [['format', format]];
  for (const [file, f] of formats) {
    if (f !== undefined && f !== 'csv' && f !== 'jsonl')
      throw new Error(`generateExport: ${file} format must be "csv" or "jsonl", got ${String(f)}`);
    if (file !== 'format' && !(BIG_FILES as readonly string[]).includes(file))
      throw new Error(`generateExport: only ${BIG_FILES.join(' and ')} may be CSV or JSONL, not ${file}`);
  }
  const bad = options.badRows ?? 0;
  if (typeof bad !== 'number' || !(bad >= 0 && bad <= 0.5))
    throw new Error(`generateExport: badRows must be a fraction in 0–0.5, got ${String(bad)}`);
}

/**
 * Writes a deterministic export directory in ../shared/DATA-FORMAT.md's format, looking like a real export (the
 * platform's ids, big files in time order), with planted ground truth in labels.jsonl. Same options →
 * byte-identical files (own PRNG, fixed end date, nothing from the clock).
 */
export async function generateExport(
  options: GenerateOptions,
  progress: ProgressSink = silentProgress,
): Promise<GenerateSummary> {
  const started = performance.now();
  validate(options);
  const { users, days, seed, out } = options;
  const endDate = options.endDate ?? DEFAULT_END_DATE;
  const formats = resolveFormats(options.format);
  const files = exportFiles(formats);
  const calendar = new WindowCalendar(endDate, days);
  fs.mkdirSync(out, { recursive: true });
  // A stale manifest would make a half-rewritten directory look complete.
  fs.rmSync(path.join(out, 'manifest.json'), { force: true });
  const faults = new FaultInjector(options.badRows ?? 0, seed);

  progress.report('city', 0, null);
  const city = buildCity(users, Rng.stream(seed, 'city'), Rng.stream(seed, 'merchant-ids'));
  const people = buildPopulation(users, calendar, Rng.stream(seed, 'people'), Rng.stream(seed, 'user-ids'));
  const routines = buildRoutines(city, people, Rng.stream(seed, 'routines'));
  progress.throwIfCancelled();

  const open = (name: string, header?: string): ChunkedFile => new ChunkedFile(out, name, header);
  const written = new Map<string, ChunkedFile>();
  const write = (name: string, fill: (f: ChunkedFile) => void, header?: string): void => {
    const f = open(name, header);
    try {
      fill(f);
    } finally {
      f.close();
    }
    written.set(name, f);
    progress.throwIfCancelled();
  };

  write('merchants.jsonl', (f) => writeMerchants(f, city, faults));
  write('users.jsonl', (f) => writeUsers(f, people, Rng.stream(seed, 'users'), faults));
  write('consents.jsonl', (f) => writeConsents(f, people, calendar, Rng.stream(seed, 'consents'), faults));
  write('exposures.jsonl', (f) => writeExposures(f, city, people, routines, Rng.stream(seed, 'exposures'), faults));
  write(
    `transactions.${formats.transactions}`,
    (f) =>
      writeTransactions(
        f,
        formats.transactions,
        calendar,
        city,
        people,
        routines,
        Rng.stream(seed, 'transactions'),
        Rng.stream(seed, 'transaction-ids'),
        faults,
        progress,
      ),
    formats.transactions === 'csv' ? TRANSACTIONS_HEADER : undefined,
  );

  const social = {
    transfers: open(`transfers.${formats.transfers}`, formats.transfers === 'csv' ? TRANSFERS_HEADER : undefined),
    greetings: open('greetings.jsonl'),
    reports: open('reports.jsonl'),
    blocks: open('blocks.jsonl'),
    introductions: open('introductions.jsonl'),
  };
  try {
    writeSocial(
      { ...social, transfersFormat: formats.transfers },
      calendar,
      city,
      people,
      routines,
      Rng.stream(seed, 'social'),
      Rng.stream(seed, 'social-ids'),
      faults,
      progress,
    );
  } finally {
    for (const f of Object.values(social)) f.close();
  }
  for (const f of Object.values(social)) written.set(f.name, f);

  let labels: Record<string, number> = {};
  write('labels.jsonl', (f) => (labels = writeLabels(f, people)));

  const formatTag = formats.transactions === formats.transfers ? formats.transactions : 'mixed';
  const exportId = `gen${GENERATOR_VERSION}-${endDate}-s${seed}-u${users}-d${days}-${formatTag}${faults.total > 0 ? `-bad${options.badRows}` : ''}`;
  const manifest = {
    format: 1,
    export_id: exportId,
    exported_at: platformIsoTime(endDate, '04:00:00'),
    kind: 'snapshot',
    files: Object.fromEntries(files.map((name) => [name, written.get(name)!.rows])),
  };
  // Written last, so a directory with a manifest is a complete export.
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  fs.writeFileSync(path.join(out, 'manifest.json'), manifestText);

  const counts: Record<string, number> = {};
  let bytes = Buffer.byteLength(manifestText);
  for (const [name, f] of written) {
    counts[name] = f.rows;
    bytes += f.bytes;
  }
  let kindredPairs = 0;
  for (let i = 0; i < people.count; i++) if (people.partner[i]! > i) kindredPairs++;
  progress.report('done', 1, 1);
  return {
    out,
    exportId,
    files: counts,
    bytes,
    labels: {
      normal: labels.normal ?? 0,
      micro_seller: labels.micro_seller ?? 0,
      spammer: labels.spammer ?? 0,
      kindred: labels.kindred ?? 0,
    },
    kindredPairs,
    badRows: { total: faults.total, byKind: { ...faults.byKind }, byFile: { ...faults.byFile } },
    elapsedMs: Math.round(performance.now() - started),
  };
}
