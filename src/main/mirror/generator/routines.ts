import { CAT, type City, DISTRICTS, drawLocal } from './city';
import { type Population, ROLE } from './population';
import type { Rng } from './random';

/**
 * Habits: each person's recurring visits (the same coffee shop on weekday mornings, lunch near work, the
 * supermarket near home at weekends, the gym on fixed evenings …). A routine is a merchant, the weekdays it
 * happens on, a local time band and a chance per eligible day. Stored flat: user i owns slots
 * [i*MAX_SLOTS, i*MAX_SLOTS + count[i]).
 */
export const MAX_SLOTS = 20;
const WEEKDAYS = 0b0011111;
const WEEKEND = 0b1100000;
const EVERY_DAY = 0b1111111;
const FRI_TO_SUN = 0b1110000;

export interface Routines {
  count: Uint8Array;
  merchant: Int32Array;
  /** Bit d set = happens on weekday d (0 = Monday). */
  days: Uint8Array;
  /** Local start of the time band, minutes after midnight, and its length. */
  startMinute: Uint16Array;
  spanMinutes: Uint16Array;
  chance: Float32Array;
  /** 1 for the quiet places a kindred pair shares. */
  shared: Uint8Array;
}

/** Scales every routine so 100k users × 90 days give about 5 million transactions. */
const ACTIVITY = 0.35;

