import { IdIndex } from '../../util/id-index';
import type { FieldSpec, IdTable, KnownIds } from './fields';

/** What `KnownIdLookup.keyOf` answers for an id that is not known (a known id's key is NO_KEY or above). */
export const UNKNOWN_ID = -2;

/**
 * "Is this reference a known id?" for a fast path, asked of the id where it is written in the record. A big file
 * asks once per row and field (49 M transactions name 49 M users): a Set's lookup of a freshly cut id costs ~1 µs at
 * a million ids (util/id-index.ts), a quarter of the parsing helper's time a row (5 M province transactions parsed:
 * 1.45–1.53 µs a row with the Set, 1.10–1.15 with this). So the ids are asked of the Set only until the file has asked as
 * many times as there are ids, then an IdIndex is built from them (about the cost of that many Set lookups) and
 * answers every later question at about a third of the cost; small files never pay for it.
 */
export class KnownIdLookup {
  /** The ids, each with its key. */
  private index: IdIndex | null = null;
  private indexedSize = -1;
  private asked = 0;

  constructor(private readonly ids: ReadonlyMap<string, number>) {}

  /** Whether text[from, to) is one of the ids. */
  has(text: string, from: number, to: number): boolean {
    return this.keyOf(text, from, to) !== UNKNOWN_ID;
  }

  /** The key of the id text[from, to) (NO_KEY for an unkeyed one), or UNKNOWN_ID when it is not one of the ids. */
  keyOf(text: string, from: number, to: number): number {
    // The map only grows while a file is read (a users file adds the ids it provides): an index built before an
    // addition is built again rather than trusted.
    if (this.index !== null && this.indexedSize === this.ids.size)
      return this.index.valueOf(text, from, to, UNKNOWN_ID);
    if (++this.asked > this.ids.size) {
      this.index = new IdIndex([...this.ids.keys()], Float64Array.from(this.ids.values()));
      this.indexedSize = this.ids.size;
      this.asked = 0;
      return this.index.valueOf(text, from, to, UNKNOWN_ID);
    }
    return this.ids.get(text.slice(from, to)) ?? UNKNOWN_ID;
  }
}

const NONE: ReadonlyMap<string, number> = new Map();

/**
 * Lookups of ids that will not change any more, kept for every later file: the parsing helper's copy of the
 * import's ids (parse-thread.ts), which would otherwise build the same ~100 MB index again for each big file (~1 s
 * each at a million users). The importing thread's own sets grow while users and merchants are read, so theirs are
 * not kept.
 */
const settled = new WeakMap<ReadonlyMap<string, number>, KnownIdLookup>();

/** Declares these ids final: from now on every file asking them shares one lookup per table. */
export function settleIds(knownIds: KnownIds): void {
  for (const ids of Object.values(knownIds)) if (!settled.has(ids)) settled.set(ids, new KnownIdLookup(ids));
}

/**
 * One lookup per field (fields that are not references get one that knows nothing), shared by the fields that name
 * the same table: a transfer's from_user and to_user ask one index, not two of ~100 MB each at a million users.
 */
export function knownIdLookups(fields: readonly FieldSpec[], knownIds: KnownIds): KnownIdLookup[] {
  const byTable = new Map<IdTable, KnownIdLookup>();
  const none = new KnownIdLookup(NONE);
  return fields.map((f) => {
    if (f.kind !== 'ref') return none;
    let lookup = byTable.get(f.table);
    if (!lookup)
      byTable.set(f.table, (lookup = settled.get(knownIds[f.table]) ?? new KnownIdLookup(knownIds[f.table])));
    return lookup;
  });
}
