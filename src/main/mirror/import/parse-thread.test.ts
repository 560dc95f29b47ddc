import { exportedRowsSql } from '../../testing/exported-rows';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../db/database';
import { CancelledError, silentProgress, type ProgressSink } from '../../../shared/progress';
import { EXPORT_FILES } from '../../../shared/domain/export-format';
import { generateExport } from '../generator';
import { writeSecondSnapshot } from '../../bench/second-snapshot';
import { declareAppendedRows, merchant, tempDir, transaction, user, writeExport } from '../../testing/export-files';
import { platformIsoTime } from '../../../shared/domain/platform-time';
import { importExport, type ImportOptions } from './index';
import { type KnownIds, NO_KEY } from './fields';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import {
  allowAhead,
  batchingSink,
  newControl,
  PARSE_THREAD_IDLE_CORES,
  PARSE_THREAD_MIN_BYTES,
  ParseHelper,
  parseOnHelper,
  stopReading,
  type ToWriter,
} from './parse-thread';
import type { ParsedSink, ParseOptions } from './record-parser';
import { columnsOf, TABLES } from './tables';

/**
 * The parse thread (parse-thread.ts) must change nothing but where parsing runs: every export below is imported
 * twice, inline and with every file that may go to the thread sent there (parseThreadMinBytes 0), and the two
 * mirrors must hold the same rows, the same quarantine (lines, reasons, messages, excerpts) and the same summaries.
 */
let root: string;
const exports: Record<'csv' | 'jsonl', { first: string; second: string }> = {
  csv: { first: '', second: '' },
  jsonl: { first: '', second: '' },
};

/**
 * Lines a generator does not write, appended to the first snapshot's transactions file: a key twice, a quote never
 * closed (swallowing good lines after it; once up to the end of the file), invalid UTF-8 and a NUL byte. Ids are new, references real.
 */
function appendParserTrouble(dir: string, format: 'csv' | 'jsonl'): void {
  const file = path.join(dir, `transactions.${format}`);
  const text = fs.readFileSync(file, 'utf8').split('\n');
  const first = format === 'csv' ? text[1]! : text[0]!;
  const id = (n: number) => `9999${String(n).padStart(24, '0')}`;
  let lines: (string | Buffer)[];
  if (format === 'csv') {
    const [, user, merchant, amount, paidAt] = first.split(',');
    const row = (n: number, userCell = user) => `${id(n)},${userCell},${merchant},${amount},${paidAt}`;
    lines = [
      row(1),
      row(1), // the same key again
      Buffer.concat([Buffer.from(`${id(5)},`), Buffer.from([0xff, 0xfe]), Buffer.from(`,${merchant},1,${paidAt}`)]),
      `${id(6)},${user}\u0000,${merchant},${amount},${paidAt}`,
      row(2, `"${user}`), // a quote never closed: the lines after it are read again one by one
      row(3),
      row(4),
      row(7),
      row(8, `"${user}"`), // its first quote closes line 3's: the swallowed record ends here
      row(9, `"${user}`), // a quote never closed up to the end of the file: the lines after it are read again too
      row(10),
      row(11),
    ];
  } else {
    const o = JSON.parse(first) as Record<string, unknown>;
    const row = (n: number, extra: Record<string, unknown> = {}) => JSON.stringify({ ...o, id: id(n), ...extra });
    lines = [
      row(1),
      row(1),
      row(2).slice(0, -3),
      row(3, { user_id: 'nobody-at-all' }),
      Buffer.concat([Buffer.from(row(4).slice(0, 20)), Buffer.from([0xff]), Buffer.from(row(4).slice(20))]),
      row(5, { amount_fen: 'ten' }),
      row(7),
    ];
  }
  for (const line of lines) fs.appendFileSync(file, Buffer.concat([Buffer.from(line), Buffer.from('\n')]));
  declareAppendedRows(dir, { [`transactions.${format}`]: lines.length });
}

/** The next snapshot refuses a row the mirror holds (a wrong type): its previous version must stand, either way. */
function spoilOneKnownRow(dir: string, format: 'csv' | 'jsonl'): void {
  const file = path.join(dir, `transactions.${format}`);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const at = 5;
  if (format === 'csv') {
    const cells = lines[at]!.split(',');
    cells[3] = 'ten';
    lines[at] = cells.join(',');
  } else lines[at] = JSON.stringify({ ...(JSON.parse(lines[at]!) as object), amount_fen: 'ten' });
  fs.writeFileSync(file, lines.join('\n'));
}

