import fs from 'node:fs';
import path from 'node:path';
import { EXPORT_FILES, type ExportFileName } from '../../shared/domain/export-format';
import { csvCell } from '../mirror/generator/output';
import { parseCsvRecord } from '../mirror/import/csv';

/**
 * The next snapshot of an export, as upstream would send it a day later: 1 row in `every` of every file left out
 * (and with a left-out user or merchant, every row that names it — upstream has no rows pointing at an account it
 * no longer has) and another 1 in `every` changed in one field. What it did is counted per file, so the import
 * bench can check the importer's removed/updated counts against it exactly.
 */

/** The one field changed per file: a value upstream changes (a corrected amount, a new outcome, a withdrawal). */
const CHANGED_FIELD: Record<ExportFileName, string> = {
  users: 'birth_year',
  merchants: 'price_level',
  consents: 'revoked_at',
  exposures: 'level',
  transactions: 'amount_fen',
  transfers: 'amount_fen',
  greetings: 'text',
  reports: 'reason',
  blocks: 'created_at',
  introductions: 'outcome',
};

export interface SecondSnapshotCounts {
  /** Rows left out, by file name (`transactions.csv`, …). */
  removed: Record<string, number>;
  /** Rows kept with one field changed, by file name. */
  changed: Record<string, number>;
}

type Value = string | number | boolean | null;

const ISO = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** The same wall-clock notation (offset and fraction kept), `seconds` later. */
function laterIso(iso: string, seconds: number): string {
  const m = ISO.exec(iso);
  if (!m) throw new Error(`not an ISO time: ${iso}`);
  const [, y, mo, d, h, mi, s, frac = '', zone] = m;
  const t = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!) + seconds * 1000;
  return `${new Date(t).toISOString().slice(0, 19)}${frac}${zone!}`;
}

function changedValue(file: (typeof EXPORT_FILES)[number], row: Record<string, Value>): Value {
  const name = CHANGED_FIELD[file.name];
  const field = file.fields.find((f) => f.name === name)!;
  const v = row[name] ?? null;
  switch (field.kind) {
    case 'int': {
      const n = Number(v);
      return 'max' in field && n + 1 > field.max ? n - 1 : n + 1;
    }
    case 'enum': {
      const values = field.values as readonly string[];
      return values[(values.indexOf(String(v)) + 1) % values.length]!;
    }
    case 'string': {
      const s = String(v);
      return s.endsWith('!') ? s.slice(0, -1) : s.length < 500 ? `${s}!` : `${s.slice(0, -1)}?`;
    }
    case 'time':
      // A withdrawal (revoked at the grant's moment) or its undoing; any other time a minute later.
      if (name === 'revoked_at') return v === null ? (row.granted_at as string) : null;
      return laterIso(String(v), 60);
    default:
      throw new Error(`no change defined for ${file.name}.${name}`);
  }
}

/**
 * The file's records as written (a CR before the newline kept, so a record copied out is byte-identical); a CSV
 * record whose quoted cell holds a newline spans lines and comes out whole.
 */
async function* records(file: string, csv: boolean): AsyncGenerator<string> {
  let rest = '';
  let pending: string | null = null;
  const quotes = (s: string): number => s.split('"').length - 1;
  let open = 0;
  for await (const chunk of fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const parts = (rest + (chunk as string)).split('\n');
    rest = parts.pop()!;
    for (const line of parts) {
      if (!csv) {
        if (line.length > 0) yield line;
        continue;
      }
      pending = pending === null ? line : `${pending}\n${line}`;
      open += quotes(line);
      if (open % 2 === 0) {
        if (pending.length > 0) yield pending;
        pending = null;
        open = 0;
      }
    }
  }
  const last = pending === null ? rest : `${pending}\n${rest}`;
  if (last.length > 0) yield last;
}

/** Writes the next snapshot of the export in `src` into `dst` (a new export_id, an hour later). */
export async function writeSecondSnapshot(src: string, dst: string, every = 100): Promise<SecondSnapshotCounts> {
  fs.rmSync(dst, { recursive: true, force: true });
  fs.mkdirSync(dst, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(src, 'manifest.json'), 'utf8')) as {
    export_id: string;
    exported_at: string;
    kind: string;
    files: Record<string, number>;
  };
  const gone: Record<string, Set<string>> = { users: new Set(), merchants: new Set() };
  const counts: SecondSnapshotCounts = { removed: {}, changed: {} };
  const files: Record<string, number> = {};
  // EXPORT_FILES lists users and merchants before the files that refer to them.
  for (const spec of EXPORT_FILES) {
    const name = Object.keys(manifest.files).find((f) => f.replace(/\.(jsonl|csv)$/, '') === spec.name);
    if (!name) continue;
    const csv = name.endsWith('.csv');
    const refs = spec.fields.filter((f) => f.kind === 'ref') as { name: string; table?: string }[];
    const out = fs.createWriteStream(path.join(dst, name));
    const write = (line: string): Promise<void> | void => {
      if (!out.write(`${line}\n`)) return new Promise((resolve) => out.once('drain', () => resolve()));
    };
    let header: string[] | null = null;
    let i = 0;
    let removed = 0;
    let changed = 0;
    let written = 0;
    for await (const line of records(path.join(src, name), csv)) {
      if (csv && header === null) {
        header = parseCsvRecord(line.replace(/\r$/, '')) as string[];
        await write(line);
        continue;
      }
      const row: Record<string, Value> = csv
        ? ((cells) => Object.fromEntries(header!.map((h, k) => [h, cells[k] ?? null])))(
            parseCsvRecord(line.replace(/\r$/, '')),
          )
        : (JSON.parse(line) as Record<string, Value>);
      const slot = i++ % every;
      const orphan = refs.some((r) => gone[r.table ?? '']?.has(String(row[r.name])));
      if (slot === 37 || orphan) {
        if (spec.name === 'users' || spec.name === 'merchants') gone[spec.name]!.add(String(row.id));
        removed++;
        continue;
      }
      if (slot === 71) {
        row[CHANGED_FIELD[spec.name]] = changedValue(spec, row);
        changed++;
        await write(
          csv ? header!.map((h) => csvCell(row[h] as string | number | null)).join(',') : JSON.stringify(row),
        );
      } else await write(line);
      written++;
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    files[name] = written;
    counts.removed[name] = removed;
    counts.changed[name] = changed;
  }
  fs.writeFileSync(
    path.join(dst, 'manifest.json'),
    JSON.stringify({
      ...manifest,
      export_id: `${manifest.export_id}-next`,
      exported_at: laterIso(manifest.exported_at, 3600),
      kind: 'snapshot',
      files,
    }),
  );
  return counts;
}
