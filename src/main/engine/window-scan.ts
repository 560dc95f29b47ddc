import { type Db, withPragma } from '../db/database';
import { hourBand, type RunWindow } from './window';

/**
 * Reading the window's transactions (a sequential read of the table by rowid: a 30-day window is a third of a
 * 90-day mirror, and reading it all is several times faster than 1.7 million random row lookups through an index
 * on paid_at — measured 1.7 s against 21 s), the one part of a run that touches every payment. Real exports come in time
 * order with the platform's long string ids. A row names its payer and its merchant by integer keys (migrations 016
 * and 017), each found with one read of an array. The table is read in
 * rowid chunks that the engine's threads claim from a shared counter (engine/team.ts), each thread with its own
 * read-only connection, and the chunks are put back in rowid order — exactly the rows, in exactly the order, of one
 * sequential scan (so sums over them, the spending level, are the same to the last bit).
 *
 * A chunk comes back as one text (`WINDOW_TEXT_SQL`), not as rows: handing SQLite's rows to JavaScript one by one
 * cost ~1 µs a row whatever the columns — more than SQLite's own reading — and the text is cut here instead
 * (one thread, 100,000 users, 1.67 M window rows: 2.3–2.7 s instead of 3.5–4.9 s; 400,000 users, 6.66 M rows:
 * 11.0–11.2 s instead of 15.4–18.2 s; measured when rows named their payer by id). Every field is an integer, so the
 * separator U+001F is never part of one.
 */
export const WINDOW_TEXT_SQL = `SELECT count(*), group_concat(
    user_key || char(31) || merchant_key || char(31) || paid_at || char(31) || paid_tz || char(31) || amount_fen,
    char(31) ORDER BY rowid)
  FROM transactions WHERE rowid >= ? AND rowid < ? AND paid_at >= ? AND paid_at < ?`;
const MINUS = 45;
const ZERO = 48;

/** Rows of a chunk: rowids [first + index * size, first + (index + 1) * size). */
export interface ScanPlan {
  first: number;
  size: number;
  count: number;
}

/**
 * The key orders a scan turns rows into indexes with: the key of every user and every merchant the mirror has keyed,
 * in id order (SQLite's binary order, the pool's own order), read from the key tables alone (their id index holds the
 * key: no pass over users, no id handed to JavaScript). A scanning thread reads them itself, so the scan does not wait
 * for the pool's eligibility; the pool checks afterwards that it holds the same keys in the same order
 * (`chunkRemapper`). A key stands for one id for ever (AUTOINCREMENT, never reused), so the same keys in the same
 * order are the same ids in the same order.
 */
export interface ScanKeys {
  userKeys: Int32Array;
  merchantKeys: Int32Array;
}

const KEYS_SQL = {
  users: 'SELECT key FROM user_keys ORDER BY id',
  merchants: 'SELECT key FROM merchant_keys ORDER BY id',
} as const;

/** The scan's keys, in one read transaction (the two lists are of one moment). */
export function readScanKeys(db: Db): ScanKeys {
  return db.transaction(() => ({
    userKeys: Int32Array.from(db.prepare(KEYS_SQL.users).pluck().all() as number[]),
    merchantKeys: Int32Array.from(db.prepare(KEYS_SQL.merchants).pluck().all() as number[]),
  }))();
}

/**
 * Index of each key in `keys`' order (−1 for a key none holds, and for −1, "no key"): a transaction's payer or
 * merchant is found by its key with one read of an array. Keys are small positive integers handed out one per id ever
 * inserted (erased ids' keys are not reused), so the array is as long as the mirror has had users (or merchants),
 * 4 bytes each.
 */
export function indexOfKeys(keys: ArrayLike<number>): Int32Array {
  let top = 0;
  for (let i = 0; i < keys.length; i++) if (keys[i]! > top) top = keys[i]!;
  const index = new Int32Array(top + 1).fill(-1);
  for (let i = 0; i < keys.length; i++) if (keys[i]! >= 0) index[keys[i]!] = i;
  return index;
}

/** One chunk's window rows whose user and merchant are known: user, merchant, visit code (day * 8 + band), ln(amount). */
export interface ScanChunk {
  index: number;
  user: Int32Array<ArrayBuffer>;
  merchant: Int32Array<ArrayBuffer>;
  visit: Int32Array<ArrayBuffer>;
  lnAmount: Float64Array<ArrayBuffer>;
}

