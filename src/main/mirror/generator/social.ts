import type { ProgressSink } from '../../../shared/progress';
import type { WindowCalendar } from './calendar';
import { type City, DISTRICTS } from './city';
import type { FaultInjector, FaultPlan } from './faults';
import { RowIds, ROW_ID_LENGTH } from './ids';
import { type BigFileFormat, type ChunkedFile, csvCell, doubled, timeOrder } from './output';
import { chatText } from './families/chat';
import type { SocialContext } from './families/context';
import { FAMILY_PLANS } from './families/plans';
import { FAMILY, firstActiveDay, inPool, isCompatible, type Population, ROLE } from './population';
import type { Rng } from './random';
import { MAX_SLOTS, type Routines } from './routines';
import { friendMemo, REPORT_TEXTS } from './texts';

export const TRANSFERS_HEADER = 'id,from_user,to_user,amount_fen,paid_at,memo';
export const TRANSFERS_FAULTS: FaultPlan = {
  id: '0',
  wrongType: ['3', 'abc'],
  missing: '2',
  reference: '1',
  tooLong: ['5', 200],
  time: '4',
};
/** The same damage for transfers.jsonl. */
export const TRANSFERS_JSONL_FAULTS: FaultPlan = {
  id: 'id',
  wrongType: ['amount_fen', 'abc'],
  missing: 'to_user',
  reference: 'from_user',
  tooLong: ['memo', 200],
  time: 'paid_at',
};
export const GREETINGS_FAULTS: FaultPlan = {
  id: 'id',
  wrongType: ['text', 42],
  missing: 'text',
  reference: 'to_user',
  tooLong: ['text', 500],
  time: 'sent_at',
};
export const REPORTS_FAULTS: FaultPlan = {
  id: 'id',
  wrongType: ['reason', 1],
  missing: 'reason',
  reference: 'reporter_id',
  tooLong: ['text', 500],
  time: 'created_at',
};
export const BLOCKS_FAULTS: FaultPlan = {
  wrongType: ['created_at', 1700000000],
  missing: 'blocked_id',
  reference: 'blocker_id',
  time: 'created_at',
};
export const INTRODUCTIONS_FAULTS: FaultPlan = {
  wrongType: ['date', 20261101],
  missing: 'outcome',
  reference: 'user_b',
  time: 'date',
};

export interface SocialFiles {
  transfers: ChunkedFile;
  transfersFormat: BigFileFormat;
  greetings: ChunkedFile;
  reports: ChunkedFile;
  blocks: ChunkedFile;
  introductions: ChunkedFile;
}

const OUTCOMES = ['pending', 'greeted', 'matched', 'declined', 'reported'] as const;
const OUTCOME_WEIGHTS = [0.05, 0.33, 0.15, 0.42, 0.05];

/**
 * Money between people, greetings, reports, blocks and past introductions: everyone's ordinary share of them, then
 * what each behaviour family plants (families/: sellers, spammers and the hard negatives that look like them).
 */
