import type { ExposureLevel } from '../../../shared/domain/export-format';
import type { ProgressSink } from '../../../shared/progress';
import type { WindowCalendar } from './calendar';
import { CAT, type City } from './city';
import type { FaultInjector, FaultPlan } from './faults';
import { type ChunkedFile, PackedIds } from './output';
import { firstActiveDay, type Population } from './population';
import type { Rng } from './random';
import { MAX_SLOTS, type Routines } from './routines';

export const TRANSACTIONS_HEADER = 'id,user_id,merchant_id,amount_fen,paid_at';
/** Column indices (as strings) for CSV damage. */
export const TRANSACTIONS_FAULTS: FaultPlan = {
  id: '0',
  wrongType: ['3', '12.5'],
  missing: '2',
  reference: '1',
  time: '4',
};
export const EXPOSURES_FAULTS: FaultPlan = { wrongType: ['level', 3], missing: 'level', reference: 'merchant_id' };

/** Occasional visits outside routines: a restaurant across town, a cinema on a friend's suggestion. */
const EXPLORE_CHANCE = 0.035;

/**
 * Card payments from routines, day by day. This is the hot loop (5M rows per 100k users × 90 days): rows are
 * built as plain strings straight into the chunked file, no row objects.
 */
export function writeTransactions(
  out: ChunkedFile,
  calendar: WindowCalendar,
  city: City,
  people: Population,
  routines: Routines,
  rng: Rng,
  faults: FaultInjector,
  progress: ProgressSink,
): void {
  let serial = 0;
  const days = calendar.days;
  const { merchant, chance, startMinute, spanMinutes } = routines;
  const slotDays = routines.days;
  const userIds = new PackedIds(people.ids);
  const merchantIds = new PackedIds(city.ids);
  const { prefixBytes, timeBytes } = calendar;
  const COMMA = 44;
  const emit = (u: number, m: number, day: number, timeOfDay: number): void => {
    const base = city.basePrice[m]!;
    const category = city.category[m]!;
    // Coffee and gym visits often cost exactly the list price; other baskets vary.
    const amount =
      (category === CAT.coffee || category === CAT.gym) && rng.next() < 0.6
        ? base
        : Math.max(
            100,
            Math.round((base * (0.55 + rng.next() * (category === CAT.supermarket ? 1.6 : 0.9))) / 10) * 10,
          );
    const second = timeOfDay > 86399 ? 86399 : timeOfDay;
    serial++;
    out.byte(116); // 't'
    out.uint(serial);
    out.byte(COMMA);
    out.slice(userIds.bytes, u * userIds.width, userIds.width);
    out.byte(COMMA);
    out.slice(merchantIds.bytes, m * merchantIds.width, merchantIds.width);
    out.byte(COMMA);
    out.uint(amount);
    out.byte(COMMA);
    out.slice(prefixBytes, day * 11, 11);
    out.slice(timeBytes, second * 14, 14);
    out.endRow();
    if (faults.hit()) {
      // Rare: rebuild the row as text for the damaged copy.
      const cells = [`t${serial}`, people.ids[u]!, city.ids[m]!, String(amount), calendar.iso(day, second)];
      out.row(faults.csv(out.name, TRANSACTIONS_FAULTS, cells, cells.join(',')));
    }
  };

  for (let u = 0; u < people.count; u++) {
    if ((u & 1023) === 0) {
      progress.throwIfCancelled();
      progress.report('transactions', u, people.count);
    }
    const level = people.spend[u]! * (people.status[u] === 2 ? 0.3 : 1);
    const first = u * MAX_SLOTS;
    const last = first + routines.count[u]!;
    for (let day = firstActiveDay(people, u, calendar); day < days; day++) {
      const bit = 1 << calendar.weekday[day]!;
      for (let s = first; s < last; s++) {
        if ((slotDays[s]! & bit) === 0) continue;
        // Kindred pairs' shared places keep their own rhythm whatever the spending level.
        const p = routines.shared[s] ? chance[s]! : chance[s]! * level;
        if (rng.next() >= p) continue;
        emit(u, merchant[s]!, day, startMinute[s]! * 60 + rng.int(spanMinutes[s]! * 60));
      }
      if (rng.next() < EXPLORE_CHANCE * level) {
        emit(u, city.anywhere.members[city.anywhere.sampler.draw(rng)]!, day, 10 * 3600 + rng.int(12 * 3600));
      }
    }
  }
  progress.report('transactions', people.count, people.count);
}

/** What each user lets a match see of the places they frequent. Many never set anything (no row = hidden). */
export function writeExposures(
  out: ChunkedFile,
  city: City,
  people: Population,
  routines: Routines,
  rng: Rng,
  faults: FaultInjector,
): void {
  const seen = new Set<number>();
  for (let u = 0; u < people.count; u++) {
    if (rng.chance(0.3)) continue;
    // Each person has a habit: some share generously, most keep things vague.
    const openness = rng.next();
    seen.clear();
    const first = u * MAX_SLOTS;
    for (let s = first; s < first + routines.count[u]!; s++) {
      const m = routines.merchant[s]!;
      if (seen.has(m)) continue;
      seen.add(m);
      const r = rng.next() * 0.6 + openness * 0.4;
      let level: ExposureLevel = r < 0.4 ? 'hidden' : r < 0.65 ? 'category' : r < 0.8 ? 'brand' : 'place';
      if (level === 'brand' && city.brands[m] === null) level = 'category';
      const row = { user_id: people.ids[u]!, merchant_id: city.ids[m]!, level };
      const line = JSON.stringify(row);
      out.row(line);
      if (faults.hit()) out.row(faults.jsonl(out.name, EXPOSURES_FAULTS, row, line));
    }
  }
}
