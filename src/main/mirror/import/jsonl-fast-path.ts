import { parseIsoTimeAt, parsedTime, type FieldSpec, type KnownIds, type SqlValue } from './fields';
import { knownIdLookups, UNKNOWN_ID } from './known-ids';

/**
 * Converts one flat JSONL object straight from the line's text into column values, without JSON.parse building an
 * object first: keys are matched in place, numbers and times are read in place, only text values are cut out.
 *
 * Like the CSV fast path (./csv-fast-path.ts) it only ever ACCEPTS: it handles plain objects of the fields' own
 * keys, each once, whose values are strings without escapes or control characters, plain integers, true, false or
 * null (an enum's value is one of its words, spelled exactly: users are mostly enums and booleans; merchants, with
 * fractional coordinates, still take the general path); on anything else (an escape, a nested value, a fraction or
 * exponent, a duplicate or unknown key, a value that fails a check) it returns false with `out` in an unspecified
 * state, and the caller runs the general path (JSON.parse + convertField), which accepts exactly the same rows and
 * names the problem of the others.
 */
export type JsonlFastRow = (record: string, out: SqlValue[]) => boolean;

/** UTF-16 length at which an id can no longer be ≤ 64 characters whatever it holds; longer ones take the general path. */
const ID_MAX = 64;
/** Digits in an integer the fast path reads itself: 15 digits always fit in a double exactly. */
const INT_MAX_DIGITS = 15;

const K_TEXT = 1;
const K_REF = 2;
const K_INT = 3;
const K_TIME = 4;
const K_ENUM = 5;
const K_BOOL = 6;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const parseTime = parseIsoTimeAt;
const time = parsedTime;

/** JSON whitespace between tokens. */
function skipWs(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return i;
    i++;
  }
}

/** End of a plain string starting after its opening quote at `from`: the closing quote's index, or -1 for an escape or control character. */
function plainStringEnd(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c < 0x20) return -1;
  }
  return -1;
}

