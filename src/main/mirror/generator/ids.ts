import type { Rng } from './random';

/**
 * Ids as the platform issues them (../shared/DATA-FORMAT.md, "What real exports look like"), never row numbers:
 * an engine or importer that only ever saw `u000001` could lean on short, sequential, sortable ids without knowing.
 * - users: 28-character open ids (letters of both cases, digits, `-`, `_`) or 16-digit account numbers, some of
 *   them above 2^53 (a JavaScript number would silently round them);
 * - merchants: 10-digit strings, leading zeros kept;
 * - transactions and transfers: 28-digit strings issued in time order (see RowIds).
 * Every list is unique and depends only on the stream it draws from.
 */
const OPEN_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
export const OPEN_ID_LENGTH = 28;
export const ACCOUNT_NUMBER_LENGTH = 16;
export const MERCHANT_ID_LENGTH = 10;
export const ROW_ID_LENGTH = 28;
/** Share of users whose id is a 16-digit account number rather than an open id. */
const ACCOUNT_NUMBER_SHARE = 0.25;

function digits(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(48 + rng.int(10));
  return s;
}

function openId(rng: Rng): string {
  // Open ids of one app share their first character; the rest is opaque.
  let s = 'o';
  for (let i = 1; i < OPEN_ID_LENGTH; i++) s += OPEN_ID_ALPHABET[rng.int(64)]!;
  return s;
}

/** `count` distinct user ids, mixed open ids and account numbers, in no particular order. */
export function userIds(count: number, rng: Rng): string[] {
  const seen = new Set<string>();
  const ids = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    let id: string;
    do {
      id = rng.chance(ACCOUNT_NUMBER_SHARE)
        ? String.fromCharCode(49 + rng.int(9)) + digits(rng, ACCOUNT_NUMBER_LENGTH - 1)
        : openId(rng);
    } while (seen.has(id));
    seen.add(id);
    ids[i] = id;
  }
  return ids;
}

/** `count` distinct 10-digit merchant ids; older merchants have small numbers, so many start with zeros. */
export function merchantIds(count: number, rng: Rng): string[] {
  const seen = new Set<string>();
  const ids = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    let id: string;
    do {
      const zeros = rng.chance(0.5) ? 1 + rng.int(3) : 0;
      id = '0'.repeat(zeros) + digits(rng, MERCHANT_ID_LENGTH - zeros);
    } while (seen.has(id));
    seen.add(id);
    ids[i] = id;
  }
  return ids;
}

/**
 * 28-digit row ids issued in time order, as a payment platform numbers its bills: a 4-digit channel prefix, the
 * local date (YYYYMMDD), 4 digits of the issuing shard, then a 12-digit serial that makes every id unique. Written
 * straight into a row buffer (5 million per 100,000 users) without building a string.
 */
export class RowIds {
  private serial = 0;
  constructor(
    private readonly channel: string,
    private readonly rng: Rng,
  ) {
    if (!/^\d{4}$/.test(channel)) throw new Error(`RowIds: channel must be 4 digits, got "${channel}"`);
  }

  /** Writes the next id into `out` at `pos` (28 ASCII bytes); `date8` holds "YYYYMMDD" at `dateAt`. */
  write(out: Uint8Array, pos: number, date8: Uint8Array, dateAt: number): void {
    for (let i = 0; i < 4; i++) out[pos + i] = this.channel.charCodeAt(i);
    for (let i = 0; i < 8; i++) out[pos + 4 + i] = date8[dateAt + i]!;
    let shard = this.rng.int(10000);
    for (let i = 15; i >= 12; i--) {
      out[pos + i] = 48 + (shard % 10);
      shard = Math.floor(shard / 10);
    }
    let serial = ++this.serial;
    for (let i = 27; i >= 16; i--) {
      out[pos + i] = 48 + (serial % 10);
      serial = Math.floor(serial / 10);
    }
  }
}
