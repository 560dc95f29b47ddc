import { DAY_SECONDS, PLATFORM_OFFSET_MINUTES, platformMidnight } from '../../shared/domain/platform-time';
import type { Db } from '../db/database';
import { DEFAULT_RULE_SET } from '../../shared/domain/ruleset';
import { mulberry32 as mulberry } from '../util/seeded-random';
import { recountMirrorRows } from '../mirror/row-counts';
import { recordIntroductionMembers } from '../engine/store';

/**
 * A small random mirror for privacy tests, written with plain INSERTs: merchants across districts and brands with
 * skewed popularity (so some places have fewer than k visitors), users with canary-looking PII, random exposure
 * levels (and missing rows = hidden), and one completed match run whose introductions carry evidence the way the
 * engine writes it (shared merchant ids, co-presence hour bands). Every pair sharing a place may be introduced, so
 * properties are checked on many more pairs than the engine's assignment would give.
 */
export const FIXTURE_DATE = '2026-11-24';
const END = platformMidnight(FIXTURE_DATE) + DAY_SECONDS;
const DISTRICTS = [
  { name: '静安区', lat: 31.23, lon: 121.45 },
  { name: '徐汇区', lat: 31.19, lon: 121.44 },
  { name: '黄浦区', lat: 31.23, lon: 121.49 },
  { name: '浦东新区', lat: 31.22, lon: 121.54 },
  { name: '闵行区', lat: 31.11, lon: 121.38 },
  { name: '嘉定区', lat: 31.38, lon: 121.27 },
];
const CATEGORIES = ['coffee', 'gym', 'bookstore', 'cinema', 'restaurant', 'convenience'];
const BRANDS = ['星巴克', '全家', '乐刻', '西西弗'];
const LEVELS = ['hidden', 'category', 'brand', 'place'] as const;
const BANDS = ['morning', 'midday', 'evening'];

export interface PrivacyFixture {
  runId: number;
  users: string[];
  merchants: string[];
  pairs: [string, string][];
}

export function buildPrivacyFixture(
  db: Db,
  options: { seed: number; users?: number; merchants?: number },
): PrivacyFixture {
  const rand = mulberry(options.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const userCount = options.users ?? 160;
  const merchantCount = options.merchants ?? 90;
  const merchants: string[] = [];
  const users: string[] = [];
  const visits = new Map<string, Set<string>>();
  db.transaction(() => {
    const insM = db.prepare(
      `INSERT INTO merchants (id, name, brand, category, channel, city, district, lat, lon, price_level) VALUES (?, ?, ?, ?, ?, '上海', ?, ?, ?, 2)`,
    );
    for (let i = 0; i < merchantCount; i++) {
      const id = `m${options.seed}_${i}`;
      const online = i % 15 === 14;
      const d = pick(DISTRICTS);
      const brand = rand() < 0.35 ? pick(BRANDS) : null;
      const category = online ? 'online_store' : pick(CATEGORIES);
      insM.run(
        id,
        `店${options.seed}x${i}号`,
        online ? pick(BRANDS) : brand,
        category,
        online ? 'online' : 'offline',
        online ? null : d.name,
        online ? null : d.lat + (rand() - 0.5) * 0.02,
        online ? null : d.lon + (rand() - 0.5) * 0.02,
      );
      merchants.push(id);
    }
    const insU = db.prepare(
      `INSERT INTO users (id, nickname, real_name, phone, id_verified, gender, seeking, birth_year, city, district, registered_at, status) VALUES (?, ?, ?, ?, 1, ?, 'any', ?, '上海', ?, 0, 'active')`,
    );
    const insC = db.prepare(
      `INSERT INTO consents (user_id, feature, granted_at, revoked_at) VALUES (?, 'meet_similar', ?, ?)`,
    );
    const insT = db.prepare(
      `INSERT INTO transactions (id, user_key, merchant_key, amount_fen, paid_at, paid_tz)
       VALUES (?, (SELECT key FROM user_keys WHERE id = ?), (SELECT key FROM merchant_keys WHERE id = ?), ?, ?, ${PLATFORM_OFFSET_MINUTES})`,
    );
    const insE = db.prepare(`INSERT INTO exposures (user_id, merchant_id, level) VALUES (?, ?, ?)`);
    let tx = 0;
    for (let u = 0; u < userCount; u++) {
      const id = `u${options.seed}_${String(u).padStart(4, '0')}`;
      users.push(id);
      insU.run(
        id,
        `昵称${u}号`,
        `真名${u}`,
        `139${String(10_000_000 + u * 7919).slice(-8)}`,
        rand() < 0.5 ? 'F' : 'M',
        1970 + Math.floor(rand() * 35),
        pick(DISTRICTS).name,
      );
      // 10% revoked: they must not count towards k.
      insC.run(id, END - 200 * 86_400, rand() < 0.1 ? END - 100 * 86_400 : null);
      const mine = new Set<string>();
      const n = 2 + Math.floor(rand() * 6);
      for (let v = 0; v < n; v++) {
        // Skewed popularity: low indexes are crowded, high ones rare.
        const m = merchants[Math.floor(merchantCount * rand() ** 2.2)]!;
        mine.add(m);
        insT.run(
          `t${options.seed}_${tx++}`,
          id,
          m,
          100 + Math.floor(rand() * 9000),
          END - Math.floor(rand() * 25 + 1) * 86_400 + Math.floor(rand() * 86_400),
        );
      }
      for (const m of mine) {
        const r = rand();
        if (r < 0.15) continue; // no row = hidden
        insE.run(id, m, pick(LEVELS));
      }
      visits.set(id, mine);
    }
    recountMirrorRows(db); // as an import would, in the transaction that wrote the rows
  })();
  const runId = Number(
    db
      .prepare(
        `INSERT INTO match_runs (date, ruleset_version, ruleset, operator, started_at, finished_at, status) VALUES (?, NULL, ?, 'fixture', ?, ?, 'completed')`,
      )
      .run(FIXTURE_DATE, JSON.stringify(DEFAULT_RULE_SET), new Date(0).toISOString(), new Date(0).toISOString())
      .lastInsertRowid,
  );
  const insI = db.prepare(
    `INSERT INTO run_introductions (run_id, user_a, user_b, score, reasons, evidence) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const pairs: [string, string][] = [];
  db.transaction(() => {
    for (let i = 0; i < users.length; i++) {
      for (let j = i + 1; j < users.length && pairs.length < 400; j++) {
        const a = users[i]!;
        const b = users[j]!;
        const shared = [...visits.get(a)!].filter((m) => visits.get(b)!.has(m));
        if (shared.length === 0 || rand() < 0.7) continue;
        const coPresence = shared
          .filter(() => rand() < 0.5)
          .map((merchantId) => ({ merchantId, hourBand: pick(BANDS) }));
        const reasons = ['rare_shared_places', 'may_have_met', 'same_district', 'close_in_age'].filter(
          () => rand() < 0.7,
        );
        insI.run(
          runId,
          a,
          b,
          Math.round(rand() * 10_000) / 100,
          JSON.stringify(reasons),
          JSON.stringify({ sharedPlaces: shared.slice(0, 5), coPresence, sameDistrict: rand() < 0.5 }),
        );
        pairs.push([a, b]);
      }
    }
    recordIntroductionMembers(db, runId);
  })();
  return { runId, users, merchants, pairs };
}
