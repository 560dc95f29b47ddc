import { EXPOSURE_LEVELS, type ExposureLevel } from '../../shared/domain/export-format';
import type { Db } from '../db/database';
import { assertValidPolicy, type MaskingPolicy } from './policy';
import { DISCLOSURE_LEVELS, type DisclosureLevel } from '../../shared/domain/places';

/**
 * Place disclosure: at what level a place two matched users share may be shown, and what that level shows.
 *
 * THE RULE (documented in README.md beside this file):
 *  1. Exposure. Each user chose a level per place (hidden < category < brand < place; no row = hidden). A place
 *     card tells the viewer that BOTH of them paid there, so it may show no more than either of them allowed:
 *     the level is min(exposure of A, exposure of B). The viewer's own exposure counts as much as the other's,
 *     because the card the other side sees is built from the same place. Hence both sides see the same level.
 *  2. k-anonymity. Starting from that level, a level is used only when at least k distinct consenting users
 *     paid at what it names, in the run's window: the place itself; any outlet of the brand; any merchant of the
 *     category in the place's district (online stores: the category online); any merchant in the district.
 *     Otherwise it generalises one step (place → brand → category → district) and, below district, is withheld.
 *     A brand step is skipped for a merchant without a brand. Generalising never goes finer than rule 1.
 */

export { EXPOSURE_LEVELS, type ExposureLevel } from '../../shared/domain/export-format';

export { DISCLOSURE_LEVELS, type DisclosureLevel } from '../../shared/domain/places';

const EXPOSURE_RANK: Record<ExposureLevel, number> = { hidden: 0, category: 1, brand: 2, place: 3 };

export function isExposureLevel(value: string): value is ExposureLevel {
  return Object.prototype.hasOwnProperty.call(EXPOSURE_RANK, value);
}

/** Rule 1: the coarser of the two users' exposures (a missing or unknown level counts as hidden). */
export function sharedExposure(
  a: ExposureLevel | null | undefined,
  b: ExposureLevel | null | undefined,
): ExposureLevel {
  const ra = a && isExposureLevel(a) ? EXPOSURE_RANK[a] : 0;
  const rb = b && isExposureLevel(b) ? EXPOSURE_RANK[b] : 0;
  return EXPOSURE_LEVELS[Math.min(ra, rb)]!;
}

/** The facts about a merchant that disclosure needs (and nothing about who paid what, or when). */
export interface MerchantFacts {
  id: string;
  name: string;
  brand: string | null;
  category: string;
  channel: 'offline' | 'online';
  district: string | null;
  lat: number | null;
  lon: number | null;
}

/**
 * A place as a view may show it. Only the fields its level allows are set: `place` → name, category, district;
 * `brand` → brand only (its k count is over all its outlets, so neither their category, district nor channel); `category` → category and
 * district (or online); `district` → district. Never a merchant id, an amount or a time.
 */
export interface PlaceLabel {
  level: DisclosureLevel;
  name: string | null;
  brand: string | null;
  category: string | null;
  district: string | null;
  online: boolean;
}

/** Distinct consenting users who paid, per thing a level names, in one window. */
export interface VisitorCounts {
  place: ReadonlyMap<string, number>;
  brand: ReadonlyMap<string, number>;
  categoryInDistrict: ReadonlyMap<string, number>;
  district: ReadonlyMap<string, number>;
}

export function categoryKey(m: Pick<MerchantFacts, 'category' | 'district' | 'channel'>): string {
  return m.channel === 'online' || m.district === null
    ? `${m.category}\u0000online`
    : `${m.category}\u0000${m.district}`;
}

const sql = {
  /** "Consenting" = the latest consent row (by granted_at) is not revoked: the engine's pool rule. */
  consents: `SELECT user_id, revoked_at IS NULL AS active FROM consents WHERE feature = 'meet_similar' ORDER BY user_id, granted_at`,
  /**
   * One sequential scan of the table: a window is a large share of the mirror, and going through the paid_at
   * index costs a random row lookup per payment (measured at 100k users: 28 s through the index, 3 s scanning).
   * Transactions name their payer and merchant by key: each distinct (payer, merchant) of the window is turned back
   * into ids once, not each payment (a synthetic 100k-user mirror, 1 M window rows: 2.7–3.3 s, as with the ids in
   * the table; joining every payment to its id, 3.8–4.7 s).
   */
  windowVisits: `SELECT k.id AS user_id, mk.id AS merchant_id FROM (
      SELECT DISTINCT user_key, merchant_key FROM transactions NOT INDEXED WHERE paid_at >= ? AND paid_at < ?
    ) v JOIN user_keys k ON k.key = v.user_key JOIN merchant_keys mk ON mk.key = v.merchant_key`,
  merchants: `SELECT id, name, brand, category, channel, district, lat, lon FROM merchants`,
  // Exposures and consents change only through imports, and an import's rows are visible only once it completed
  // (its run row is committed as 'running' before the data): the newest completed one versions the context.
  mirrorVersion: `SELECT coalesce(max(id), 0) FROM import_runs WHERE status = 'completed'`,
};

function bump(counts: Map<string, Set<number>>, key: string, user: number): void {
  let set = counts.get(key);
  if (!set) counts.set(key, (set = new Set()));
  set.add(user);
}

