/**
 * The mirror's ids → their index (position in the list given), exact, for the lookups a run makes per row: every
 * window transaction's merchant (its payer is a user key, found in an array since migration 016), every consent and
 * forbidden pair's users. At a province's million users a `Map<string, number>` lookup of a freshly cut id cost
 * ~1 µs a row on this machine (hashing a new string, then the map's bucket, its entry and the key string, each a read
 * at random in a heap of a few hundred MB): 16.7 M window rows spent more time there than in SQLite. Here an id is
 * hashed straight from the text it sits in (no string is cut) and lands on one 64-byte slot that holds its hash, its
 * index and its characters, so a lookup is one read at random and the comparison is exact: measured 1.1 µs → ~0.3 µs
 * a lookup at 1,000,000 users. The slot also holds a value given with the id (the import's user keys), so a lookup
 * that wants the id's key reads no second array at random: at a province that second read was a quarter of the
 * parsing helper's row (a Float64Array of a million keys misses the caches as the slots do).
 *
 * Ids that do not fit a slot (longer than SLOT_CHARS, or holding a character above U+00FF: upstream's ids are ASCII,
 * but the mirror accepts any text) go to an ordinary Map beside the slots, so every id is found exactly whatever it
 * holds. Open addressing with linear probing at most 2/3 full; upstream issues the ids, nobody chooses them to
 * collide.
 */
const SLOT_BYTES = 64;
const SLOT_WORDS = SLOT_BYTES / 4;
const SLOT_DOUBLES = SLOT_BYTES / 8;
/**
 * Before the characters: hash (word 0), index + 1 (word 1, 0 = empty slot), the id's value (a double at bytes 8–15,
 * any number exactly), length (word 4).
 */
const HEADER_BYTES = 20;
const LENGTH_WORD = 4;
export const SLOT_CHARS = SLOT_BYTES - HEADER_BYTES;
/** Slots per id: the table is at most 2/3 full. */
const SLOTS_PER_ID = 1.5;
const TWO_TO_32 = 4294967296;

export class IdIndex {
  readonly size: number;
  private readonly slots: number;
  private readonly words: Int32Array;
  private readonly doubles: Float64Array;
  private readonly bytes: Uint8Array;
  /** Ids that do not fit a slot: their index. */
  private readonly others = new Map<string, number>();
  /** The value of each id by index, for those beside the slots (null: each id's value is its index). */
  private readonly values: ArrayLike<number> | null;

  /**
   * `ids` must be distinct (the mirror's primary keys are); a repeated id is refused. `values[i]` is what `valueOf`
   * answers for `ids[i]` (without values: i).
   */
  constructor(ids: readonly string[], values: ArrayLike<number> | null = null) {
    if (values !== null && values.length !== ids.length)
      throw new Error(`IdIndex: ${ids.length} ids but ${values.length} values`);
    this.size = ids.length;
    this.values = values;
    this.slots = Math.ceil(ids.length * SLOTS_PER_ID) + 1;
    const buffer = new ArrayBuffer(this.slots * SLOT_BYTES);
    this.words = new Int32Array(buffer);
    this.doubles = new Float64Array(buffer);
    this.bytes = new Uint8Array(buffer);
    for (let i = 0; i < ids.length; i++) this.add(ids[i]!, i, values === null ? i : values[i]!);
  }

  private add(id: string, index: number, value: number): void {
    if (!fitsSlot(id)) {
      if (this.others.has(id)) throw twice(id);
      this.others.set(id, index);
      return;
    }
    const hash = hashOf(id, 0, id.length);
    let s = this.slotOf(hash);
    // The probe for a free slot passes every slot an equal id could hold.
    while (this.words[s * SLOT_WORDS + 1] !== 0) {
      if (this.holds(s, hash, id, 0, id.length)) throw twice(id);
      s = s + 1 === this.slots ? 0 : s + 1;
    }
    const w = s * SLOT_WORDS;
    this.words[w] = hash;
    this.words[w + 1] = index + 1;
    this.doubles[s * SLOT_DOUBLES + 1] = value;
    this.words[w + LENGTH_WORD] = id.length;
    const at = s * SLOT_BYTES + HEADER_BYTES;
    for (let c = 0; c < id.length; c++) this.bytes[at + c] = id.charCodeAt(c);
  }

  /** Whether slot s holds the id written in text[from, to) (whose hash is `hash`). */
  private holds(s: number, hash: number, text: string, from: number, to: number): boolean {
    const w = s * SLOT_WORDS;
    const length = to - from;
    if (this.words[w] !== hash || this.words[w + LENGTH_WORD] !== length) return false;
    const at = s * SLOT_BYTES + HEADER_BYTES;
    const bytes = this.bytes;
    let c = 0;
    while (c < length && bytes[at + c] === text.charCodeAt(from + c)) c++;
    return c === length;
  }

  /** The slot holding the id written in text[from, to), or −1 when no slot does. */
  private slotHolding(text: string, from: number, to: number): number {
    const hash = hashOf(text, from, to);
    for (let s = this.slotOf(hash); ; s = s + 1 === this.slots ? 0 : s + 1) {
      if (this.words[s * SLOT_WORDS + 1] === 0) return -1;
      if (this.holds(s, hash, text, from, to)) return s;
    }
  }

  /** The index of the id written in text[from, to) beside the slots, or −1. */
  private otherIndex(text: string, from: number, to: number): number {
    return this.others.size === 0 ? -1 : (this.others.get(text.slice(from, to)) ?? -1);
  }

  /** The index of the id written in text[from, to), or −1 when it is not one of the ids. */
  find(text: string, from: number, to: number): number {
    const s = this.slotHolding(text, from, to);
    return s !== -1 ? this.words[s * SLOT_WORDS + 1]! - 1 : this.otherIndex(text, from, to);
  }

  /** The value given with the id written in text[from, to) (its index when none were given), or `absent`. */
  valueOf(text: string, from: number, to: number, absent: number): number {
    const s = this.slotHolding(text, from, to);
    if (s !== -1) return this.doubles[s * SLOT_DOUBLES + 1]!;
    const index = this.otherIndex(text, from, to);
    return index === -1 ? absent : this.values === null ? index : this.values[index]!;
  }

  /** The index of `id`, or undefined (as a Map would answer). */
  get(id: string): number | undefined {
    const index = this.find(id, 0, id.length);
    return index === -1 ? undefined : index;
  }

  private slotOf(hash: number): number {
    return Math.floor(((hash >>> 0) * this.slots) / TWO_TO_32);
  }
}

function twice(id: string): Error {
  return new Error(`IdIndex: the id "${id}" is given twice`);
}

function fitsSlot(id: string): boolean {
  if (id.length > SLOT_CHARS) return false;
  for (let c = 0; c < id.length; c++) if (id.charCodeAt(c) > 0xff) return false;
  return true;
}

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser (FNV alone leaves the low bits of short ids poor). */
function hashOf(text: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