beforeAll(async () => {
  root = tempDir('encounter-parse-thread-');
  for (const format of ['csv', 'jsonl'] as const) {
    const first = path.join(root, `${format}-1`);
    const second = path.join(root, `${format}-2`);
    await generateExport({ users: 400, days: 14, seed: 11, out: first, badRows: 0.02, format });
    // The next snapshot (some rows changed, some gone) is written from the clean first one, then the first gets
    // the parser's trouble.
    await writeSecondSnapshot(first, second);
    spoilOneKnownRow(second, format);
    appendParserTrouble(first, format);
    exports[format] = { first, second };
  }
}, 120_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Everything an import leaves behind that parsing could change: rows, quarantine, and the runs' summaries. */
function contents(db: Db): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const f of EXPORT_FILES)
    out[f.name] = db
      .prepare(exportedRowsSql(f.name, `ORDER BY ${f.key.join(', ')}`))
      .raw()
      .all();
  out.quarantine = db
    .prepare('SELECT import_run_id, file, line, field, reason, message, raw FROM quarantine ORDER BY id')
    .raw()
    .all();
  return out;
}

function importBoth(
  dirs: string[],
  options: Partial<ImportOptions> = {},
): {
  inline: Record<string, unknown[]>;
  threaded: Record<string, unknown[]>;
  summaries: unknown[][];
  parsedOn: unknown[][];
} {
  const parsedOn: unknown[][] = [[], []];
  const result = { inline: {}, threaded: {}, summaries: [[], []] as unknown[][], parsedOn };
  (['inline', 'threaded'] as const).forEach((how, i) => {
    const db = openDatabase(path.join(root, `${how}-${Date.now()}-${Math.random()}.db`));
    try {
      for (const dir of dirs) {
        const s = importExport(db, dir, {
          operator: 'tester',
          ...options,
          ...(how === 'threaded' ? { parseThreadMinBytes: 0 } : {}),
        });
        const files = Object.fromEntries(
          Object.entries(s.files).map(([k, v]) => [k, { ...v, elapsedMs: 0, parsedOn: undefined, parsedAhead: false }]),
        );
        const on = (stem: string) => Object.entries(s.files).find(([name]) => name.startsWith(`${stem}.`))![1].parsedOn;
        const ahead = Object.entries(s.files).filter(([, f]) => f.parsedAhead);
        parsedOn[i]!.push(
          `users ${on('users')}, transactions ${on('transactions')}; ahead: ${ahead.map(([name]) => name.split('.')[0]).join(' ')}`,
        );
        result.summaries[i]!.push({ status: s.status, totals: s.totals, files });
      }
      result[how] = contents(db);
    } finally {
      db.close();
    }
  });
  return result;
}

describe.each(['csv', 'jsonl'] as const)('parsing %s on a helper thread', (format) => {
  it('leaves the same rows, quarantine and summaries as parsing inline, for a first snapshot and the next', () => {
    const { first, second } = exports[format];
    const r = importBoth([first, second]);
    // Into empty tables every file after one that provides no ids is handed to the helper while the one before it is
    // written; the next snapshot's upserts into tables with rows (no index rebuilt at this size) hand none ahead.
    const ahead = 'ahead: exposures transactions transfers greetings reports blocks introductions';
    expect(r.parsedOn).toEqual([
      ['users inline, transactions inline; ahead: ', 'users inline, transactions inline; ahead: '],
      [`users helper, transactions helper; ${ahead}`, 'users helper, transactions helper; ahead: '],
    ]);
    expect(r.summaries[1]).toEqual(r.summaries[0]);
    expect(r.threaded).toEqual(r.inline);
    // The export really held what this test is about: refusals of several kinds, removals and updates.
    const reasons = new Set(r.inline.quarantine!.map((q) => (q as unknown[])[4]));
    expect([...reasons]).toEqual(
      expect.arrayContaining(['duplicate', 'invalid_utf8', format === 'csv' ? 'bad_csv' : 'bad_json']),
    );
    const totals = r.summaries[0]!.map((s) => (s as { totals: Record<string, number> }).totals);
    expect(totals[1]!.removed).toBeGreaterThan(0);
    expect(totals[1]!.updated).toBeGreaterThan(0);
  }, 120_000);

  it('the general path alone (no fast paths) agrees too', () => {
    const r = importBoth([exports[format].first], { fastPaths: false });
    expect(r.summaries[1]).toEqual(r.summaries[0]);
    expect(r.threaded).toEqual(r.inline);
  }, 120_000);
});