function sizes(counts: Map<string, Set<number>>): Map<string, number> {
  return new Map([...counts].map(([k, s]) => [k, s.size]));
}

/** The merchants of the mirror by id. */
export function loadMerchants(db: Db): Map<string, MerchantFacts> {
  const rows = db.prepare(sql.merchants).all() as MerchantFacts[];
  return new Map(rows.map((m) => [m.id, m]));
}

/**
 * Counts visitors for the window [start, end) in one scan of its transactions. The result is cached per database,
 * window and mirror version (the newest import run), since every preview of a run asks the same question.
 */
export interface DisclosureContext {
  merchants: ReadonlyMap<string, MerchantFacts>;
  counts: VisitorCounts;
}

const contextCache = new WeakMap<Db, Map<string, DisclosureContext>>();

export function disclosureContext(db: Db, window: { start: number; end: number }): DisclosureContext {
  const version = db.prepare(sql.mirrorVersion).pluck().get() as number;
  const key = `${window.start}:${window.end}:${version}`;
  let perDb = contextCache.get(db);
  if (!perDb) contextCache.set(db, (perDb = new Map()));
  const hit = perDb.get(key);
  if (hit) return hit;
  const merchants = loadMerchants(db);
  const userIndex = new Map<string, number>();
  const place = new Map<string, Set<number>>();
  const brand = new Map<string, Set<number>>();
  const category = new Map<string, Set<number>>();
  const district = new Map<string, Set<number>>();
  // Rows come in granted_at order per user, so the last one seen decides.
  let nextUser = 0;
  for (const [userId, active] of db.prepare(sql.consents).raw().iterate() as IterableIterator<[string, number]>) {
    if (active === 1) userIndex.set(userId, nextUser++);
    else userIndex.delete(userId);
  }
  for (const [userId, merchantId] of db
    .prepare(sql.windowVisits)
    .raw()
    .iterate(window.start, window.end) as IterableIterator<[string, string]>) {
    const u = userIndex.get(userId);
    if (u === undefined) continue; // not consenting: does not count towards k
    const m = merchants.get(merchantId);
    if (!m) continue;
    bump(place, m.id, u);
    if (m.brand !== null) bump(brand, m.brand, u);
    bump(category, categoryKey(m), u);
    if (m.channel === 'offline' && m.district !== null) bump(district, m.district, u);
  }
  const context: DisclosureContext = {
    merchants,
    counts: {
      place: sizes(place),
      brand: sizes(brand),
      categoryInDistrict: sizes(category),
      district: sizes(district),
    },
  };
  // A handful of windows at most are looked at in one session; keep the newest few.
  if (perDb.size >= 4) perDb.delete(perDb.keys().next().value!);
  perDb.set(key, context);
  return context;
}

/** Visitors counted for what `level` would name of merchant `m` (0 when the level cannot name it at all). */
export function visitorsAtLevel(counts: VisitorCounts, m: MerchantFacts, level: DisclosureLevel): number {
  switch (level) {
    case 'place':
      return counts.place.get(m.id) ?? 0;
    case 'brand':
      return m.brand === null ? 0 : (counts.brand.get(m.brand) ?? 0);
    case 'category':
      return counts.categoryInDistrict.get(categoryKey(m)) ?? 0;
    case 'district':
      return m.channel === 'offline' && m.district !== null ? (counts.district.get(m.district) ?? 0) : 0;
  }
}

/** The disclosure levels rule 1 allows for an exposure, finest first. */
export function levelsAllowedBy(exposure: ExposureLevel): DisclosureLevel[] {
  const from = { place: 0, brand: 1, category: 2, hidden: 4 }[exposure];
  return DISCLOSURE_LEVELS.slice(from);
}

/** Rule 2 on top of rule 1: the finest level that is allowed and k-anonymous, or null (withheld). */
export function disclosureLevel(
  m: MerchantFacts,
  exposure: ExposureLevel,
  counts: VisitorCounts,
  policy: MaskingPolicy,
): DisclosureLevel | null {
  assertValidPolicy(policy);
  for (const level of levelsAllowedBy(exposure)) {
    if (visitorsAtLevel(counts, m, level) >= policy.k) return level;
  }
  return null;
}

/** What `level` shows of merchant `m`. */
export function placeLabel(m: MerchantFacts, level: DisclosureLevel): PlaceLabel {
  const online = m.channel === 'online';
  switch (level) {
    case 'place':
      return { level, name: m.name, brand: null, category: m.category, district: online ? null : m.district, online };
    case 'brand':
      // Never the channel: the brand's k count is over all its outlets, online and offline, so "the brand's online
      // store" names a smaller set than the one counted (often just the pair), and on a guess card an online answer
      // would stand out among offline decoys (decoys at brand level are drawn across channels).
      return { level, name: null, brand: m.brand, category: null, district: null, online: false };
    case 'category':
      return { level, name: null, brand: null, category: m.category, district: online ? null : m.district, online };
    case 'district':
      return { level, name: null, brand: null, category: null, district: m.district, online: false };
  }
}

/** Two labels name the same thing (a guess card never offers the same answer twice). */
export function labelKey(label: PlaceLabel): string {
  // A brand names every outlet of it, online or not: one brand is one answer.
  if (label.level === 'brand') return `brand\u0000${label.brand}`;
  return [label.level, label.name, label.brand, label.category, label.district, label.online].join('\u0000');
}