/** About 64k rowids a chunk: small enough to balance two threads over the window. */
const CHUNK_ROWIDS = 1 << 16;

/**
 * The chunks cover only the rowids between the window's first and last row. Exports come in time order and are
 * imported in file order, so the window is one block of rowids — a 30-day window of a 90-day mirror is a third of
 * the table, and the threads no longer read the other two thirds only to drop them. The bounds come from one pass
 * over the (user_key, paid_at) index, which holds rowid and paid_at in a fraction of the table's pages. Rows out of
 * order (a late increment) are still inside the bounds, and every chunk keeps its paid_at filter, so the rows are
 * exactly the window's whatever the order.
 */
export function planScan(db: Db, window: Pick<RunWindow, 'start' | 'end'>, chunkRows = CHUNK_ROWIDS): ScanPlan {
  return planOfBounds([planBounds(db, window, [undefined, undefined])], chunkRows);
}

/**
 * Shared between the caller and the scanning threads: [0] next chunk, [1] chunks done, [2] cancel (also set by a
 * thread that fails), [3] parts of the plan published; then the plan's first rowid and chunk count (two doubles,
 * written by the first thread for the caller's progress); then, from SCAN_PARTS_AT, each thread's part of the plan:
 * the window's first and last rowid in its user range (NaN when none).
 */
export const SCAN_PARTS_AT = 16 + 16;

/** The window's first and last rowid among some rows, or null when none of them is in the window. */
export type PlanBounds = [number, number] | null;

/** A range of user keys, [from, below); an end left undefined is open. */
export type UserRange = [from: number | undefined, below: number | undefined];

const PLAN_FILTER = 'paid_at >= ? AND paid_at < ?';
/** planBounds's statements, by which ends of the user range are set (each a range search of the index). */
const PLAN_SQL = {
  all: `SELECT min(rowid), max(rowid) FROM transactions WHERE ${PLAN_FILTER}`,
  from: `SELECT min(rowid), max(rowid) FROM transactions WHERE user_key >= ? AND ${PLAN_FILTER}`,
  below: `SELECT min(rowid), max(rowid) FROM transactions WHERE user_key < ? AND ${PLAN_FILTER}`,
  between: `SELECT min(rowid), max(rowid) FROM transactions WHERE user_key >= ? AND user_key < ? AND ${PLAN_FILTER}`,
} as const;

/**
 * planScan's bounds over the rows whose user_key is in `range`: the scanning threads each take one range (planRange)
 * and so share the index pass (measured over the index of user ids, before the keys: 1.2 s alone at 400,000 users,
 * 0.6–0.8 s per half), then put the parts together (planOfBounds).
 */
export function planBounds(db: Db, window: Pick<RunWindow, 'start' | 'end'>, [from, below]: UserRange): PlanBounds {
  const which = from === undefined ? (below === undefined ? 'all' : 'below') : below === undefined ? 'from' : 'between';
  const ends = [from, below].filter((key) => key !== undefined);
  const [lo, hi] = db
    .prepare(PLAN_SQL[which])
    .raw()
    .get(...ends, window.start, window.end) as [number | null, number | null];
  return lo === null || hi === null ? null : [lo, hi];
}

const CUT_SQL = {
  keys: 'SELECT count(*) FROM user_keys',
  keyAt: 'SELECT key FROM user_keys ORDER BY key LIMIT 1 OFFSET ?',
} as const;

/**
 * The user keys that cut the plan's index pass into `parts` ranges of about as many users each (parts − 1 of them,
 * ascending; ~50 ms for two parts over a table of 1,000,000 keys). Read once, by the caller, for every thread: a
 * thread that cut its ranges from its own read of the keys could see another list than its neighbour (an import
 * between the two reads) and leave the users between the two cuts in no range — window rows lost from the plan.
 */
