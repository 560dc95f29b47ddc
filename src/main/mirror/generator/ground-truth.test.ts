import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_END_DATE, generateExport } from './index';
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
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
const wants = (a: Person, b: Person): boolean => a.seeking === 'any' || a.seeking === b.gender;

describe('labels', () => {
  it('plants each role in about its share, one line per user', () => {
    expect(files['labels.jsonl']!.length).toBe(USERS);
    expect(count('micro_seller') / USERS).toBeCloseTo(0.015, 2);
    expect(count('spammer') / USERS).toBeCloseTo(0.01, 2);
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

describe('micro-sellers, spammers and their look-alikes', () => {
  const incoming = (): Map<string, Row[]> => {
    const map = new Map<string, Row[]>();
    for (const t of files['transfers.csv']!) map.set(t.to_user as string, [...(map.get(t.to_user as string) ?? []), t]);
    return map;
  };
  const sent = (): Map<string, Row[]> => {
    const map = new Map<string, Row[]>();
    for (const g of files['greetings.jsonl']!)
      map.set(g.from_user as string, [...(map.get(g.from_user as string) ?? []), g]);
    return map;
  };
  const HANDLE = /vx|wx|V信|薇|威信|加我|➕V|[０-９]{4}|\d( \d){5}|[零一二三四五六七八九]{4}|\d{3} \d{4} \d{4}/;

  it('sellers are paid repeated small price points by many distinct strangers', () => {
    const inc = incoming();
    const distinctPayers = (id: string): number => new Set((inc.get(id) ?? []).map((t) => t.from_user)).size;
    const sellers = byLabel.get('micro_seller')!;
    const normals = byLabel.get('normal')!;
    expect(median(sellers.map((s) => distinctPayers(s.id)))).toBeGreaterThanOrEqual(15);
    expect(median(normals.map((s) => distinctPayers(s.id)))).toBeLessThanOrEqual(4);
    const pricePoints = new Set([2500, 3900, 4500, 5800, 6600, 8800, 9900, 12800, 16800, 19900]);
    const sellerAmounts = sellers.flatMap((s) => (inc.get(s.id) ?? []).map((t) => Number(t.amount_fen)));
    const onPoint = sellerAmounts.filter((a) => [1, 2, 3].some((q) => a % q === 0 && pricePoints.has(a / q))).length;
    expect(onPoint / sellerAmounts.length).toBeGreaterThan(0.95);
    // The trap: bill collectors get many transfers from a handful of flatmates, and are labelled normal.
    const collectors = normals.filter((p) => (inc.get(p.id)?.length ?? 0) >= 8 && distinctPayers(p.id) <= 6);
    expect(collectors.length).toBeGreaterThan(USERS * 0.005);
    expect(collectors.some((p) => inc.get(p.id)!.some((t) => String(t.memo).includes('房租')))).toBe(true);
  });

  it("sellers' greetings carry contact handles, obfuscated in every style; some sellers are camouflaged", () => {
    const out = sent();
    const sellers = byLabel.get('micro_seller')!;
    const texts = sellers.flatMap((s) => (out.get(s.id) ?? []).map((g) => g.text as string));
    expect(texts.filter((t) => HANDLE.test(t)).length / texts.length).toBeGreaterThan(0.8);
    for (const style of [/[０-９]{4}/, /\d \d \d \d/, /[一二三四五六七八九零]{4}/, /vx/, /wx:/, /V信/, /薇/]) {
      expect(
        texts.some((t) => style.test(t)),
        String(style),
      ).toBe(true);
    }
    const quiet = sellers.filter((s) => (out.get(s.id)?.length ?? 0) <= 2);
    expect(quiet.length).toBeGreaterThan(sellers.length * 0.05);
    expect(quiet.length).toBeLessThan(sellers.length * 0.5);
    // Ordinary people mention numbers too.
    const normalTexts = byLabel.get('normal')!.flatMap((p) => (out.get(p.id) ?? []).map((g) => g.text as string));
    expect(normalTexts.some((t) => t.includes('3点见'))).toBe(true);
    expect(normalTexts.filter((t) => HANDLE.test(t)).length / normalTexts.length).toBeLessThan(0.01);
  });

  it('spammers greet many people with near-duplicate links, rarely get replies, and get reported', () => {
    const out = sent();
    const spammers = byLabel.get('spammer')!;
    expect(median(spammers.map((s) => out.get(s.id)?.length ?? 0))).toBeGreaterThanOrEqual(25);
    const spam = spammers.flatMap((s) => out.get(s.id) ?? []);
    expect(
      spam.filter((g) => /http|短链|\.cn\/|\.top|\.xyz/.test(g.text as string)).length / spam.length,
    ).toBeGreaterThan(0.95);
    const replyRate = (gs: Row[]): number => gs.filter((g) => g.replied_at !== null).length / gs.length;
    expect(replyRate(spam)).toBeLessThan(0.08);
    const normal = byLabel.get('normal')!.flatMap((p) => out.get(p.id) ?? []);
    expect(replyRate(normal)).toBeGreaterThan(0.25);
    const reported = new Set(
      files['reports.jsonl']!.filter((r) => r.reason === 'spam' || r.reason === 'selling').map((r) => r.reported_id),
    );
    expect(spammers.filter((s) => reported.has(s.id)).length / spammers.length).toBeGreaterThan(0.4);
    // Popular people receive many greetings and are not spammers.
    const received = new Map<string, number>();
    for (const g of files['greetings.jsonl']!)
      received.set(g.to_user as string, (received.get(g.to_user as string) ?? 0) + 1);
    expect(byLabel.get('normal')!.filter((p) => (received.get(p.id) ?? 0) >= 20).length).toBeGreaterThan(USERS * 0.003);
  });
});
