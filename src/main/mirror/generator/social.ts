import type { ProgressSink } from '../../../shared/progress';
import type { WindowCalendar } from './calendar';
import { type City, DISTRICTS } from './city';
import type { FaultInjector, FaultPlan } from './faults';
import { type ChunkedFile, csvCell } from './output';
import { firstActiveDay, inPool, isCompatible, type Population, ROLE, TRAP } from './population';
import type { Rng } from './random';
import { MAX_SLOTS, type Routines } from './routines';
import {
  BILL_MEMOS,
  camouflagedGreeting,
  friendMemo,
  type Handle,
  normalGreeting,
  REPORT_TEXTS,
  SHOP_OWNER_MEMOS,
  sellerGreeting,
  sellerHandle,
  sellerMemo,
  spamGreeting,
  spamVoice,
} from './texts';

export const TRANSFERS_HEADER = 'id,from_user,to_user,amount_fen,paid_at,memo';
export const TRANSFERS_FAULTS: FaultPlan = {
  id: '0',
  wrongType: ['3', 'abc'],
  missing: '2',
  reference: '1',
  tooLong: ['5', 200],
  time: '4',
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
  greetings: ChunkedFile;
  reports: ChunkedFile;
  blocks: ChunkedFile;
  introductions: ChunkedFile;
}

const OUTCOMES = ['pending', 'greeted', 'matched', 'declined', 'reported'] as const;
const OUTCOME_WEIGHTS = [0.05, 0.33, 0.15, 0.42, 0.05];

/**
 * Money between people, greetings, reports, blocks and past introductions. Planted roles live here: sellers
 * paid small repeated price points by many strangers, spammers greeting hundreds, and the traps (bill
 * collectors, shop owners paid by a few regulars, popular people who receive many greetings).
 */