export function buildRoutines(city: City, people: Population, rng: Rng): Routines {
  const n = people.count;
  const r: Routines = {
    count: new Uint8Array(n),
    merchant: new Int32Array(n * MAX_SLOTS),
    days: new Uint8Array(n * MAX_SLOTS),
    startMinute: new Uint16Array(n * MAX_SLOTS),
    spanMinutes: new Uint16Array(n * MAX_SLOTS),
    chance: new Float32Array(n * MAX_SLOTS),
    shared: new Uint8Array(n * MAX_SLOTS),
  };
  const add = (
    u: number,
    merchant: number,
    days: number,
    start: number,
    span: number,
    chance: number,
    shared = 0,
  ): void => {
    if (merchant < 0 || r.count[u]! >= MAX_SLOTS) return;
    const s = u * MAX_SLOTS + r.count[u]!;
    r.merchant[s] = merchant;
    r.days[s] = days;
    r.startMinute[s] = start;
    r.spanMinutes[s] = span;
    r.chance[s] = chance;
    r.shared[s] = shared;
    r.count[u]!++;
  };
  const usedQuiet = new Uint8Array(city.count);
  const randomDays = (k: number, within: number): number => {
    let mask = 0;
    for (let guard = 0; guard < 50 && popcount(mask) < k; guard++) {
      const d = rng.int(7);
      if (within & (1 << d)) mask |= 1 << d;
    }
    return mask;
  };

  for (let u = 0; u < n; u++) {
    const home = people.home[u]!;
    const work = people.work[u]!;
    const commutes = people.commutes[u] === 1;

    // Kindred pairs first (from the lower index), so their shared quiet places always fit.
    const partner = people.partner[u]!;
    if (people.role[u] === ROLE.kindred && partner > u) {
      const district = people.home[partner] === home ? home : work;
      const places = rng.range(3, 6);
      const taken: number[] = [];
      for (let k = 0; k < places; k++) {
        const m = pickQuiet(city, district, rng, usedQuiet, taken);
        if (m < 0) break;
        usedQuiet[m] = 1;
        taken.push(m);
        const c = city.category[m]!;
        let days: number;
        let start: number;
        let span: number;
        if (c === CAT.coffee)
          [days, start, span] = rng.chance(0.6) ? [randomDays(3, WEEKDAYS), 7 * 60 + 30, 90] : [WEEKEND, 10 * 60, 120];
        else if (c === CAT.gym)
          [days, start, span] = rng.chance(0.7) ? [randomDays(2, WEEKDAYS), 18 * 60 + 30, 120] : [WEEKEND, 9 * 60, 120];
        else if (c === CAT.bookstore) [days, start, span] = [WEEKEND, 14 * 60, 180];
        else
          [days, start, span] = rng.chance(0.5)
            ? [randomDays(2, WEEKDAYS), 11 * 60 + 40, 80]
            : [FRI_TO_SUN, 18 * 60, 150];
        const chance = popcount(days) >= 3 ? 0.4 : 0.55;
        add(u, m, days, start, span, chance, 1);
        add(partner, m, days, start, span, chance, 1);
      }
    }

    const a = ACTIVITY;
    if (commutes) {
      if (rng.chance(0.45)) add(u, drawLocal(city, work, CAT.coffee, rng), WEEKDAYS, 7 * 60 + 20, 130, a * 0.5);
      const lunches = rng.range(1, 3);
      for (let k = 0; k < lunches; k++)
        add(u, drawLocal(city, work, CAT.restaurant, rng), WEEKDAYS, 11 * 60 + 30, 110, (a * 0.5) / lunches + a * 0.05);
      if (rng.chance(0.5)) add(u, drawLocal(city, work, CAT.convenience, rng), WEEKDAYS, 8 * 60, 100, a * 0.15);
    } else if (rng.chance(0.3)) {
      add(u, drawLocal(city, home, CAT.coffee, rng), EVERY_DAY, 9 * 60 + 30, 300, a * 0.25);
    }
    add(
      u,
      drawLocal(city, home, CAT.convenience, rng),
      EVERY_DAY,
      rng.chance(0.7) ? 18 * 60 + 30 : 7 * 60,
      260,
      a * 0.22,
    );
    add(u, drawLocal(city, home, CAT.supermarket, rng), WEEKEND, 10 * 60, 480, a * 0.4);
    if (rng.chance(0.3)) add(u, drawLocal(city, home, CAT.supermarket, rng), WEEKDAYS, 18 * 60 + 30, 180, a * 0.08);
    if (rng.chance(0.25)) {
      const nearWork = commutes && rng.chance(0.5);
      const evening = rng.chance(0.75);
      add(
        u,
        drawLocal(city, nearWork ? work : home, CAT.gym, rng),
        evening ? randomDays(rng.range(2, 3), WEEKDAYS) : WEEKEND,
        evening ? 18 * 60 + 30 : 8 * 60 + 30,
        evening ? 150 : 180,
        a * 1.3,
      );
    }
    const dinners = rng.range(1, 3);
    for (let k = 0; k < dinners; k++)
      add(
        u,
        drawLocal(city, rng.chance(0.7) ? home : work, CAT.restaurant, rng),
        FRI_TO_SUN,
        17 * 60 + 45,
        200,
        (a * 0.4) / dinners,
      );
    if (rng.chance(0.12)) add(u, drawLocal(city, home, CAT.bookstore, rng), WEEKEND, 14 * 60, 240, a * 0.3);
    if (rng.chance(0.3))
      add(u, drawLocal(city, rng.chance(0.5) ? home : work, CAT.cinema, rng), FRI_TO_SUN, 19 * 60, 180, a * 0.12);
    const shops = rng.range(1, 3);
    for (let k = 0; k < shops; k++) {
      const m = city.onlineStores.members[city.onlineStores.sampler.draw(rng)]!;
      add(u, m, EVERY_DAY, 9 * 60, 900, a * 0.07);
    }
  }
  return r;
}

/**
 * A quiet independent coffee shop, gym, bookstore or small restaurant in `district`, preferring places no other
 * pair was given; falls back to other districts, then to reuse (a quiet place shared by two pairs is still rare).
 */
function pickQuiet(city: City, district: number, rng: Rng, used: Uint8Array, taken: readonly number[]): number {
  const categories = [CAT.coffee, CAT.gym, CAT.bookstore, CAT.restaurant];
  const candidates = (d: number, allowUsed: boolean): number[] => {
    const out: number[] = [];
    for (const c of categories)
      for (const m of city.local[d]![c]!.members)
        if (city.quiet[m] && (allowUsed || !used[m]) && !taken.includes(m)) out.push(m);
    return out;
  };
  let pool = candidates(district, false);
  for (let k = 1; pool.length === 0 && k < DISTRICTS.length; k++)
    pool = candidates((district + k) % DISTRICTS.length, false);
  if (pool.length === 0) pool = candidates(district, true);
  if (pool.length === 0) return -1;
  // The quieter half of the quiet places.
  pool.sort((x, y) => city.popularity[x]! - city.popularity[y]! || x - y);
  return pool[rng.int(Math.ceil(pool.length / 2))]!;
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x; v; v &= v - 1) c++;
  return c;
}
