import fs from 'node:fs';
import path from 'node:path';

const CHUNK = 1 << 22;

/** How a big file (transactions, transfers) is written: upstream sends either. */
export type BigFileFormat = 'csv' | 'jsonl';
const NEWLINE = 10;

/**
 * One output file written through a reused 4 MiB buffer flushed with fs.writeSync. The hot path (5 million
 * CSV rows per 100k users) writes fields straight into the buffer — pre-encoded ids and time fragments are
 * copied, integers written digit by digit — so no per-row strings exist for the garbage collector to chase.
 */
export class ChunkedFile {
  /** Rows written (header excluded). */
  rows = 0;
  bytes = 0;
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  private readonly fd: number;

  constructor(
    readonly dir: string,
    readonly name: string,
    header?: string,
  ) {
    this.fd = fs.openSync(path.join(dir, name), 'w');
    if (header !== undefined) {
      this.text(header);
      this.byte(NEWLINE);
    }
  }

  /** Appends one whole row given as a string (no trailing newline). */
  row(line: string): void {
    this.text(line);
    this.endRow();
  }

  /** Ends the row being assembled field by field. */
  endRow(): void {
    this.byte(NEWLINE);
    this.rows++;
  }

  text(s: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    if (this.pos + s.length * 3 > CHUNK) {
      this.flush();
      if (s.length * 3 > CHUNK) {
        this.writeOut(Buffer.from(s, 'utf8'));
        return;
      }
    }
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** ASCII-only text (ids, times, numbers): latin1 encoding is a straight copy. */
  ascii(s: string): void {
    if (this.pos + s.length > CHUNK) this.flush();
    this.pos += this.buf.write(s, this.pos, 'latin1');
  }

  byte(b: number): void {
    if (this.pos + 1 > CHUNK) this.flush();
    this.buf[this.pos++] = b;
  }

  /** Copies `length` bytes of `source` from `start` (short copies: a loop beats Buffer.copy's call cost). */
  slice(source: Uint8Array, start: number, length: number): void {
    if (this.pos + length > CHUNK) this.flush();
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < length; i++) buf[p++] = source[start + i]!;
    this.pos = p;
  }

  /** A non-negative integer in decimal. */
  uint(n: number): void {
    if (this.pos + 16 > CHUNK) this.flush();
    const buf = this.buf;
    if (n === 0) {
      buf[this.pos++] = 48;
      return;
    }
    let digits = 0;
    for (let v = n; v > 0; v = Math.floor(v / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    for (let v = n; v > 0; v = Math.floor(v / 10)) buf[--p] = 48 + (v % 10);
  }

  flush(): void {
    if (this.pos === 0) return;
    this.writeOut(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  private writeOut(data: Uint8Array): void {
    let off = 0;
    while (off < data.length) off += fs.writeSync(this.fd, data, off, data.length - off);
    this.bytes += data.length;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

/** ASCII ids packed in one buffer (any lengths), for copying into rows without per-row strings. */
export class PackedIds {
  readonly bytes: Buffer;
  /** Id k occupies bytes [start[k], start[k + 1]). */
  readonly start: Int32Array;
  constructor(ids: readonly string[]) {
    this.start = new Int32Array(ids.length + 1);
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      if (!/^[\x20-\x7e]*$/.test(id)) throw new Error(`PackedIds: ids must be printable ASCII, got "${id}"`);
      this.start[k + 1] = this.start[k]! + id.length;
    }
    this.bytes = Buffer.from(ids.join(''), 'latin1');
  }

  /** Copies id k into `out`. */
  writeTo(out: ChunkedFile, k: number): void {
    const from = this.start[k]!;
    out.slice(this.bytes, from, this.start[k + 1]! - from);
  }
}

/** A copy of `a` with twice the room (for column arrays that grow as rows are drawn). */
export function doubled(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Indexes 0..count-1 ordered by `time[k]` (integers in [0, span)), equal times kept in their original order: a
 * counting sort, so millions of rows are put in time order in linear time. `into` is reused when large enough.
 */
export function timeOrder(time: Int32Array, count: number, span: number, into?: Int32Array): Int32Array {
  const start = new Int32Array(span + 1);
  for (let k = 0; k < count; k++) start[time[k]! + 1]!++;
  for (let t = 1; t <= span; t++) start[t]! += start[t - 1]!;
  const order = into && into.length >= count ? into : new Int32Array(count);
  for (let k = 0; k < count; k++) order[start[time[k]!]!++] = k;
  return order;
}

/** RFC 4180 cell: quoted only when needed; null is an unquoted empty cell, "" is a quoted empty string. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  if (value === '') return '""';
  if (/[",\r\n]/.test(value) || value.trim() !== value) return `"${value.replace(/"/g, '""')}"`;
  return value;
}
