import type { Rng } from '../random';
import { between, type FamilyPlan, type SocialContext, secondOf } from './context';

/**
 * Hosts of ordinary gatherings: many people pay one person within a day or two, at a few round amounts — a
 * wedding's gift money, a birthday split evenly, a trip's deposit and balance, a club's weekly court fee, a class's
 * fund. Nothing is sold: each is an event (or a club of the same members), not a stream of strangers. The sort and
 * its sizes are drawn per host.
 */

const pickWeighted = <T>(rng: Rng, items: readonly (readonly [T, number])[]): T => {
  let r = rng.next() * items.reduce((s, [, w]) => s + w, 0);
  for (const [item, w] of items) if ((r -= w) < 0) return item;
  return items[items.length - 1]![0];
};

const GIFTS: readonly (readonly [number, number])[] = [
  [20000, 3],
  [50000, 4],
  [60000, 2],
  [66600, 2],
  [80000, 1],
  [88800, 2],
  [100000, 3],
  [120000, 1],
  [160000, 1],
  [200000, 1],
];

function guest(ctx: SocialContext, host: number): number {
  return ctx.rng.chance(0.6) ? ctx.neighbour(host) : ctx.anyone(host);
}

/** A day of the window on which an event can take place (the host had the account). */
function eventDay(ctx: SocialContext, host: number): number {
  const first = ctx.firstDay(host);
  return first + ctx.rng.int(Math.max(1, ctx.calendar.days - first));
}

const clip = (ctx: SocialContext, host: number, day: number): number =>
  Math.max(ctx.firstDay(host), Math.min(ctx.calendar.days - 1, day));

function wedding(ctx: SocialContext, host: number): void {
  const { rng } = ctx;
  const day = eventDay(ctx, host);
  const guests = rng.range(20, 150);
  for (let k = 0; k < guests; k++) {
    const d = clip(
      ctx,
      host,
      day +
        pickWeighted(rng, [
          [-2, 1],
          [-1, 2],
          [0, 8],
          [1, 2],
        ] as const),
    );
    const memo = rng.pick(['新婚快乐', '百年好合', '礼金', '份子钱', '恭喜恭喜🎉', '', '', '早生贵子']);
    ctx.transferAt(guest(ctx, host), host, pickWeighted(rng, GIFTS), secondOf(ctx, d, 9, 14), memo);
  }
}

function splitParty(ctx: SocialContext, host: number): void {
  const { rng } = ctx;
  for (let e = rng.range(1, 3); e > 0; e--) {
    const day = eventDay(ctx, host);
    const people = rng.range(6, 30);
    const share = Math.round(between(rng, 60, 300)) * 100 + (rng.chance(0.4) ? rng.int(100) : 0);
    const memo = rng.pick(['AA', '生日AA', 'KTV', '聚餐', '', '烧烤', '火锅AA']);
    for (let k = 0; k < people; k++)
      if (rng.chance(0.9))
        ctx.transferAt(guest(ctx, host), host, share, secondOf(ctx, clip(ctx, host, day + rng.int(2)), 18, 6), memo);
  }
}

function trip(ctx: SocialContext, host: number): void {
  const { rng } = ctx;
  const day = eventDay(ctx, host);
  const people = rng.range(6, 30);
  const deposit = rng.pick([20000, 30000, 50000, 80000, 100000]);
  const balance = rng.pick([30000, 50000, 88000, 120000]);
  for (let k = 0; k < people; k++) {
    const who = guest(ctx, host);
    ctx.transferAt(
      who,
      host,
      deposit,
      secondOf(ctx, clip(ctx, host, day + rng.int(5)), 9, 14),
      rng.pick(['定金', '旅行定金', '团费', '']),
    );
    if (rng.chance(0.6))
      ctx.transferAt(
        who,
        host,
        balance,
        secondOf(ctx, clip(ctx, host, day + 7 + rng.int(7)), 9, 14),
        rng.pick(['尾款', '团费尾款', '']),
      );
  }
}

function club(ctx: SocialContext, host: number): void {
  const { rng } = ctx;
  const members = Array.from({ length: rng.range(8, 25) }, () => ctx.neighbour(host));
  const fee = rng.pick([3000, 3500, 4000, 5000, 6000]);
  const weekday = rng.int(7);
  const memo = rng.pick(['场地费', '球费', 'AA', '', '羽毛球', '活动费']);
  for (let d = ctx.firstDay(host); d < ctx.calendar.days; d++) {
    if (ctx.calendar.weekday[d] !== weekday) continue;
    const turnout = between(rng, 0.4, 0.9);
    for (const m of members) if (rng.chance(turnout)) ctx.transferAt(m, host, fee, secondOf(ctx, d, 19, 4), memo);
  }
}

function classFund(ctx: SocialContext, host: number): void {
  const { rng } = ctx;
  const parents = Array.from({ length: rng.range(20, 45) }, () => ctx.neighbour(host));
  for (let round = rng.range(1, 2); round > 0; round--) {
    const day = eventDay(ctx, host);
    const amount = rng.pick([10000, 20000, 30000, 50000]);
    for (const p of parents)
      if (rng.chance(0.92))
        ctx.transferAt(
          p,
          host,
          amount,
          secondOf(ctx, clip(ctx, host, day + rng.int(4)), 7, 16),
          rng.pick(['班费', '班费', '', '资料费']),
        );
  }
}

export const gatheringPlans: FamilyPlan[] = [
  {
    family: 'gathering_host',
    share: 0.006,
    plant(ctx, u) {
      const sorts = [wedding, splitParty, trip, club, classFund];
      ctx.rng.pick(sorts)(ctx, u);
      // Some host two kinds of event in three months.
      if (ctx.rng.chance(0.25)) ctx.rng.pick(sorts)(ctx, u);
    },
  },
];