describe('a cancel while the helper thread parses', () => {
  it('rolls the import back and leaves the run cancelled', () => {
    const db = openDatabase(path.join(root, 'cancel.db'));
    try {
      let reports = 0;
      const progress: ProgressSink = {
        report(phase) {
          if (phase.startsWith('transactions')) reports++;
        },
        throwIfCancelled() {
          if (reports > 0) throw new CancelledError();
        },
      };
      expect(() =>
        importExport(db, exports.csv.first, { operator: 'tester', progress, parseThreadMinBytes: 0 }),
      ).toThrow(CancelledError);
      expect(db.prepare('SELECT count(*) FROM transactions').pluck().get()).toBe(0);
      expect(db.prepare('SELECT status FROM import_runs').pluck().all()).toEqual(['cancelled']);
    } finally {
      db.close();
    }
  }, 60_000);
});

describe('when a file goes to the helper thread', () => {
  const big = { sizeBytes: PARSE_THREAD_MIN_BYTES, namesOwnIds: false };
  it('a big file goes when the machine has the cores idle, and not when operators keep them busy', () => {
    expect(parseOnHelper(big, () => 2)).toBe(true);
    expect(parseOnHelper(big, () => PARSE_THREAD_IDLE_CORES)).toBe(true);
    expect(parseOnHelper(big, () => PARSE_THREAD_IDLE_CORES - 0.1)).toBe(false);
    expect(parseOnHelper(big, () => 0.4)).toBe(false);
  });
  it('a small file or one whose ids later rows name never goes, and the machine is not even watched for it', () => {
    let watched = 0;
    const idle = () => (watched++, 8);
    expect(parseOnHelper({ ...big, sizeBytes: PARSE_THREAD_MIN_BYTES - 1 }, idle)).toBe(false);
    expect(parseOnHelper({ ...big, namesOwnIds: true }, idle)).toBe(false);
    expect(watched).toBe(0);
  });
});

describe("the helper's start", () => {
  it("is told to the importing thread, which samples idle cores only after it (the start-up is not operators' work)", () => {
    const helper = new ParseHelper();
    try {
      helper.waitStarted(30_000);
      expect(helper.started()).toBe(true);
    } finally {
      helper.close();
    }
  }, 60_000);
});