export function planCuts(db: Db, parts: number): number[] {
  // One read transaction: the cuts come from one list, so they ascend.
  return db.transaction(() => {
    const keys = db.prepare(CUT_SQL.keys).pluck().get() as number;
    const keyAt = db.prepare(CUT_SQL.keyAt).pluck();
    const cuts: number[] = [];
    for (let k = 1; k < parts; k++) {
      // Without users every cut is 0: the ranges below and from it still hold every key.
      const key = keyAt.get(Math.floor((k * keys) / parts)) as number | undefined;
      cuts.push(key ?? 0);
    }
    return cuts;
  })();
}

/**
 * Range `part` of the cuts.length + 1 ranges the cuts make (planCuts): together they hold every integer, the first
 * open below and the last open above (a payer the users table does not hold still falls in one).
 */
export function planRange(cuts: readonly number[], part: number): UserRange {
  return [part === 0 ? undefined : cuts[part - 1], part === cuts.length ? undefined : cuts[part]];
}

/** The plan from the bounds of parts that together cover the table. */
export function planOfBounds(parts: readonly PlanBounds[], chunkRows = CHUNK_ROWIDS): ScanPlan {
  let lo = Infinity;
  let hi = -Infinity;
  for (const bounds of parts) {
    if (bounds === null) continue;
    lo = Math.min(lo, bounds[0]);
    hi = Math.max(hi, bounds[1]);
  }
  if (lo > hi) return planOf(0, 0, chunkRows);
  return planOf(lo, Math.floor((hi - lo) / chunkRows) + 1, chunkRows);
}

/** A plan from its first rowid and chunk count (a plan another thread made, handed over as numbers). */
export function planOf(first: number, count: number, chunkRows = CHUNK_ROWIDS): ScanPlan {
  return { first, size: chunkRows, count };
}

/** Turns rows into indexes; built once per thread, with the keys its own connection reads (`keys`). */
export class WindowScanner {
  /** Each user key's index in `keys.userKeys` (−1 none; indexOfKeys). */
  private readonly userOfKey: Int32Array;
  /** Each merchant key's index in `keys.merchantKeys` (−1 none). */
  private readonly merchantOfKey: Int32Array;
  private readonly textStatement;
  readonly keys: ScanKeys;

  constructor(
    db: Db,
    private readonly window: Pick<RunWindow, 'start' | 'end'>,
  ) {
    this.keys = readScanKeys(db);
    this.userOfKey = indexOfKeys(this.keys.userKeys);
    this.merchantOfKey = indexOfKeys(this.keys.merchantKeys);
    this.textStatement = db.prepare(WINDOW_TEXT_SQL).raw();
  }

  chunk(plan: ScanPlan, k: number): ScanChunk {
    const lo = plan.first + k * plan.size;
    const { start, end } = this.window;
    const [rows, text] = this.textStatement.get(lo, lo + plan.size, start, end) as [number, string | null];
    if (rows === 0 || text === null) return new ChunkRows(0, start).chunk(k);
    const out = new ChunkRows(rows, start);
    let at = 0;
    // Each field ends at the next separator, the last one at the end of the text.
    const fieldEnd = (): number => {
      const next = text.indexOf('\x1f', at);
      return next === -1 ? text.length : next;
    };
    for (let r = 0; r < rows; r++) {
      // user key, merchant key, then three integers.
      let stop = fieldEnd();
      const u = indexOf(this.userOfKey, integerIn(text, at, stop));
      at = stop + 1;
      stop = fieldEnd();
      const m = indexOf(this.merchantOfKey, integerIn(text, at, stop));
      at = stop + 1;
      stop = fieldEnd();
      const paidAt = integerIn(text, at, stop);
      at = stop + 1;
      stop = fieldEnd();
      const tz = integerIn(text, at, stop);
      at = stop + 1;
      stop = fieldEnd();
      const amount = integerIn(text, at, stop);
      at = stop + 1;
      out.add(u, m, paidAt, tz, amount);
    }
    return out.chunk(k);
  }
}

/** The index a key stands for, −1 when no id the scan read holds it. */
function indexOf(ofKey: Int32Array, key: number): number {
  return ofKey[key] ?? -1;
}

/** A chunk's arrays, sized for the rows expected and grown past them; rows of an unknown user or merchant are left out. */
class ChunkRows {
  private user: Int32Array<ArrayBuffer>;
  private merchant: Int32Array<ArrayBuffer>;
  private visit: Int32Array<ArrayBuffer>;
  private lnAmount: Float64Array<ArrayBuffer>;
  private kept = 0;