export function writeSocial(
  files: SocialFiles,
  calendar: WindowCalendar,
  city: City,
  people: Population,
  routines: Routines,
  rng: Rng,
  idRng: Rng,
  faults: FaultInjector,
  progress: ProgressSink,
): void {
  const n = people.count;
  const scale = calendar.days / 90;
  const scaled = (lo: number, hi: number): number => Math.max(1, Math.round(rng.range(lo, hi) * scale));
  const blocked = new Set<string>();
  const id = (i: number): string => people.ids[i]!;
  const anyone = (not: number): number => {
    const x = rng.int(n - 1);
    return x >= not ? x + 1 : x;
  };
  const neighbour = (u: number): number => {
    const bucket = rng.chance(0.5) ? people.byHome[people.home[u]!]! : people.byWork[people.work[u]!]!;
    const v = bucket[rng.int(bucket.length)]!;
    return v === u ? anyone(u) : v;
  };
  const at = (day: number, fromHour: number, hours: number): string =>
    calendar.iso(day, fromHour * 3600 + rng.int(hours * 3600));
  /** A day on which both people already had accounts. */
  const dayFor = (a: number, b: number): number => {
    const first = Math.max(firstActiveDay(people, a, calendar), firstActiveDay(people, b, calendar));
    return first + rng.int(calendar.days - first);
  };
  const placeOf = (u: number): string => {
    const c = routines.count[u]!;
    return c === 0 ? '附近' : city.names[routines.merchant[u * MAX_SLOTS + rng.int(c)]!]!;
  };

  // Transfers and greetings are kept until every one is drawn, then written in time order (as the platform's
  // logs are cut) with ids issued in that order. Times are seconds from the window's start.
  const transfers = new TimedRows();
  const transferAmount: number[] = [];
  const transferMemo: string[] = [];
  const windowSeconds = calendar.days * 86400;
  const clampSecond = (t: number): number => Math.max(0, Math.min(windowSeconds - 1, t));
  const transferAt = (from: number, to: number, amount: number, second: number, memo: string): void => {
    if (from === to) return;
    transfers.push(from, to, clampSecond(second));
    transferAmount.push(amount);
    transferMemo.push(memo);
  };
  const transfer = (from: number, to: number, amount: number, day: number, memo: string): void =>
    transferAt(from, to, amount, day * 86400 + 8 * 3600 + rng.int(15 * 3600), memo);
  const greetings = new TimedRows();
  const greetingText: string[] = [];
  /** Reply time in seconds from the window's start, −1 when never replied (or not yet at the export). */
  const greetingReplied: number[] = [];
  const greetAt = (from: number, to: number, second: number, text: string, replyChance: number): void => {
    if (from === to) return;
    const sent = clampSecond(second);
    const replied = rng.chance(replyChance) ? sent + 60 + rng.int(36 * 3600) : -1;
    greetings.push(from, to, sent);
    greetingText.push(text);
    greetingReplied.push(replied >= 0 && replied < windowSeconds ? replied : -1);
  };
  const greet = (
    from: number,
    to: number,
    day: number,
    text: string,
    replyChance: number,
    fromHour = 9,
    hours = 14,
  ): void => greetAt(from, to, day * 86400 + fromHour * 3600 + rng.int(hours * 3600), text, replyChance);
  const reportIds = new RowIds('9100', idRng);
  const reportId = Buffer.alloc(ROW_ID_LENGTH);
  const report = (reporter: number, reported: number, reason: keyof typeof REPORT_TEXTS): void => {
    const day = dayFor(reporter, reported);
    reportIds.write(reportId, 0, calendar.date8Bytes, day * 8);
    const row = {
      id: reportId.toString('latin1'),
      reporter_id: id(reporter),
      reported_id: id(reported),
      created_at: at(day, 8, 15),
      reason,
      text: rng.pick(REPORT_TEXTS[reason]),
    };
    const line = JSON.stringify(row);
    files.reports.row(line);
    if (faults.hit()) files.reports.row(faults.jsonl(files.reports.name, REPORTS_FAULTS, row, line));
  };
  const block = (blocker: number, target: number): void => {
    const key = `${blocker}:${target}`;
    if (blocker === target || people.partner[blocker] === target || blocked.has(key)) return;
    blocked.add(key);
    const row = { blocker_id: id(blocker), blocked_id: id(target), created_at: at(dayFor(blocker, target), 8, 15) };
    const line = JSON.stringify(row);
    files.blocks.row(line);
    if (faults.hit()) files.blocks.row(faults.jsonl(files.blocks.name, BLOCKS_FAULTS, row, line));
  };

  // Past introductions: at most one per user per day, compatible pool members, never a kindred pair.
  progress.report('introductions', 0, calendar.days);
  // Attempts per day; about a fifth survive the pool, compatibility and once-a-day checks.
  const perDay = Math.max(1, Math.round((n * 2.5) / calendar.days));
  const introducedToday = new Int32Array(n).fill(-1);
  const met = new Set<string>();
  const introduced = new Map<number, number[]>();
  const noIntroductions: readonly number[] = [];
  for (let day = 0; day < calendar.days; day++) {
    for (let k = 0; k < perDay; k++) {
      const a = rng.int(n);
      if (!inPool(people, a) || people.role[a] === ROLE.kindred || introducedToday[a] === day) continue;
      const b = neighbour(a);
      if (
        !inPool(people, b) ||
        people.role[b] === ROLE.kindred ||
        introducedToday[b] === day ||
        !isCompatible(people, a, b)
      )
        continue;
      if (day < firstActiveDay(people, a, calendar) || day < firstActiveDay(people, b, calendar)) continue;
      const key = a < b ? `${a}:${b}` : `${b}:${a}`;
      if (met.has(key)) continue;
      met.add(key);
      introducedToday[a] = introducedToday[b] = day;
      for (const [x, y] of [
        [a, b],
        [b, a],
      ] as const) {
        const list = introduced.get(x);
        if (list) list.push(y);
        else introduced.set(x, [y]);
      }
      let r = rng.next();
      let o = 0;
      while (o < OUTCOMES.length - 1 && r >= OUTCOME_WEIGHTS[o]!) r -= OUTCOME_WEIGHTS[o++]!;
      const outcome = OUTCOMES[o]!;
      // The pair in id order (a pair is unordered; one spelling of it keeps the file deterministic).
      const [lo, hi] = id(a) < id(b) ? [a, b] : [b, a];
      const row = { user_a: id(lo), user_b: id(hi), date: calendar.date(day), outcome };
      const line = JSON.stringify(row);
      files.introductions.row(line);
      if (faults.hit())
        files.introductions.row(faults.jsonl(files.introductions.name, INTRODUCTIONS_FAULTS, row, line));
      if (outcome !== 'pending' && outcome !== 'declined') {
        const [from, to] = rng.chance(0.5) ? [a, b] : [b, a];
        greet(
          from,
          to,
          day,
          chatText(placeOf(from), DISTRICTS[people.home[from]!]!.name, rng),
          outcome === 'matched' ? 1 : 0.3,
        );
        if (outcome === 'reported') report(to, from, rng.pick(['harassment', 'fake_profile', 'other'] as const));
      }
    }
  }

  const ctx: SocialContext = {
    rng,
    people,
    calendar,
    scale,
    scaled,
    anyone,
    neighbour,
    colleague: (u) => {
      const bucket = people.byWork[people.work[u]!]!;
      const v = bucket[rng.int(bucket.length)]!;
      return v === u ? anyone(u) : v;
    },
    placeOf,
    districtOf: (u) => DISTRICTS[people.home[u]!]!.name,
    firstDay: (u) => firstActiveDay(people, u, calendar),
    dayFor,
    introducedTo: (u) => introduced.get(u) ?? noIntroductions,
    transfer,
    transferAt,
    greet,
    greetAt,
    report,
    block,
  };
  const planOf = FAMILY_PLANS.map((plan) => ({ index: FAMILY[plan.family], plan }));
  const planByIndex = new Map(planOf.map((p) => [p.index, p.plan]));

  for (let u = 0; u < n; u++) {
    if ((u & 1023) === 0) {
      progress.throwIfCancelled();
      progress.report('transfers and greetings', u, n);
    }
    const home = DISTRICTS[people.home[u]!]!.name;

    // Everyone: a few transfers to friends (the same handful of people), a few greetings.
    const friends = [neighbour(u), neighbour(u), neighbour(u), neighbour(u)];
    const outgoing = rng.poisson(1.9 * scale);
    for (let k = 0; k < outgoing; k++) {
      const amount = rng.chance(0.4)
        ? rng.pick([1000, 2000, 5000, 10000, 20000, 52000])
        : 300 + rng.int(300) * 100 + (rng.chance(0.3) ? rng.int(100) : 0);
      const friend = rng.pick(friends);
      transfer(u, friend, amount, dayFor(u, friend), friendMemo(rng));
    }
    if (people.consenting[u] && people.role[u] !== ROLE.spammer) {
      const greetings = rng.poisson(0.3 * scale);
      for (let k = 0; k < greetings; k++) {
        const to = neighbour(u);
        greet(u, to, dayFor(u, to), chatText(placeOf(u), home, rng), 0.45);
      }
    }
    if (people.role[u] === ROLE.normal && rng.chance(0.003))
      report(neighbour(u), u, rng.pick(['harassment', 'fake_profile', 'other'] as const));
    if (rng.chance(0.008)) block(u, neighbour(u));

    planByIndex.get(people.family[u]!)?.plant(ctx, u);
  }
  progress.report('transfers and greetings', n, n);
  writeTransfers();
  writeGreetings();

  function writeTransfers(): void {
    const out = files.transfers;
    const jsonl = files.transfersFormat === 'jsonl';
    const ids = new RowIds('1000', idRng);
    const rowId = Buffer.alloc(ROW_ID_LENGTH);
    const order = timeOrder(transfers.time, transfers.count, calendar.days * 86400);
    for (let i = 0; i < transfers.count; i++) {
      const k = order[i]!;
      const t = transfers.time[k]!;
      const day = Math.floor(t / 86400);
      ids.write(rowId, 0, calendar.date8Bytes, day * 8);
      const row = {
        id: rowId.toString('latin1'),
        from_user: id(transfers.from[k]!),
        to_user: id(transfers.to[k]!),
        amount_fen: transferAmount[k]!,
        paid_at: calendar.iso(day, t - day * 86400),
        memo: transferMemo[k]!,
      };
      if (jsonl) {
        const line = JSON.stringify(row);
        out.row(line);
        if (faults.hit()) out.row(faults.jsonl(out.name, TRANSFERS_JSONL_FAULTS, row, line));
      } else {
        const cells = [row.id, row.from_user, row.to_user, String(row.amount_fen), row.paid_at, csvCell(row.memo)];
        const line = cells.join(',');
        out.row(line);
        if (faults.hit()) out.row(faults.csv(out.name, TRANSFERS_FAULTS, cells, line));
      }
    }
  }

  function writeGreetings(): void {
    const out = files.greetings;
    const ids = new RowIds('7700', idRng);
    const rowId = Buffer.alloc(ROW_ID_LENGTH);
    const order = timeOrder(greetings.time, greetings.count, calendar.days * 86400);
    const iso = (t: number): string => {
      const day = Math.floor(t / 86400);
      return calendar.iso(day, t - day * 86400);
    };
    for (let i = 0; i < greetings.count; i++) {
      const k = order[i]!;
      const t = greetings.time[k]!;
      ids.write(rowId, 0, calendar.date8Bytes, Math.floor(t / 86400) * 8);
      const replied = greetingReplied[k]!;
      const row = {
        id: rowId.toString('latin1'),
        from_user: id(greetings.from[k]!),
        to_user: id(greetings.to[k]!),
        sent_at: iso(t),
        text: greetingText[k]!,
        replied_at: replied >= 0 ? iso(replied) : null,
      };
      const line = JSON.stringify(row);
      out.row(line);
      if (faults.hit()) out.row(faults.jsonl(out.name, GREETINGS_FAULTS, row, line));
    }
  }
}

/** Rows between two users at a time (seconds from the window's start), in the order they were drawn. */
class TimedRows {
  count = 0;
  from: Int32Array = new Int32Array(1024);
  to: Int32Array = new Int32Array(1024);
  time: Int32Array = new Int32Array(1024);

  push(from: number, to: number, time: number): void {
    if (this.count === this.from.length) {
      this.from = doubled(this.from);
      this.to = doubled(this.to);
      this.time = doubled(this.time);
    }
    this.from[this.count] = from;
    this.to[this.count] = to;
    this.time[this.count++] = time;
  }
}
