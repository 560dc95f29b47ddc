import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_END_DATE, generateExport } from './index';
import { BEHAVIOUR_FAMILIES, type BehaviourFamily } from '../../../shared/domain/detection';
import { hasContactHandle } from '../../contact-handles/find';
import { FAMILY_PLANS } from './families/plans';
import { KINDRED_MIN_TENURE_DAYS } from './population';
import { readExport, type Row } from '../../testing/read-export';

/**
 * The planted ground truth must be what labels.jsonl says it is: checked from the written files alone, the way
 * the engine and the detectors will see them.
 */
let root: string;
let files: Record<string, Row[]>;
const USERS = 8000;
const DAYS = 60;

interface Person {
  id: string;
  gender: string;
  seeking: string;
  birthYear: number;
  verified: boolean;
  status: string;
  consenting: boolean;
  registeredAt: number;
  label: string;
  partner?: string;
}
let people: Map<string, Person>;
let byLabel: Map<string, Person[]>;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'generator-truth-'));
  await generateExport({ users: USERS, days: DAYS, seed: 2026, out: root });
  files = readExport(root).files;
  const latestConsent = new Map<string, Row>();
  for (const c of files['consents.jsonl']!) {
    const prev = latestConsent.get(c.user_id as string);
    if (!prev || Date.parse(c.granted_at as string) > Date.parse(prev.granted_at as string))
      latestConsent.set(c.user_id as string, c);
  }
  const labels = new Map(files['labels.jsonl']!.map((l) => [l.user_id as string, l]));
  people = new Map();
  for (const u of files['users.jsonl']!) {
    const c = latestConsent.get(u.id as string);
    const l = labels.get(u.id as string)!;
    people.set(u.id as string, {
      id: u.id as string,
      gender: u.gender as string,
      seeking: u.seeking as string,
      birthYear: u.birth_year as number,
      verified: u.id_verified as boolean,
      status: u.status as string,
      consenting: !!c && c.revoked_at === null,
      registeredAt: Date.parse(u.registered_at as string),
      label: l.label as string,
      ...(l.partner_id ? { partner: l.partner_id as string } : {}),
    });
  }
  byLabel = new Map();
  for (const p of people.values()) byLabel.set(p.label, [...(byLabel.get(p.label) ?? []), p]);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const count = (label: string): number => byLabel.get(label)?.length ?? 0;
const wants = (a: Person, b: Person): boolean => a.seeking === 'any' || a.seeking === b.gender;

describe('labels', () => {
  it('plants each role in about its share, one line per user', () => {
    expect(files['labels.jsonl']!.length).toBe(USERS);
    expect(count('micro_seller') / USERS).toBeCloseTo(0.015, 2);
    expect(count('spammer') / USERS).toBeCloseTo(0.012, 2);
    expect(count('kindred') / USERS).toBeGreaterThan(0.008);
    expect(count('kindred') / USERS).toBeLessThan(0.012);
    expect(count('normal')).toBe(USERS - count('micro_seller') - count('spammer') - count('kindred'));
  });

  it('keeps the population believable: consent, verification, status mix', () => {
    const all = [...people.values()];
    const share = (f: (p: Person) => boolean): number => all.filter(f).length / all.length;
    expect(share((p) => p.consenting)).toBeGreaterThan(0.8);
    expect(share((p) => p.consenting)).toBeLessThan(0.9);
    expect(share((p) => p.verified)).toBeGreaterThan(0.86);
    expect(share((p) => p.verified)).toBeLessThan(0.94);
    expect(share((p) => p.status !== 'active')).toBeGreaterThan(0.01);
    expect(share((p) => p.seeking === 'any')).toBeGreaterThan(0.05);
    // Some users have several consent rows (revoked, then granted again).
    const rows = new Map<string, number>();
    for (const c of files['consents.jsonl']!) rows.set(c.user_id as string, (rows.get(c.user_id as string) ?? 0) + 1);
    expect([...rows.values()].filter((n) => n > 1).length).toBeGreaterThan(USERS * 0.05);
    const levels = new Set(files['exposures.jsonl']!.map((e) => e.level));
    expect([...levels].sort()).toEqual(['brand', 'category', 'hidden', 'place']);
  });
});