  constructor(
    rows: number,
    private readonly start: number,
  ) {
    this.user = new Int32Array(rows);
    this.merchant = new Int32Array(rows);
    this.visit = new Int32Array(rows);
    this.lnAmount = new Float64Array(rows);
  }

  /** u and m are −1 for a user or merchant the scan's ids do not hold. */
  add(u: number, m: number, paidAt: number, tz: number, amount: number): void {
    if (u === -1 || m === -1) return;
    const i = this.kept++;
    if (i === this.user.length) this.grow();
    this.user[i] = u;
    this.merchant[i] = m;
    this.visit[i] = Math.floor((paidAt - this.start) / 86_400) * 8 + hourBand(paidAt, tz);
    this.lnAmount[i] = Math.log(amount);
  }

  private grow(): void {
    const size = Math.max(1024, this.user.length * 2);
    const wider = <T extends Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer>>(a: T, to: T): T => {
      to.set(a);
      return to;
    };
    this.user = wider(this.user, new Int32Array(size));
    this.merchant = wider(this.merchant, new Int32Array(size));
    this.visit = wider(this.visit, new Int32Array(size));
    this.lnAmount = wider(this.lnAmount, new Float64Array(size));
  }

  chunk(index: number): ScanChunk {
    const { user, merchant, visit, lnAmount, kept } = this;
    if (kept === user.length) return { index, user, merchant, visit, lnAmount };
    return {
      index,
      user: user.slice(0, kept),
      merchant: merchant.slice(0, kept),
      visit: visit.slice(0, kept),
      lnAmount: lnAmount.slice(0, kept),
    };
  }
}

/**
 * The integer written in text[from, to): digits after an optional minus. Safe integers only (the import checks each),
 * so the digits accumulate exactly.
 */
function integerIn(text: string, from: number, to: number): number {
  const negative = text.charCodeAt(from) === MINUS;
  let value = 0;
  for (let i = negative ? from + 1 : from; i < to; i++) value = value * 10 + (text.charCodeAt(i) - ZERO);
  return negative ? -value : value;
}

/**
 * Memory-mapped reads for a scan avoid a read() per page; the connection's own setting is put back afterwards
 * (it is the caller's).
 */
export function withMmap<T>(db: Db, fn: () => T): T {
  return withPragma(db, 'mmap_size', 4294967296, fn);
}

function sameKeys(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Chunks' indexes in the pool's orders. A scanning thread reads the keys on its own connection, so an import
 * committed between its read and the pool's would give other indexes (as would a key left by an id the users table no
 * longer holds): then (only then) each row's index is turned into its key and that key into the pool's index, and
 * rows whose user or merchant the pool does not hold are dropped, as the scan drops unknown keys.
 */
export function chunkRemapper(scannedWith: ScanKeys, pool: ScanKeys): (chunk: ScanChunk) => ScanChunk {
  if (sameKeys(scannedWith.userKeys, pool.userKeys) && sameKeys(scannedWith.merchantKeys, pool.merchantKeys))
    return (chunk) => chunk;
  const lookup = (from: Int32Array, to: Int32Array): Int32Array => {
    const indexOf = indexOfKeys(to);
    return Int32Array.from(from, (key) => (key >= 0 ? (indexOf[key] ?? -1) : -1));
  };
  const userTo = lookup(scannedWith.userKeys, pool.userKeys);
  const merchantTo = lookup(scannedWith.merchantKeys, pool.merchantKeys);
  return (chunk) => {
    const keep: number[] = [];
    for (let i = 0; i < chunk.user.length; i++)
      if (userTo[chunk.user[i]!]! >= 0 && merchantTo[chunk.merchant[i]!]! >= 0) keep.push(i);
    return {
      index: chunk.index,
      user: Int32Array.from(keep, (i) => userTo[chunk.user[i]!]!),
      merchant: Int32Array.from(keep, (i) => merchantTo[chunk.merchant[i]!]!),
      visit: Int32Array.from(keep, (i) => chunk.visit[i]!),
      lnAmount: Float64Array.from(keep, (i) => chunk.lnAmount[i]!),
    };
  };
}
