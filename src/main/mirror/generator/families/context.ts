import type { BehaviourFamily } from '../../../../shared/domain/detection';
import type { WindowCalendar } from '../calendar';
import type { Population } from '../population';
import type { Rng } from '../random';

/** Report reasons of the export format the generator writes. */
export type ReportReason = 'spam' | 'selling' | 'harassment' | 'fake_profile' | 'other';

/**
 * What a behaviour family plants with: the people, the window, and the writers of the social files. Times are
 * seconds from the window's start (day * 86400 + second of day, local time); rows are written in time order later.
 */
export interface SocialContext {
  rng: Rng;
  people: Population;
  calendar: WindowCalendar;
  /** Window days / 90: volumes are drawn for 90 days and scaled. */
  scale: number;
  /** A volume drawn in [lo, hi] for 90 days, scaled to the window (at least 1). */
  scaled(lo: number, hi: number): number;
  /** Anyone in the city but `not`. */
  anyone(not: number): number;
  /** Someone who lives or works in the same district as `u`. */
  neighbour(u: number): number;
  /** A colleague: someone who works in the same district. */
  colleague(u: number): number;
  /** The name of a place `u` goes to regularly (or "附近"). */
  placeOf(u: number): string;
  /** The name of `u`'s home district. */
  districtOf(u: number): string;
  /** First window day on which `u` has an account. */
  firstDay(u: number): number;
  /** A day on which both had accounts. */
  dayFor(a: number, b: number): number;
  /** People `u` was introduced to upstream (past introductions), possibly none. */
  introducedTo(u: number): readonly number[];
  transfer(from: number, to: number, amountFen: number, day: number, memo: string): void;
  transferAt(from: number, to: number, amountFen: number, second: number, memo: string): void;
  greet(
    from: number,
    to: number,
    day: number,
    text: string,
    replyChance: number,
    fromHour?: number,
    hours?: number,
  ): void;
  greetAt(from: number, to: number, second: number, text: string, replyChance: number): void;
  report(reporter: number, reported: number, reason: ReportReason): void;
  block(blocker: number, target: number): void;
}

/**
 * One behaviour family: its share of the population, what it changes about the person (registration, verification
 * …) and what it plants in the social files. Parameters are drawn per account inside `plant`, so within a family
 * volumes, rates and styles vary and no single figure separates it from its look-alikes.
 */
export interface FamilyPlan {
  family: BehaviourFamily;
  share: number;
  /** Adjusts the person when the family is assigned (`exportedAt`: unix seconds of the export). */
  setup?(p: Population, i: number, rng: Rng, exportedAt: number): void;
  plant(ctx: SocialContext, u: number): void;
}

export const SECONDS_PER_DAY = 86400;

/** A second of day `day` between `fromHour` and `fromHour + hours`. */
export function secondOf(ctx: SocialContext, day: number, fromHour: number, hours: number): number {
  return day * SECONDS_PER_DAY + Math.floor(fromHour * 3600 + ctx.rng.next() * hours * 3600);
}

/** A skewed draw in [lo, hi]: most accounts small, a few large (power > 1 skews low). */
export function skewed(rng: Rng, lo: number, hi: number, power = 1.6): number {
  return lo + Math.floor(Math.pow(rng.next(), power) * (hi - lo + 1));
}

/** A uniform real in [lo, hi). */
export function between(rng: Rng, lo: number, hi: number): number {
  return lo + rng.next() * (hi - lo);
}

/** The last `span` days of the window (at least the account's first day). */
export function recentDay(ctx: SocialContext, u: number, span: number): number {
  const first = ctx.firstDay(u);
  const last = ctx.calendar.days - 1;
  return Math.max(first, last - ctx.rng.int(Math.max(1, Math.min(span, last - first + 1))));
}

/** A day in [from, from + span) clipped to the window and to the account's first day. */
export function dayWithin(ctx: SocialContext, u: number, from: number, span: number): number {
  const first = ctx.firstDay(u);
  const d = from + ctx.rng.int(Math.max(1, span));
  return Math.min(ctx.calendar.days - 1, Math.max(first, d));
}
