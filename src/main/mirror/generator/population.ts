import { BEHAVIOUR_FAMILIES, type BehaviourFamily } from '../../../shared/domain/detection';
import { CITY_OFFSET_SECONDS, type WindowCalendar } from './calendar';
import { DISTRICTS } from './city';
import { FAMILY_PLANS } from './families/plans';
import { userIds } from './ids';
import { type Rng, WeightedSampler } from './random';

/**
 * The people of the city in column arrays (100k users must not be 100k objects with nested arrays), with
 * their planted role. Ids are the platform's (ids.ts): their order says nothing about the users.
 */
export const ROLE = { normal: 0, microSeller: 1, spammer: 2, kindred: 3 } as const;
export const ROLE_LABEL = ['normal', 'micro_seller', 'spammer', 'kindred'] as const;
/**
 * Behaviour families (BEHAVIOUR_FAMILIES): index k of FAMILY_INDEX names family k. 0 = ordinary. Abuse families set
 * the label; hard negatives are labelled normal and look a little like abuse.
 */
export const FAMILY_INDEX: readonly BehaviourFamily[] = ['ordinary', 'kindred', ...FAMILY_PLANS.map((f) => f.family)];
export const FAMILY = Object.fromEntries(FAMILY_INDEX.map((f, k) => [f, k])) as Record<BehaviourFamily, number>;
export const GENDER = ['F', 'M'] as const;
export const SEEKING = ['F', 'M', 'any'] as const;
export const STATUS = ['active', 'suspended', 'closed'] as const;

export interface Population {
  count: number;
  ids: string[];
  gender: Uint8Array;
  seeking: Uint8Array;
  birthYear: Uint16Array;
  home: Uint8Array;
  /** Work district (= home for people who do not commute). */
  work: Uint8Array;
  commutes: Uint8Array;
  status: Uint8Array;
  verified: Uint8Array;
  /** 1 when the latest consent row is granted and not revoked. */
  consenting: Uint8Array;
  role: Uint8Array;
  /** Index into FAMILY_INDEX. */
  family: Uint8Array;
  /** Kindred partner's index, -1 otherwise. */
  partner: Int32Array;
  /** Spending level: multiplies routine visit probabilities. */
  spend: Float32Array;
  registeredAt: Float64Array;
  /** Residents per home district and workers per work district (for picking neighbours and colleagues). */
  byHome: Int32Array[];
  byWork: Int32Array[];
}

/** Kindred members (planted pairs); every behaviour family's share is in its plan (families/plans.ts). */
export const KINDRED_SHARE = 0.01;

/** Kindred members have had their account at least this many days before the export. */
export const KINDRED_MIN_TENURE_DAYS = 60;

export function isCompatible(p: Population, a: number, b: number): boolean {
  const wants = (x: number, y: number): boolean => p.seeking[x] === 2 || p.seeking[x] === p.gender[y];
  return wants(a, b) && wants(b, a);
}