export function writeSocial(
  files: SocialFiles,
  calendar: WindowCalendar,
  city: City,
  people: Population,
  routines: Routines,
  rng: Rng,
  faults: FaultInjector,
  progress: ProgressSink,
): void {
  const n = people.count;
  const scale = calendar.days / 90;
  const scaled = (lo: number, hi: number): number => Math.max(1, Math.round(rng.range(lo, hi) * scale));
  let transferSerial = 0;
  let greetingSerial = 0;
  let reportSerial = 0;
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

  const transfer = (from: number, to: number, amount: number, day: number, memo: string): void => {
    const cells = [`x${++transferSerial}`, id(from), id(to), String(amount), at(day, 8, 15), csvCell(memo)];
    const line = cells.join(',');
    files.transfers.row(line);
    if (faults.hit()) files.transfers.row(faults.csv(files.transfers.name, TRANSFERS_FAULTS, cells, line));
  };
  const greet = (
    from: number,
    to: number,
    day: number,
    text: string,
    replyChance: number,
    fromHour = 9,
    hours = 14,
  ): void => {
    const sentSecond = fromHour * 3600 + rng.int(hours * 3600);
    const sent = calendar.unix(day, sentSecond);
    const replied = rng.chance(replyChance) ? sent + 60 + rng.int(36 * 3600) : null;
    const row = {
      id: `g${++greetingSerial}`,
      from_user: id(from),
      to_user: id(to),
      sent_at: calendar.iso(day, sentSecond),
      text,
      replied_at: replied !== null && replied < calendar.end ? isoOf(calendar, replied) : null,
    };
    const line = JSON.stringify(row);
    files.greetings.row(line);
    if (faults.hit()) files.greetings.row(faults.jsonl(files.greetings.name, GREETINGS_FAULTS, row, line));
  };
  const report = (reporter: number, reported: number, reason: keyof typeof REPORT_TEXTS): void => {
    const row = {
      id: `r${++reportSerial}`,
      reporter_id: id(reporter),
      reported_id: id(reported),
      created_at: at(dayFor(reporter, reported), 8, 15),
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
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const key = `${lo}:${hi}`;
      if (met.has(key)) continue;
      met.add(key);
      introducedToday[a] = introducedToday[b] = day;
      let r = rng.next();
      let o = 0;
      while (o < OUTCOMES.length - 1 && r >= OUTCOME_WEIGHTS[o]!) r -= OUTCOME_WEIGHTS[o++]!;
      const outcome = OUTCOMES[o]!;
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
          normalGreeting(placeOf(from), DISTRICTS[people.home[from]!]!.name, rng),
          outcome === 'matched' ? 1 : 0.3,
        );
        if (outcome === 'reported') report(to, from, rng.pick(['harassment', 'fake_profile', 'other'] as const));
      }
    }
  }

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
        greet(u, to, dayFor(u, to), normalGreeting(placeOf(u), home, rng), 0.45);
      }
    }
    if (people.role[u] === ROLE.normal && rng.chance(0.003))
      report(neighbour(u), u, rng.pick(['harassment', 'fake_profile', 'other'] as const));
    if (rng.chance(0.008)) block(u, neighbour(u));

    switch (people.trap[u]) {
      case TRAP.billCollector: {
        // Flatmates pay rent at the start of each month and settle dinners: many transfers, few payers.
        const mates = Array.from({ length: rng.range(3, 6) }, () => neighbour(u));
        const rent = rng.pick([150000, 180000, 220000, 260000]);
        for (let day = firstActiveDay(people, u, calendar); day < calendar.days; day++) {
          if (calendar.dayOfMonth[day] === 1)
            for (const m of mates)
              transfer(
                m,
                u,
                Math.round(rent / mates.length / 100) * 100,
                Math.min(calendar.days - 1, day + rng.int(4)),
                rng.chance(0.7) ? '房租' : rng.pick(BILL_MEMOS),
              );
          if (calendar.weekday[day] === 5 && rng.chance(0.4))
            for (const m of mates)
              if (rng.chance(0.7)) transfer(m, u, 4000 + rng.int(8000), day, rng.pick(BILL_MEMOS.slice(1)));
        }
        break;
      }
      case TRAP.shopOwner: {
        const regulars = Array.from({ length: rng.range(3, 8) }, () => neighbour(u));
        for (const r of regulars) {
          const times = scaled(2, 6);
          for (let k = 0; k < times; k++)
            transfer(
              r,
              u,
              rng.pick([1500, 2800, 3500, 6000, 1200 + rng.int(50) * 100]),
              dayFor(r, u),
              rng.pick(SHOP_OWNER_MEMOS),
            );
        }
        break;
      }
      case TRAP.popular: {
        const admirers = scaled(30, 100);
        for (let k = 0; k < admirers; k++) {
          const from = anyone(u);
          greet(
            from,
            u,
            dayFor(from, u),
            normalGreeting(placeOf(from), DISTRICTS[people.home[from]!]!.name, rng),
            0.25,
          );
        }
        break;
      }
    }

    if (people.role[u] === ROLE.microSeller) plantSeller(u);
    else if (people.role[u] === ROLE.spammer) plantSpammer(u);
  }
  progress.report('transfers and greetings', n, n);

  function plantSeller(u: number): void {
    const handle: Handle = sellerHandle(rng);
    // Camouflaged sellers show mostly one strong signal: either the money or the greetings.
    const camo = people.camouflaged[u] === 1;
    const moneyStrong = !camo || rng.chance(0.6);
    const payers = moneyStrong ? scaled(25, 90) : scaled(3, 8);
    for (let k = 0; k < payers; k++) {
      const payer = anyone(u);
      const orders = rng.chance(0.75) ? 1 : 2;
      for (let o = 0; o < orders; o++) {
        const qty = rng.chance(0.7) ? 1 : rng.range(2, 3);
        transfer(payer, u, rng.pick(handle.prices) * qty, dayFor(payer, u), sellerMemo(handle, qty, rng));
      }
    }
    const greetings = camo ? (moneyStrong ? rng.range(0, 2) : scaled(10, 25)) : scaled(10, 40);
    for (let k = 0; k < greetings; k++) {
      const to = rng.chance(0.6) ? neighbour(u) : anyone(u);
      const text =
        camo && moneyStrong ? camouflagedGreeting(handle, placeOf(u), rng) : sellerGreeting(handle, placeOf(u), rng);
      greet(u, to, dayFor(u, to), text, 0.15, 10, 13);
      if (rng.chance(0.02)) block(to, u);
    }
    if (!camo && rng.chance(0.35)) for (let k = rng.range(1, 3); k > 0; k--) report(anyone(u), u, 'selling');
  }

  function plantSpammer(u: number): void {
    const voice = spamVoice(rng);
    const total = scaled(40, 160);
    // Bursts: a few active days, many greetings each, at any hour.
    const first = firstActiveDay(people, u, calendar);
    const burstDays = Array.from({ length: rng.range(2, 6) }, () =>
      Math.max(first, calendar.days - 1 - rng.int(Math.min(calendar.days, 30))),
    );
    const recipients: number[] = [];
    for (let k = 0; k < total; k++) {
      const to = anyone(u);
      recipients.push(to);
      greet(u, to, rng.pick(burstDays), spamGreeting(voice, rng), 0.03, 0, 24);
      if (rng.chance(0.05)) block(to, u);
    }
    if (rng.chance(0.6))
      for (let k = rng.range(1, 6); k > 0; k--) report(rng.pick(recipients), u, rng.chance(0.7) ? 'spam' : 'selling');
  }
}

function isoOf(calendar: WindowCalendar, unix: number): string {
  const offset = unix - calendar.start;
  const day = Math.floor(offset / 86400);
  return calendar.iso(day, offset - day * 86400);
}