describe('kindred pairs', () => {
  it('are mutual, eligible and compatible both ways, and never met or blocked each other', () => {
    const kindred = byLabel.get('kindred')!;
    const met = new Set(files['introductions.jsonl']!.map((i) => `${String(i.user_a)}|${String(i.user_b)}`));
    const blocks = new Set(files['blocks.jsonl']!.map((b) => `${String(b.blocker_id)}|${String(b.blocked_id)}`));
    for (const a of kindred) {
      const b = people.get(a.partner!)!;
      expect(b.partner, a.id).toBe(a.id);
      for (const x of [a, b]) expect([x.consenting, x.verified, x.status], x.id).toEqual([true, true, 'active']);
      expect(Math.abs(a.birthYear - b.birthYear)).toBeLessThanOrEqual(10);
      expect(wants(a, b) && wants(b, a), `${a.id} ${b.id}`).toBe(true);
      const [lo, hi] = a.id < b.id ? [a.id, b.id] : [b.id, a.id];
      expect(met.has(`${lo}|${hi}`)).toBe(false);
      expect(blocks.has(`${a.id}|${b.id}`)).toBe(false);
    }
  });

  it('share 3–6 rare places at the same hours on nearby days, enough to rank each other in the top 10', () => {
    const visits = new Map<string, Map<string, number[]>>(); // merchant → user → paid_at ms
    for (const t of files['transactions.csv']!) {
      const m = t.merchant_id as string;
      const u = t.user_id as string;
      let byUser = visits.get(m);
      if (!byUser) visits.set(m, (byUser = new Map()));
      const list = byUser.get(u);
      const at = Date.parse(t.paid_at as string);
      if (list) list.push(at);
      else byUser.set(u, [at]);
    }
    const placesOf = new Map<string, string[]>();
    for (const [m, byUser] of visits) for (const u of byUser.keys()) placesOf.set(u, [...(placesOf.get(u) ?? []), m]);
    const visitors = (m: string): number => visits.get(m)!.size;
    // Fairly rare: at most 0.5% of users ever pay there (chain outlets and busy places have hundreds).
    const rare = (m: string): boolean => visitors(m) <= USERS * 0.005;
    const kindred = byLabel.get('kindred')!;

    let inTop10 = 0;
    for (const a of kindred) {
      const b = a.partner!;
      const shared = placesOf.get(a.id)!.filter((m) => visits.get(m)!.has(b));
      const sharedRare = shared.filter(rare);
      expect(sharedRare.length, `${a.id}–${b} rare shared places`).toBeGreaterThanOrEqual(3);
      // Same hour band on nearby days, at least once per shared rare place for most of them.
      const together = sharedRare.filter((m) =>
        visits
          .get(m)!
          .get(a.id)!
          .some((ta) =>
            visits
              .get(m)!
              .get(b)!
              .some((tb) => Math.abs(ta - tb) <= 3 * 86400_000 && Math.abs(((ta - tb) / 3600_000) % 24) <= 1),
          ),
      );
      expect(together.length, `${a.id}–${b} co-timed places`).toBeGreaterThanOrEqual(Math.min(3, sharedRare.length));

      // A rarity-weighted overlap (idf) over the pool the engine may introduce a to.
      const score = new Map<string, number>();
      for (const m of placesOf.get(a.id)!) {
        const w = Math.log(USERS / visitors(m));
        for (const v of visits.get(m)!.keys()) if (v !== a.id) score.set(v, (score.get(v) ?? 0) + w);
      }
      const ranked = [...score.entries()]
        .filter(([v]) => {
          const p = people.get(v)!;
          return p.consenting && p.verified && p.status === 'active' && wants(a, p) && wants(p, a);
        })
        .sort((x, y) => y[1] - x[1])
        .slice(0, 10)
        .map(([v]) => v);
      if (ranked.includes(b)) inTop10++;
    }
    expect(inTop10 / kindred.length).toBeGreaterThanOrEqual(0.95);
  });

  it("share rare places within the engine's default 30-day window, both members established well before it", () => {
    const end = Date.parse(`${DEFAULT_END_DATE}T00:00:00+08:00`);
    const windowStart = end - 30 * 86400_000;
    const recent = new Map<string, Map<string, number>>(); // user → merchant → payments in the last 30 days
    const visitorsOf = new Map<string, Set<string>>(); // merchant → payers over the whole export
    for (const t of files['transactions.csv']!) {
      const u = t.user_id as string;
      const m = t.merchant_id as string;
      let payers = visitorsOf.get(m);
      if (!payers) visitorsOf.set(m, (payers = new Set()));
      payers.add(u);
      if (Date.parse(t.paid_at as string) < windowStart) continue;
      let byMerchant = recent.get(u);
      if (!byMerchant) recent.set(u, (byMerchant = new Map()));
      byMerchant.set(m, (byMerchant.get(m) ?? 0) + 1);
    }
    const kindred = byLabel.get('kindred')!;
    expect(kindred.length).toBeGreaterThan(0);
    let withThree = 0;
    for (const a of kindred) {
      const b = a.partner!;
      for (const x of [a, people.get(b)!]) {
        expect(
          end - x.registeredAt,
          `${x.id} registered ${new Date(x.registeredAt).toISOString()}`,
        ).toBeGreaterThanOrEqual(KINDRED_MIN_TENURE_DAYS * 86400_000);
      }
      const mine = recent.get(a.id) ?? new Map<string, number>();
      const theirs = recent.get(b) ?? new Map<string, number>();
      const sharedRare = [...mine.keys()].filter((m) => theirs.has(m) && visitorsOf.get(m)!.size <= USERS * 0.005);
      expect(sharedRare.length, `${a.id}–${b} rare places both paid at in the last 30 days`).toBeGreaterThanOrEqual(2);
      if (sharedRare.length >= 3) withThree++;
    }
    expect(withThree / kindred.length).toBeGreaterThanOrEqual(0.9);
  });
});

