import type { ExposureLevel } from '../../../shared/domain/export-format';
import type { ProgressSink } from '../../../shared/progress';
import type { WindowCalendar } from './calendar';
import { CAT, type City } from './city';
import type { FaultInjector, FaultPlan } from './faults';
import { RowIds, ROW_ID_LENGTH } from './ids';
import { type BigFileFormat, type ChunkedFile, PackedIds, doubled, timeOrder } from './output';
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
/** The same damage for transactions.jsonl. */
export const TRANSACTIONS_JSONL_FAULTS: FaultPlan = {
  id: 'id',
  wrongType: ['amount_fen', 12.5],
  missing: 'merchant_id',
  reference: 'user_id',
  time: 'paid_at',
};
export const EXPOSURES_FAULTS: FaultPlan = { wrongType: ['level', 3], missing: 'level', reference: 'merchant_id' };

/** Occasional visits outside routines: a restaurant across town, a cinema on a friend's suggestion. */
const EXPLORE_CHANCE = 0.035;

/** One day's payments before they are put in time order (grown as needed, reused day after day). */
class DayRows {
  count = 0;
  user: Int32Array = new Int32Array(1 << 16);
  merchant: Int32Array = new Int32Array(1 << 16);
  amount: Int32Array = new Int32Array(1 << 16);
  second: Int32Array = new Int32Array(1 << 16);

  push(u: number, m: number, amount: number, second: number): void {
    if (this.count === this.user.length) {
      this.user = doubled(this.user);
      this.merchant = doubled(this.merchant);
      this.amount = doubled(this.amount);
      this.second = doubled(this.second);
    }
    const k = this.count++;
    this.user[k] = u;
    this.merchant[k] = m;
    this.amount[k] = amount;
    this.second[k] = second;
  }
}

/**
 * Card payments from routines. This is the hot loop (5M rows per 100k users × 90 days). The file comes in time
 * order, as the platform's logs are cut, not grouped by user: the day's payments of every user are drawn, put in
 * order of the second they happened (a stable counting sort), numbered with 28-digit ids in that order and written
 * straight into the chunked file as CSV or JSONL — no row objects, no per-row strings.
 */
export function writeTransactions(
  out: ChunkedFile,
  format: BigFileFormat,
  calendar: WindowCalendar,
  city: City,
  people: Population,
  routines: Routines,
  rng: Rng,
  idRng: Rng,
  faults: FaultInjector,
  progress: ProgressSink,
): void {
  const days = calendar.days;
  const n = people.count;
  const { merchant, chance, startMinute, spanMinutes } = routines;
  const slotDays = routines.days;
  const userIds = new PackedIds(people.ids);
  const merchantIds = new PackedIds(city.ids);
  const rowIds = new RowIds('4200', idRng);
  const id = Buffer.alloc(ROW_ID_LENGTH);
  const { prefixBytes, timeBytes, date8Bytes } = calendar;
  const firstDay = new Int32Array(n);
  const level = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    firstDay[u] = firstActiveDay(people, u, calendar);
    level[u] = people.spend[u]! * (people.status[u] === 2 ? 0.3 : 1);
  }
  const rows = new DayRows();
  const draw = (u: number, m: number, timeOfDay: number): void => {
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
    rows.push(u, m, amount, timeOfDay > 86399 ? 86399 : timeOfDay);
  };
  const jsonl = format === 'jsonl';
  const QUOTE = 34;
  const COMMA = 44;
  let order: Int32Array = new Int32Array(0);

  for (let day = 0; day < days; day++) {
    progress.throwIfCancelled();
    progress.report('transactions', day, days);
    rows.count = 0;
    const bit = 1 << calendar.weekday[day]!;
    for (let u = 0; u < n; u++) {
      if (day < firstDay[u]!) continue;
      const first = u * MAX_SLOTS;
      const last = first + routines.count[u]!;
      for (let s = first; s < last; s++) {
        if ((slotDays[s]! & bit) === 0) continue;
        // Kindred pairs' shared places keep their own rhythm whatever the spending level.
        const p = routines.shared[s] ? chance[s]! : chance[s]! * level[u]!;
        if (rng.next() >= p) continue;
        draw(u, merchant[s]!, startMinute[s]! * 60 + rng.int(spanMinutes[s]! * 60));
      }
      if (rng.next() < EXPLORE_CHANCE * level[u]!) {
        draw(u, city.anywhere.members[city.anywhere.sampler.draw(rng)]!, 10 * 3600 + rng.int(12 * 3600));
      }
    }

    // Time order within the day, equal seconds in their drawing order.
    order = timeOrder(rows.second, rows.count, 86400, order);

    for (let i = 0; i < rows.count; i++) {
      const k = order[i]!;
      const u = rows.user[k]!;
      const m = rows.merchant[k]!;
      const amount = rows.amount[k]!;
      const second = rows.second[k]!;
      rowIds.write(id, 0, date8Bytes, day * 8);
      if (jsonl) {
        out.ascii('{"id":"');
        out.slice(id, 0, ROW_ID_LENGTH);
        out.ascii('","user_id":"');
        userIds.writeTo(out, u);
        out.ascii('","merchant_id":"');
        merchantIds.writeTo(out, m);
        out.ascii('","amount_fen":');
        out.uint(amount);
        out.ascii(',"paid_at":"');
        out.slice(prefixBytes, day * 11, 11);
        out.slice(timeBytes, second * 14, 14);
        out.byte(QUOTE);
        out.byte(125); // '}'
      } else {
        out.slice(id, 0, ROW_ID_LENGTH);
        out.byte(COMMA);
        userIds.writeTo(out, u);
        out.byte(COMMA);
        merchantIds.writeTo(out, m);
        out.byte(COMMA);
        out.uint(amount);
        out.byte(COMMA);
        out.slice(prefixBytes, day * 11, 11);
        out.slice(timeBytes, second * 14, 14);
      }
      out.endRow();
      if (faults.hit()) {
        // Rare: rebuild the row as text for the damaged copy.
        const row = {
          id: id.toString('latin1'),
          user_id: people.ids[u]!,
          merchant_id: city.ids[m]!,
          amount_fen: amount,
          paid_at: calendar.iso(day, second),
        };
        if (jsonl) out.row(faults.jsonl(out.name, TRANSACTIONS_JSONL_FAULTS, row, JSON.stringify(row)));
        else {
          const cells = [row.id, row.user_id, row.merchant_id, String(amount), row.paid_at];
          out.row(faults.csv(out.name, TRANSACTIONS_FAULTS, cells, cells.join(',')));
        }
      }
    }
  }
  progress.report('transactions', days, days);
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
