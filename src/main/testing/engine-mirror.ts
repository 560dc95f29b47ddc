import { DAY_SECONDS, PLATFORM_OFFSET_MINUTES, platformMidnight } from '../../shared/domain/platform-time';
import type { Db } from '../db/database';
import { mulberry32 } from '../util/seeded-random';
import { recountMirrorRows } from '../mirror/row-counts';

/**
 * A small random mirror written with plain INSERTs, for tests: a few crowded places (so pruning kicks in), many
 * rare ones, online brand stores with several storefronts, mixed genders/seeking, some revoked consents,
 * unverified and suspended users, blocks and earlier introductions.
 */
export interface TestMirrorOptions {
  users: number;
  seed: number;
  /** Run date; transactions fall in the 40 platform days before it. */
  date?: string;
}

export function buildTestMirror(db: Db, options: TestMirrorOptions): void {
  const rand = mulberry32(options.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const date = options.date ?? '2026-11-24';
  const end = platformMidnight(date) + DAY_SECONDS;
  const districts = ['d1', 'd2', 'd3', 'd4'];
  const categories = ['coffee', 'gym', 'bookstore', 'convenience', 'restaurant'];
  db.transaction(() => {
    const insMerchant = db.prepare(
      `INSERT INTO merchants (id, name, brand, category, channel, city, district, lat, lon, price_level) VALUES (?, ?, ?, ?, ?, 'c', ?, NULL, NULL, ?)`,
    );
    const merchants: string[] = [];
    for (let m = 0; m < 60; m++) {
      const id = `m${String(m).padStart(3, '0')}`;
      const online = m >= 50;
      const brand = online ? `brand${m % 3}` : m % 7 === 0 ? 'chainA' : null;
      insMerchant.run(
        id,
        `shop ${m}`,
        brand,
        online ? 'online_store' : pick(categories),
        online ? 'online' : 'offline',
        online ? null : pick(districts),
        1 + (m % 4),
      );
      merchants.push(id);
    }
    const insUser = db.prepare(
      `INSERT INTO users (id, nickname, real_name, phone, id_verified, gender, seeking, birth_year, city, district, registered_at, status) VALUES (?, 'n', NULL, NULL, ?, ?, ?, ?, 'c', ?, 0, ?)`,
    );
    const insConsent = db.prepare(
      `INSERT INTO consents (user_id, feature, granted_at, revoked_at) VALUES (?, 'meet_similar', ?, ?)`,
    );
    const insTx = db.prepare(
      `INSERT INTO transactions (id, user_key, merchant_key, amount_fen, paid_at, paid_tz)
       VALUES (?, (SELECT key FROM user_keys WHERE id = ?), (SELECT key FROM merchant_keys WHERE id = ?), ?, ?, ${PLATFORM_OFFSET_MINUTES})`,
    );
    const ids: string[] = [];
    let tx = 0;
    for (let i = 0; i < options.users; i++) {
      // Ids whose string order differs from numeric order, to catch index/id mix-ups.
      const id = `u${Math.floor(rand() * 1e6)}_${i}`;
      ids.push(id);
      const r = rand();
      const status = r < 0.04 ? 'suspended' : r < 0.06 ? 'closed' : 'active';
      insUser.run(
        id,
        rand() < 0.9 ? 1 : 0,
        rand() < 0.5 ? 'F' : 'M',
        pick(['F', 'M', 'M', 'F', 'any']),
        1960 + Math.floor(rand() * 50),
        rand() < 0.9 ? pick(districts) : null,
        status,
      );
      const c = rand();
      if (c < 0.85) insConsent.run(id, end - 200 * 86_400, null);
      else if (c < 0.92) {
        insConsent.run(id, end - 300 * 86_400, null);
        insConsent.run(id, end - 100 * 86_400, end - 50 * 86_400);
      }
      const home = Math.floor(rand() * 50);
      const visits = 3 + Math.floor(rand() * 20);
      for (let v = 0; v < visits; v++) {
        // Mostly a few crowded places and places near "home", sometimes anywhere.
        const q = rand();
        const m =
          q < 0.35 ? Math.floor(rand() * 3) : q < 0.8 ? (home + Math.floor(rand() * 4)) % 50 : Math.floor(rand() * 60);
        const day = Math.floor(rand() * 40);
        const hour = pick([8, 9, 12, 13, 19, 20]);
        insTx.run(
          `t${tx++}`,
          id,
          merchants[m]!,
          100 + Math.floor(rand() * 10_000),
          end - (day + 1) * 86_400 + hour * 3600 + Math.floor(rand() * 3600),
        );
      }
    }
    const insBlock = db.prepare(`INSERT OR IGNORE INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, 0)`);
    const insIntro = db.prepare(
      `INSERT OR IGNORE INTO introductions (user_a, user_b, date, outcome) VALUES (?, ?, '2026-10-01', 'declined')`,
    );
    for (let k = 0; k < options.users / 5; k++) {
      const a = pick(ids);
      const b = pick(ids);
      if (a === b) continue;
      if (rand() < 0.5) insBlock.run(a, b);
      else insIntro.run(a < b ? a : b, a < b ? b : a);
    }
    recountMirrorRows(db); // as an import would, in the transaction that wrote the rows
  })();
}