/** The fast path for a table's fields; null when a field has a kind it does not handle (every row then takes the general path). */
export function compileJsonlFastPath(fields: readonly FieldSpec[], knownIds: KnownIds): JsonlFastRow | null {
  const n = fields.length;
  if (n > 30) return null; // which fields were seen is kept in one 31-bit mask
  const kindOf = { id: K_TEXT, string: K_TEXT, ref: K_REF, int: K_INT, time: K_TIME, enum: K_ENUM, bool: K_BOOL };
  for (const f of fields) if (!(f.kind in kindOf)) return null;
  const names = fields.map((f) => f.name);
  const kind = Int8Array.from(fields, (f) => kindOf[f.kind as keyof typeof kindOf]);
  const words = fields.map((f) => (f.kind === 'enum' ? f.values : []));
  const nullable = fields.map((f) => f.nullable === true);
  const withTz = fields.map((f) => f.kind === 'time' && f.tzColumn !== undefined);
  const maxLen = fields.map((f) =>
    f.kind === 'id' || f.kind === 'ref' ? ID_MAX : f.kind === 'string' ? (f.max ?? Infinity) : Infinity,
  );
  const min = fields.map((f) => (f.kind === 'int' ? f.min : 0));
  const max = fields.map((f) => (f.kind === 'int' ? f.max : 0));
  const refs = knownIdLookups(fields, knownIds);
  // A keyed reference is written as its id's key (tables.ts): no string is cut for it.
  const keyed = fields.map((f) => f.keyColumn !== undefined);
  // Where each field's column value goes: a time with a tz column takes two.
  const col: number[] = [];
  let c = 0;
  for (let i = 0; i < n; i++) {
    col.push(c);
    c += withTz[i] ? 2 : 1;
  }
  const all = (1 << n) - 1;

  /** The field whose name is the key s[from, to), trying the one after the previous key first (keys usually come in order). */
  const fieldOf = (s: string, from: number, to: number, guess: number): number => {
    const len = to - from;
    if (guess < n && names[guess]!.length === len && s.startsWith(names[guess]!, from)) return guess;
    for (let i = 0; i < n; i++) if (names[i]!.length === len && s.startsWith(names[i]!, from)) return i;
    return -1;
  };

  return (s, out) => {
    let p = skipWs(s, 0);
    if (s.charCodeAt(p) !== 0x7b) return false; // {
    p = skipWs(s, p + 1);
    let seen = 0;
    let next = 0;
    if (s.charCodeAt(p) === 0x7d) return false; // {}: the general path names the missing fields
    for (;;) {
      if (s.charCodeAt(p) !== QUOTE) return false;
      let keyEnd: number;
      let i: number;
      // Keys usually come in the fields' order: the expected one is matched in place, without scanning for its end
      // (a field's name holds no quote, backslash or control character, so this is the key the scan would read).
      const expected = next < n ? names[next]! : '';
      if (next < n && s.startsWith(expected, p + 1) && s.charCodeAt(p + 1 + expected.length) === QUOTE) {
        i = next;
        keyEnd = p + 1 + expected.length;
      } else {
        keyEnd = plainStringEnd(s, p + 1);
        if (keyEnd === -1) return false;
        i = fieldOf(s, p + 1, keyEnd, next);
      }
      if (i === -1 || (seen & (1 << i)) !== 0) return false; // unknown or repeated key (JSON.parse keeps the last)
      seen |= 1 << i;
      next = i + 1;
      p = skipWs(s, keyEnd + 1);
      if (s.charCodeAt(p) !== 0x3a) return false; // :
      p = skipWs(s, p + 1);
      const v = s.charCodeAt(p);
      let k = col[i]!;
      if (v === QUOTE) {
        const start = p + 1;
        const end = plainStringEnd(s, start);
        if (end === -1) return false;
        const len = end - start;
        switch (kind[i]) {
          case K_TEXT:
            if ((len === 0 && maxLen[i] === ID_MAX) || len > maxLen[i]!) return false;
            out[k] = s.slice(start, end);
            break;
          case K_REF: {
            if (len === 0 || len > ID_MAX) return false;
            const key = refs[i]!.keyOf(s, start, end);
            if (key === UNKNOWN_ID) return false;
            out[k] = keyed[i] ? key : s.slice(start, end);
            break;
          }
          case K_TIME:
            if (!parseTime(s, start, end)) return false;
            out[k++] = time.seconds;
            if (withTz[i]) out[k] = time.offsetMinutes;
            break;
          case K_ENUM: {
            // The word itself goes to the column: nothing is cut out of the line.
            const of = words[i]!;
            let w = 0;
            while (w < of.length && !(of[w]!.length === len && s.startsWith(of[w]!, start))) w++;
            if (w === of.length) return false;
            out[k] = of[w]!;
            break;
          }
          default:
            return false; // a string where a number belongs
        }
        p = end + 1;
      } else if (v === 0x6e) {
        // null
        if (!nullable[i] || !s.startsWith('null', p)) return false;
        out[k++] = null;
        if (withTz[i]) out[k] = null;
        p += 4;
      } else if (kind[i] === K_INT && v >= 0x30 && v <= 0x39) {
        // Only what JSON spells as a plain non-negative integer: no sign, no leading zero, no fraction or exponent.
        const start = p;
        let x = 0;
        for (;;) {
          const d = s.charCodeAt(p) - 48;
          if (d < 0 || d > 9) break;
          x = x * 10 + d;
          p++;
        }
        const digits = p - start;
        if (digits > INT_MAX_DIGITS || (v === 0x30 && digits > 1)) return false;
        if (x < min[i]! || x > max[i]!) return false;
        out[k] = x;
      } else if (kind[i] === K_BOOL && s.startsWith('true', p)) {
        out[k] = 1;
        p += 4;
      } else if (kind[i] === K_BOOL && s.startsWith('false', p)) {
        out[k] = 0;
        p += 5;
      } else return false;
      p = skipWs(s, p);
      const sep = s.charCodeAt(p);
      if (sep === 0x2c) {
        p = skipWs(s, p + 1);
        continue;
      }
      if (sep !== 0x7d) return false; // } (anything else — '.', 'e', a nested value — is the general path's)
      return seen === all && skipWs(s, p + 1) === s.length;
    }
  };
}