export function buildPopulation(count: number, calendar: WindowCalendar, rng: Rng, idRng: Rng): Population {
  const p: Population = {
    count,
    ids: userIds(count, idRng),
    gender: new Uint8Array(count),
    seeking: new Uint8Array(count),
    birthYear: new Uint16Array(count),
    home: new Uint8Array(count),
    work: new Uint8Array(count),
    commutes: new Uint8Array(count),
    status: new Uint8Array(count),
    verified: new Uint8Array(count),
    consenting: new Uint8Array(count),
    role: new Uint8Array(count),
    family: new Uint8Array(count),
    partner: new Int32Array(count).fill(-1),
    spend: new Float32Array(count),
    registeredAt: new Float64Array(count),
    byHome: [],
    byWork: [],
  };
  const homeSampler = new WeightedSampler(DISTRICTS.map((d) => d.residents));
  const workSampler = new WeightedSampler(DISTRICTS.map((d) => d.jobs));
  const launch = Date.UTC(2019, 0, 1) / 1000 - CITY_OFFSET_SECONDS;
  const exportedAt = calendar.end;

  for (let i = 0; i < count; i++) {
    const g = rng.chance(0.5) ? 1 : 0;
    p.gender[i] = g;
    const r = rng.next();
    // Most seek the other gender; some the same; some either.
    p.seeking[i] = r < 0.84 ? 1 - g : r < 0.9 ? g : 2;
    // Ages cluster in the late twenties and thirties.
    const age = Math.round(Math.min(62, Math.max(18, 31 + rng.gauss() * 7 + (rng.chance(0.15) ? rng.next() * 15 : 0))));
    p.birthYear[i] = 2026 - age;
    p.home[i] = homeSampler.draw(rng);
    const commutes = rng.chance(0.85);
    p.commutes[i] = commutes ? 1 : 0;
    p.work[i] = commutes ? (rng.chance(0.35) ? p.home[i]! : workSampler.draw(rng)) : p.home[i]!;
    const s = rng.next();
    p.status[i] = s < 0.965 ? 0 : s < 0.985 ? 1 : 2;
    p.verified[i] = rng.chance(0.9) ? 1 : 0;
    p.consenting[i] = rng.chance(0.85) ? 1 : 0;
    p.spend[i] = Math.max(0.2, Math.min(2.5, Math.exp(rng.gauss() * 0.45)));
    // Registrations grow over the years: more recent accounts are more common.
    p.registeredAt[i] = launch + Math.pow(rng.next(), 0.7) * (exportedAt - 86400 * 3 - launch);
  }

  // Planted roles: a shuffled order so roles are spread over ids.
  const order = rng.shuffle(Array.from({ length: count }, (_, i) => i));
  let cursor = 0;
  const take = (share: number, apply: (i: number) => void): void => {
    const n = Math.round(count * share);
    for (let k = 0; k < n && cursor < order.length; k++) apply(order[cursor++]!);
  };
  const ROLE_OF: Record<string, number> = {
    normal: ROLE.normal,
    micro_seller: ROLE.microSeller,
    spammer: ROLE.spammer,
  };
  for (const plan of FAMILY_PLANS) {
    take(plan.share, (i) => {
      p.family[i] = FAMILY[plan.family];
      p.role[i] = ROLE_OF[BEHAVIOUR_FAMILIES[plan.family].label]!;
      plan.setup?.(p, i, rng, exportedAt);
    });
  }

  // Kindred pairs: compatible both ways, ages within 10 years, both consenting, verified and active.
  const pairs = Math.round((count * KINDRED_SHARE) / 2);
  const pool = order.slice(cursor);
  const used = new Uint8Array(count);
  let made = 0;
  for (let k = 0; k < pool.length && made < pairs; k++) {
    const a = pool[k]!;
    if (used[a]) continue;
    for (let j = k + 1; j < Math.min(pool.length, k + 400); j++) {
      const b = pool[j]!;
      if (used[b] || Math.abs(p.birthYear[a]! - p.birthYear[b]!) > 10 || !isCompatible(p, a, b)) continue;
      used[a] = used[b] = 1;
      for (const x of [a, b]) {
        p.role[x] = ROLE.kindred;
        p.family[x] = FAMILY.kindred;
        p.consenting[x] = 1;
        p.verified[x] = 1;
        p.status[x] = 0;
        p.spend[x] = Math.max(p.spend[x]!, 0.8);
        // Planted pairs are established users: a member who registered in the last weeks would have too few days of
        // payments for the pair to share its places within the engine's 30-day window. Moved back without drawing
        // from the stream, so every other user's values stay as they were.
        if (p.registeredAt[x]! > exportedAt - KINDRED_MIN_TENURE_DAYS * 86400)
          p.registeredAt[x]! -= KINDRED_MIN_TENURE_DAYS * 86400;
      }
      p.partner[a] = b;
      p.partner[b] = a;
      // They live or work in the same district: that is where their quiet places are.
      if (rng.chance(0.5)) p.home[b] = p.home[a]!;
      else {
        p.work[b] = p.work[a]!;
        p.commutes[b] = p.commutes[a]!;
      }
      made++;
      break;
    }
  }

  const homes: number[][] = DISTRICTS.map(() => []);
  const works: number[][] = DISTRICTS.map(() => []);
  for (let i = 0; i < count; i++) {
    homes[p.home[i]!]!.push(i);
    works[p.work[i]!]!.push(i);
  }
  p.byHome = homes.map((l) => Int32Array.from(l));
  p.byWork = works.map((l) => Int32Array.from(l));
  return p;
}

/** First window day on which the user has an account (activity never precedes registration). */
export function firstActiveDay(p: Population, i: number, calendar: WindowCalendar): number {
  return Math.min(calendar.days - 1, Math.max(0, Math.ceil((p.registeredAt[i]! - calendar.start) / 86400)));
}

/** Whether the matching pool may include this user (consent, verification, status). */
export function inPool(p: Population, i: number): boolean {
  return p.consenting[i] === 1 && p.verified[i] === 1 && p.status[i] === 0;
}
