import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main';
import { generateCommand } from '../../cli/commands/generate';
import { CSV_FILES } from '../../../shared/domain/export-format';
import { BIG_FILES, exportFiles, FAULT_KINDS, generateExport, type GenerateSummary } from './index';
import { csvCell } from './output';
import { parseCsv, readExport, REFERENCES, type Row, RULES } from '../../testing/read-export';

let root: string;
let dirA: string;
let dirA2: string;
let dirB: string;
let dirBad: string;
let dirJsonl: string;
let summaryA: GenerateSummary;
let summaryBad: GenerateSummary;
const small = { users: 3000, days: 30, seed: 7 };

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'generator-'));
  dirA = path.join(root, 'a');
  dirA2 = path.join(root, 'a2');
  dirB = path.join(root, 'b');
  dirBad = path.join(root, 'bad');
  dirJsonl = path.join(root, 'jsonl');
  summaryA = await generateExport({ ...small, out: dirA });
  await generateExport({ ...small, out: dirA2 });
  await generateExport({ ...small, seed: 8, out: dirB });
  summaryBad = await generateExport({ ...small, out: dirBad, badRows: 0.01 });
  await generateExport({ ...small, out: dirJsonl, format: 'jsonl' });
});
const EXPORT_FILES = exportFiles();
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const lines = (file: string): string[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
const csvRecords = (file: string): string[] =>
  parseCsv(fs.readFileSync(file, 'utf8'))
    .slice(1)
    .map((r) => JSON.stringify(r));
const records = (dir: string, name: string): string[] =>
  name.endsWith('.csv') ? csvRecords(path.join(dir, name)) : lines(path.join(dir, name));

describe('determinism', () => {
  it('writes byte-identical files for the same options', () => {
    const names = fs.readdirSync(dirA).sort();
    expect(names).toEqual(fs.readdirSync(dirA2).sort());
    expect(names).toEqual([...EXPORT_FILES, 'labels.jsonl', 'manifest.json'].sort());
    for (const name of names)
      expect(fs.readFileSync(path.join(dirA2, name)).equals(fs.readFileSync(path.join(dirA, name))), name).toBe(true);
  });

  it('writes different data for a different seed', () => {
    for (const name of ['users.jsonl', 'transactions.csv', 'greetings.jsonl', 'labels.jsonl']) {
      expect(fs.readFileSync(path.join(dirB, name)).equals(fs.readFileSync(path.join(dirA, name))), name).toBe(false);
    }
  });

  it('rejects bad options with the option named', async () => {
    await expect(generateExport({ users: 0, days: 30, seed: 1, out: path.join(root, 'x') })).rejects.toThrow(/users/);
    await expect(
      generateExport({ users: 100, days: 30, seed: 1, out: path.join(root, 'x'), endDate: '2026-02-30' }),
    ).rejects.toThrow(/endDate/);
    await expect(
      generateExport({ users: 100, days: 30, seed: 1, out: path.join(root, 'x'), badRows: 2 }),
    ).rejects.toThrow(/badRows/);
  });
});

describe('format', () => {
  it('has a manifest whose row counts match the files', () => {
    const { manifest, files } = readExport(dirA);
    expect(manifest).toMatchObject({ format: 1, kind: 'snapshot', exported_at: '2026-11-24T04:00:00+08:00' });
    expect(manifest.export_id.length).toBeGreaterThan(0);
    expect(Object.keys(manifest.files)).toEqual([...EXPORT_FILES]);
    for (const name of EXPORT_FILES) {
      expect(files[name]!.length, name).toBe(manifest.files[name]);
      expect(summaryA.files[name], name).toBe(manifest.files[name]);
    }
    expect(files['labels.jsonl']!.length).toBe(small.users);
  });

  it('writes only rows that satisfy the format, with every reference known', () => {
    const { files } = readExport(dirA);
    const users = new Set(files['users.jsonl']!.map((r) => r.id as string));
    const merchants = new Set(files['merchants.jsonl']!.map((r) => r.id as string));
    const known = { users, merchants };
    const windowStart = Date.parse('2026-10-25T00:00:00+08:00');
    const windowEnd = Date.parse('2026-11-24T00:00:00+08:00');
    for (const [name, rows] of Object.entries(files)) {
      const rule = RULES[name]!;
      const ids = new Set<string>();
      for (const [k, row] of rows.entries()) {
        const problem = rule(row);
        if (problem) throw new Error(`${name} row ${k + 1}: ${problem}: ${JSON.stringify(row)}`);
        for (const [field, target] of REFERENCES[name] ?? []) {
          if (!known[target].has(row[field] as string))
            throw new Error(`${name} row ${k + 1}: unknown ${field} ${String(row[field])}`);
        }
        if ('id' in row) {
          if (ids.has(row.id as string)) throw new Error(`${name} row ${k + 1}: duplicate id ${String(row.id)}`);
          ids.add(row.id as string);
        }
      }
    }
    // Inside the window, and never before the payer opened the account.
    const registered = new Map(
      files['users.jsonl']!.map((u) => [u.id as string, Date.parse(u.registered_at as string)]),
    );
    for (const row of files['transactions.csv']!) {
      const t = Date.parse(row.paid_at as string);
      expect(t >= windowStart && t < windowEnd, String(row.paid_at)).toBe(true);
      if (t < registered.get(row.user_id as string)! - 86400_000)
        throw new Error(`payment before registration: ${JSON.stringify(row)}`);
    }
    for (const g of files['greetings.jsonl']!) {
      if (Date.parse(g.sent_at as string) < registered.get(g.from_user as string)! - 86400_000)
        throw new Error(`greeting before registration: ${JSON.stringify(g)}`);
    }
    const pairs = (name: string, a: string, b: string): Set<string> =>
      new Set(files[name]!.map((r) => `${String(r[a])}|${String(r[b])}`));
    expect(pairs('exposures.jsonl', 'user_id', 'merchant_id').size).toBe(files['exposures.jsonl']!.length);
    expect(pairs('blocks.jsonl', 'blocker_id', 'blocked_id').size).toBe(files['blocks.jsonl']!.length);
    // Upstream's own rule: at most one introduction per user per day.
    const perDay = new Set<string>();
    for (const r of files['introductions.jsonl']!) {
      for (const u of [r.user_a, r.user_b]) {
        const key = `${String(u)}|${String(r.date)}`;
        expect(perDay.has(key), key).toBe(false);
        perDay.add(key);
      }
    }
    expect(files['introductions.jsonl']!.length).toBeGreaterThan(small.users * 0.2);
  });

  it('models the city: 12 districts, chains with many outlets, online stores without a place', () => {
    const merchants = readExport(dirA).files['merchants.jsonl']!;
    const offline = merchants.filter((m) => m.channel === 'offline');
    const online = merchants.filter((m) => m.channel === 'online');
    expect(new Set(offline.map((m) => m.district)).size).toBe(12);
    expect(online.length).toBeGreaterThan(10);
    expect(
      online.every(
        (m) => m.category === 'online_store' && m.lat === null && m.district === null && typeof m.brand === 'string',
      ),
    ).toBe(true);
    const outlets = new Map<string, number>();
    for (const m of offline) if (m.brand) outlets.set(m.brand as string, (outlets.get(m.brand as string) ?? 0) + 1);
    expect(Math.max(...outlets.values())).toBeGreaterThan(10);
    for (const c of ['convenience', 'coffee', 'restaurant', 'gym', 'bookstore', 'cinema', 'supermarket'])
      expect(
        offline.some((m) => m.category === c),
        c,
      ).toBe(true);
  });

  it('keeps the local hours of routines (weekday morning coffee, few payments at night)', () => {
    const { files } = readExport(dirA);
    const category = new Map(files['merchants.jsonl']!.map((m) => [m.id as string, m.category as string]));
    const hour = (iso: string): number => Number(iso.slice(11, 13));
    const tx = files['transactions.csv']!;
    const night = tx.filter((r) => hour(r.paid_at as string) < 6).length;
    expect(night / tx.length).toBeLessThan(0.01);
    const coffee = tx.filter((r) => category.get(r.merchant_id as string) === 'coffee');
    expect(
      coffee.filter((r) => hour(r.paid_at as string) >= 7 && hour(r.paid_at as string) < 10).length / coffee.length,
    ).toBeGreaterThan(0.5);
  });
});

describe('looks like a real export (ids, order)', () => {
  const TWO_53 = 2n ** 53n;

  it("uses the platform's ids: open ids and 16-digit numbers (some above 2^53), 10-digit merchants, 28-digit rows", () => {
    const { files } = readExport(dirA);
    const users = files['users.jsonl']!.map((r) => r.id as string);
    const open = users.filter((id) => /^[A-Za-z0-9_-]{28}$/.test(id));
    const numbers = users.filter((id) => /^[1-9]\d{15}$/.test(id));
    expect(open.length + numbers.length).toBe(users.length);
    expect(open.length / users.length).toBeGreaterThan(0.6);
    expect(numbers.length / users.length).toBeGreaterThan(0.15);
    // Open ids mix cases and use both symbols somewhere; some account numbers would lose digits as JS numbers.
    for (const re of [/[A-Z]/, /[a-z]/, /-/, /_/]) expect(open.some((id) => re.test(id.slice(1)))).toBe(true);
    const huge = numbers.filter((id) => BigInt(id) > TWO_53);
    expect(huge.length).toBeGreaterThan(0);
    expect(huge.some((id) => String(Number(id)) !== id)).toBe(true);
    // Ids say nothing about users' order: the file is not sorted by id.
    expect([...users].sort()).not.toEqual(users);

    const merchants = files['merchants.jsonl']!.map((r) => r.id as string);
    expect(merchants.every((id) => /^\d{10}$/.test(id))).toBe(true);
    expect(merchants.filter((id) => id.startsWith('0')).length / merchants.length).toBeGreaterThan(0.3);
    for (const name of ['transactions.csv', 'transfers.csv'])
      expect(
        files[name]!.every((r) => /^\d{28}$/.test(r.id as string)),
        name,
      ).toBe(true);
  });

  it('writes the big files in time order, not grouped by user', () => {
    const { files } = readExport(dirA);
    for (const [name, field, who] of [
      ['transactions.csv', 'paid_at', 'user_id'],
      ['transfers.csv', 'paid_at', 'from_user'],
      ['greetings.jsonl', 'sent_at', 'from_user'],
    ] as const) {
      const rows = files[name]!;
      const times = rows.map((r) => Date.parse(r[field] as string));
      for (let k = 1; k < times.length; k++)
        if (times[k]! < times[k - 1]!) throw new Error(`${name} row ${k + 1} is earlier than row ${k}`);
      // A user's rows are spread over the file: runs of the same user are short. (Greetings less so: a short-session
      // spammer's dozens of messages within the hour sit together in a time-ordered log, as they would upstream.)
      let runs = 1;
      for (let k = 1; k < rows.length; k++) if (rows[k]![who] !== rows[k - 1]![who]) runs++;
      expect(runs / rows.length, name).toBeGreaterThan(name === 'greetings.jsonl' ? 0.6 : 0.9);
    }
    // Row ids are issued in time order: their serial (last 12 digits) follows the file, their date is the payment's.
    const tx = files['transactions.csv']!;
    const serials = tx.map((r) => (r.id as string).slice(16));
    expect([...serials].sort()).toEqual(serials);
    for (const r of tx)
      expect((r.id as string).slice(4, 12)).toBe((r.paid_at as string).slice(0, 10).replaceAll('-', ''));
  });

  it('writes the same rows as JSONL when asked, typed as JSON', () => {
    const csv = readExport(dirA).files;
    const jsonl = readExport(dirJsonl);
    expect(Object.keys(jsonl.manifest.files)).toContain('transactions.jsonl');
    expect(Object.keys(jsonl.manifest.files)).toContain('transfers.jsonl');
    expect(fs.existsSync(path.join(dirJsonl, 'transactions.csv'))).toBe(false);
    for (const [big, numeric] of [
      ['transactions', 'amount_fen'],
      ['transfers', 'amount_fen'],
    ] as const) {
      const a = csv[`${big}.csv`]!;
      const b = jsonl.files[`${big}.jsonl`]!;
      expect(b.length).toBe(a.length);
      expect(b.length).toBe(jsonl.manifest.files[`${big}.jsonl`]);
      for (let k = 0; k < a.length; k++) {
        expect(typeof b[k]![numeric]).toBe('number');
        expect({ ...b[k], [numeric]: String(b[k]![numeric]) }).toEqual(a[k]);
        const rule = RULES[`${big}.csv`]!;
        expect(rule({ ...b[k], [numeric]: String(b[k]![numeric]) })).toBeNull();
      }
    }
    // The other files do not depend on the format.
    for (const name of ['users.jsonl', 'greetings.jsonl', 'labels.jsonl'])
      expect(fs.readFileSync(path.join(dirJsonl, name)).equals(fs.readFileSync(path.join(dirA, name))), name).toBe(
        true,
      );
  });

  it('takes a format per file, and refuses a file that cannot change format', async () => {
    expect([...BIG_FILES].sort()).toEqual([...CSV_FILES].sort());
    const out = path.join(root, 'mixed');
    const summary = await generateExport({ users: 200, days: 7, seed: 3, out, format: { transfers: 'jsonl' } });
    expect(Object.keys(summary.files)).toEqual(expect.arrayContaining(['transactions.csv', 'transfers.jsonl']));
    await expect(
      generateExport({ users: 200, days: 7, seed: 3, out, format: { greetings: 'csv' } as never }),
    ).rejects.toThrow(/greetings/);
    await expect(generateExport({ users: 200, days: 7, seed: 3, out, format: 'xml' as never })).rejects.toThrow(
      /format/,
    );
  });
});

describe('CSV quoting', () => {
  it('round-trips awkward values through csvCell and an RFC 4180 reader', () => {
    const values = ['plain', 'a, b', 'say "hi"', 'two\nlines', 'crlf\r\nhere', '', ' padded ', '"', ',', '中文，全角'];
    const text = `${values.map(csvCell).join(',')},${csvCell(null)}\n`;
    expect(parseCsv(text)).toEqual([[...values, null]]);
  });

  it('writes transfer memos with commas, quotes and newlines that parse back exactly', () => {
    const memos = readExport(dirA).files['transfers.csv']!.map((r) => r.memo as string);
    expect(memos).toContain('午饭, 谢啦');
    expect(memos).toContain('"老地方"的饭钱');
    expect(memos).toContain('周末KTV\n代付的');
    expect(memos).toContain('');
    expect(memos.every((m) => typeof m === 'string')).toBe(true);
  });
});

describe('bad rows', () => {
  it('adds counted bad rows of every kind and leaves the good rows untouched', () => {
    const clean = readExport(dirA);
    const bad = readExport(dirBad);
    const users = new Set(clean.files['users.jsonl']!.map((r) => r.id as string));
    const merchants = new Set(clean.files['merchants.jsonl']!.map((r) => r.id as string));
    const known = { users, merchants };
    let extraTotal = 0;
    for (const name of EXPORT_FILES) {
      const good = records(dirA, name);
      const all = records(dirBad, name);
      const rows = bad.files[name]!;
      expect(rows.length, name).toBe(bad.manifest.files[name]);
      // Good rows appear in order; whatever is left over is an injected row.
      let g = 0;
      const extras: number[] = [];
      for (let k = 0; k < all.length; k++) {
        if (g < good.length && all[k] === good[g]) g++;
        else extras.push(k);
      }
      expect(g, `${name}: all good rows kept`).toBe(good.length);
      expect(extras.length, name).toBe(summaryBad.badRows.byFile[name] ?? 0);
      extraTotal += extras.length;
      for (const k of extras) {
        const row: Row = rows[k]!;
        const duplicate = all[k] === all[k - 1];
        const invalid = '__unparsable' in row || RULES[name]!(row) !== null;
        const dangling = (REFERENCES[name] ?? []).some(
          ([field, target]) => typeof row[field] === 'string' && !known[target].has(row[field] as string),
        );
        expect(duplicate || invalid || dangling, `${name} injected row ${k + 1} looks valid: ${all[k]}`).toBe(true);
      }
    }
    expect(extraTotal).toBe(summaryBad.badRows.total);
    for (const kind of FAULT_KINDS) expect(summaryBad.badRows.byKind[kind], kind).toBeGreaterThan(0);
    // Ground truth does not mention bad rows.
    expect(
      fs.readFileSync(path.join(dirBad, 'labels.jsonl')).equals(fs.readFileSync(path.join(dirA, 'labels.jsonl'))),
    ).toBe(true);
  });
});

describe('generate command', () => {
  it('writes an export and prints one JSON line with --json', async () => {
    const out = path.join(root, 'cli');
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await main(
        ['generate', '--out', out, '--users', '300', '--days', '7', '--seed', '3', '--json'],
        [generateCommand],
      );
      expect(code).toBe(0);
      const last = JSON.parse(written.join('').trim().split('\n').pop()!) as {
        ok: boolean;
        files: Record<string, number>;
      };
      expect(last.ok).toBe(true);
      expect(last.files['users.jsonl']).toBe(300);
      expect(fs.existsSync(path.join(out, 'manifest.json'))).toBe(true);
      written.length = 0;
      expect(await main(['generate', '--users', '300', '--json'], [generateCommand])).toBe(2);
      expect(written.join('')).toMatch(/--out/);
      written.length = 0;
      expect(await main(['generate', '--out', out, '--bad-rows', '3', '--json'], [generateCommand])).toBe(2);
      expect(written.join('')).toMatch(/--bad-rows/);
    } finally {
      spy.mockRestore();
      errSpy.mockRestore();
    }
  });
});