describe("the helper's copy of the known ids", () => {
  it('is sent once and kept from file to file, and sent again when the import says its ids changed', () => {
    const dir = tempDir();
    const helper = new ParseHelper();
    try {
      const file = path.join(dir, 'transactions.csv');
      const at = '2026-11-24T08:30:00+08:00';
      fs.writeFileSync(file, `id,user_id,merchant_id,amount_fen,paid_at\nt1,u1,m1,100,${at}\nt2,u2,m1,100,${at}\n`);
      const knownIds: KnownIds = { users: new Map([['u1', 1]]), merchants: new Map([['m1', NO_KEY]]) };
      const options: ParseOptions = {
        spec: TABLES.find((t) => t.name === 'transactions')!,
        path: file,
        format: 'csv',
        knownIds,
        snapshot: false,
        fastPaths: true,
        writerEndsFiles: true,
      };
      /** The ids of the rows the helper accepted, and the fields it refused. */
      const parse = () => {
        const accepted: string[] = [];
        const refused: (string | null)[] = [];
        const sink: ParsedSink = {
          header() {},
          row: (values) => void accepted.push(values[0] as string),
          refused: (_line, _offset, _reason, field) => void refused.push(field),
          chunk() {},
        };
        helper.parse(options, columnsOf(options.spec).length, sink, silentProgress);
        return { accepted, refused };
      };
      expect(parse()).toEqual({ accepted: ['t1'], refused: ['user_id'] });
      // The importing thread's map grows (a users file read inline): the helper still answers from its copy...
      knownIds.users.set('u2', 2);
      expect(parse()).toEqual({ accepted: ['t1'], refused: ['user_id'] });
      // ...until the import says so, as it does after every file that provides ids (index.ts).
      helper.idsChanged();
      expect(parse()).toEqual({ accepted: ['t1', 't2'], refused: [] });
    } finally {
      helper.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a file read again while the helper reads the next one ahead', () => {
  it('is read again inline, and the file read ahead lands as it would have at its turn', () => {
    const dir = path.join(root, 'read-again');
    const at = platformIsoTime('2026-11-01', '08:30:00');
    // Past BULK_MIN_ROWS: a bulk load, whose repeated key is found only by the index build after the rows — by then
    // the helper has been handed the transfers.
    const ids = Array.from({ length: 60_000 }, (_, i) => `${4200202611010000 + i}`);
    ids[30_000] = ids[7]!;
    writeExport(
      dir,
      { exportId: 'read-again', exportedAt: platformIsoTime('2026-11-24', '03:00:00'), kind: 'snapshot' },
      {
        users: { rows: [user('u1'), user('u2')] },
        merchants: { rows: [merchant('m1')] },
        transactions: { rows: ids.map((id, i) => transaction(id, 'u1', 'm1', { amount_fen: 100 + i })), format: 'csv' },
        transfers: {
          rows: Array.from({ length: 500 }, (_, i) => ({
            id: `1000${i}`,
            from_user: i % 2 ? 'u1' : 'u2',
            to_user: i % 2 ? 'u2' : 'nobody',
            amount_fen: 100 + i,
            paid_at: at,
            memo: i % 3 ? '饭钱' : '',
          })),
          format: 'csv',
        },
      },
    );
    const r = importBoth([dir]);
    expect(r.parsedOn).toEqual([
      ['users inline, transactions inline; ahead: '],
      ['users helper, transactions inline; ahead: transfers'],
    ]);
    expect(r.summaries[1]).toEqual(r.summaries[0]);
    expect(r.threaded).toEqual(r.inline);
    // The repeat was refused, the transfers naming nobody too, and the rest stands.
    const refused = r.inline.quarantine!.map((q) => (q as unknown[]).slice(1, 5));
    expect(refused.filter((q) => q[0] === 'transactions.csv')).toEqual([
      ['transactions.csv', 30_002, 'id', 'duplicate'],
    ]);
    expect(refused.filter((q) => q[0] === 'transfers.csv')).toHaveLength(250);
    expect(r.inline.transactions).toHaveLength(59_999);
    expect(r.inline.transfers).toHaveLength(250);
  }, 120_000);
});

describe('how far the helper runs ahead of the writer', () => {
  /**
   * Feeds the helper's sink rows of a transaction's shape with nobody reading, the writer having given up: the first
   * batch the sink would wait to send throws instead. Returns the KiB each batch sent counted.
   */
  const sentBeforeWaiting = (aheadKib: number): number[] => {
    const control = newControl();
    allowAhead(control, aheadKib);
    stopReading(control);
    const { port1, port2 } = new MessageChannel();
    try {
      const sink = batchingSink(6, port2, control);
      const values = ['4200202611240000000000000001', 17, 3, 1500, 1_795_000_000, 480];
      expect(() => {
        for (let line = 2; line < 10_000_000; line++) sink.row(values, line, line * 64);
      }).toThrow('the import stopped reading');
      const kib: number[] = [];
      for (let m = receiveMessageOnPort(port1); m !== undefined; m = receiveMessageOnPort(port1))
        kib.push((m.message as ToWriter & { type: 'batch' }).batch.kib);
      return kib;
    } finally {
      port1.close();
      port2.close();
    }
  };

  it('is a few batches for a file the writer waits for', () => {
    expect(sentBeforeWaiting(0)).toHaveLength(4);
  });

  it('is the budget for a file handed ahead, counted by what its batches hold', () => {
    const budget = 8 * 1024;
    const kib = sentBeforeWaiting(budget);
    const sent = kib.reduce((a, b) => a + b, 0);
    expect(sent).toBeLessThanOrEqual(budget);
    expect(sent + kib[0]!).toBeGreaterThan(budget); // the next batch would have gone past it
    // A batch of 4,096 such rows: tags, numbers, lines and offsets (4096 × (6 + 48 + 16) bytes) and its ids' text.
    expect(kib[0]).toBeGreaterThanOrEqual(Math.floor((4096 * (6 + 48 + 16) + 4096 * 28 * 2) / 1024));
  });
});