describe('behaviour families: abuse and its look-alikes', () => {
  const by = (file: string, key: string): Map<string, Row[]> => {
    const map = new Map<string, Row[]>();
    for (const r of files[file]!) {
      const k = r[key] as string;
      const list = map.get(k);
      if (list) list.push(r);
      else map.set(k, [r]);
    }
    return map;
  };
  const family = (name: string): string[] =>
    files['labels.jsonl']!.filter((l) => l.family === name).map((l) => l.user_id as string);
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
  const payers = (rows: Row[] | undefined): number => new Set((rows ?? []).map((t) => t.from_user)).size;
  const handles = (rows: Row[] | undefined): number =>
    (rows ?? []).filter((g) => hasContactHandle(g.text as string)).length;
  const perHour = (rows: Row[] | undefined): number => {
    const t = (rows ?? []).map((g) => Date.parse(g.sent_at as string)).sort((a, b) => a - b);
    let best = 0;
    for (let i = 0, j = 0; i < t.length; i++) {
      while (t[i]! - t[j]! >= 3600_000) j++;
      best = Math.max(best, i - j + 1);
    }
    return best;
  };

  it('labels every account with a family that agrees with its label, each family in about its share', () => {
    for (const l of files['labels.jsonl']!) {
      expect(BEHAVIOUR_FAMILIES[l.family as BehaviourFamily]?.label, String(l.user_id)).toBe(l.label);
    }
    for (const plan of FAMILY_PLANS)
      expect(family(plan.family).length, plan.family).toBe(Math.round(USERS * plan.share));
  });

  it('plants each kind as it behaves, with volumes drawn per account', () => {
    const inc = by('transfers.csv', 'to_user');
    const out = by('greetings.jsonl', 'from_user');
    const stat = (name: string, f: (id: string) => number) => family(name).map(f);
    // Sellers: many buyers at price points; handle-only ones hardly paid, greeting with handles; quiet ones silent.
    expect(median(stat('seller_storefront', (u) => payers(inc.get(u))))).toBeGreaterThanOrEqual(8);
    expect(median(stat('seller_handle_only', (u) => payers(inc.get(u))))).toBeLessThanOrEqual(3);
    const handleOnly = family('seller_handle_only');
    const handleShare =
      handleOnly.reduce((n, u) => n + handles(out.get(u)), 0) /
      handleOnly.reduce((n, u) => n + (out.get(u)?.length ?? 0), 0);
    expect(handleShare).toBeGreaterThan(0.5);
    expect(median(stat('seller_quiet', (u) => out.get(u)?.length ?? 0))).toBeLessThanOrEqual(2);
    expect(median(stat('seller_quiet', (u) => payers(inc.get(u))))).toBeGreaterThanOrEqual(8);
    // Spam: short sessions are bursts, slow spam never is; handle spam carries handles.
    expect(median(stat('spam_short_session', (u) => perHour(out.get(u))))).toBeGreaterThanOrEqual(10);
    expect(median(stat('spam_slow', (u) => perHour(out.get(u))))).toBeLessThanOrEqual(4);
    const handleSpam = family('spam_handle').flatMap((u) => out.get(u) ?? []);
    expect(handles(handleSpam) / handleSpam.length).toBeGreaterThan(0.8);
    // Look-alikes: hosts are paid by many within a few days; a match gets one handle, once or twice.
    expect(median(stat('gathering_host', (u) => payers(inc.get(u))))).toBeGreaterThanOrEqual(6);
    expect(Math.max(...stat('handle_to_match', (u) => handles(out.get(u))))).toBeLessThanOrEqual(2);
    expect(median(stat('heavy_chatter', (u) => out.get(u)?.length ?? 0))).toBeGreaterThanOrEqual(15);
  });

  it('no single figure separates abuse from its look-alikes: their ranges overlap', () => {
    const inc = by('transfers.csv', 'to_user');
    const out = by('greetings.jsonl', 'from_user');
    const range = (names: string[], f: (id: string) => number): [number, number] => {
      const xs = names.flatMap(family).map(f);
      return [Math.min(...xs), Math.max(...xs)];
    };
    const overlap = (a: [number, number], b: [number, number]): boolean => a[0] <= b[1] && b[0] <= a[1];
    const distinctPayers = (u: string) => payers(inc.get(u));
    expect(
      overlap(
        range(['seller_quiet', 'seller_storefront'], distinctPayers),
        range(['gathering_host', 'group_order_collector', 'shop_owner'], distinctPayers),
      ),
    ).toBe(true);
    const sentCount = (u: string) => out.get(u)?.length ?? 0;
    expect(
      overlap(
        range(['spam_slow', 'spam_short_session'], sentCount),
        range(['heavy_chatter', 'newcomer_spree'], sentCount),
      ),
    ).toBe(true);
    const handleCount = (u: string) => handles(out.get(u));
    expect(
      overlap(range(['seller_handle_only', 'seller_storefront'], handleCount), range(['handle_to_match'], handleCount)),
    ).toBe(true);
  });

  it('ordinary people mention numbers without handles, and popular people receive many greetings', () => {
    const out = by('greetings.jsonl', 'from_user');
    const normalTexts = family('ordinary').flatMap((u) => (out.get(u) ?? []).map((g) => g.text as string));
    expect(normalTexts.some((t) => /\d/.test(t))).toBe(true);
    expect(normalTexts.filter((t) => hasContactHandle(t)).length / normalTexts.length).toBeLessThan(0.01);
    const received = by('greetings.jsonl', 'to_user');
    expect(median(family('popular').map((u) => received.get(u)?.length ?? 0))).toBeGreaterThanOrEqual(15);
  });
});
