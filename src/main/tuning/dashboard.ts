import { DAY_SECONDS, PLATFORM_OFFSET_SECONDS, platformMidnight } from '../../shared/domain/platform-time';
import type { Db } from '../db/database';
import { currentVersion } from './versions';
import { countShadowRuns } from './shadow';

/** The Overview's figures, all read from the mirror: each date's published (latest completed) run. */
const sql = {
  // match_runs_date (date, status) serves the range; the newest completed run of a date is the published one.
  publishedRuns: `
    SELECT r.id, r.date, r.ruleset_version, r.summary FROM match_runs r
    WHERE r.status = 'completed' AND r.date BETWEEN ? AND ?
      AND r.id = (SELECT MAX(id) FROM match_runs s WHERE s.date = r.date AND s.status = 'completed')
    ORDER BY r.date`,
  // Moderation (migration 004): flags raised per platform day and the open queue.
  flagsPerDay: `
    SELECT date(first_detected_at + ${PLATFORM_OFFSET_SECONDS}, 'unixepoch') AS day, count(*) AS n FROM flags
    WHERE first_detected_at >= ? AND first_detected_at < ? GROUP BY day ORDER BY day`,
  openFlags: `SELECT count(*) FROM flags WHERE state = 'open'`,
} as const;

export interface DashboardDay {
  date: string;
  runId: number;
  introductions: number;
  eligibleUsers: number;
  matchedShare: number;
  meanScore: number;
  rulesetVersion: number | null;
}

export interface Dashboard {
  days: DashboardDay[];
  /** Flags first raised per day (days without flags are left out) and the open review queue. */
  flags: { date: string; flags: number }[];
  openFlags: number;
  today: DashboardDay | null;
  activeVersion: number | null;
  shadowRuns: number;
}

/** YYYY-MM-DD `days − 1` calendar days before `date` (dates are plain calendar days, UTC arithmetic is exact). */
export function daysBefore(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(t)) throw new Error(`dashboard: today: "${date}" is not a YYYY-MM-DD date`);
  return new Date(t - (days - 1) * 86_400_000).toISOString().slice(0, 10);
}

export function readDashboard(db: Db, today: string, days: number): Dashboard {
  const first = daysBefore(today, days);
  const flags = (
    db.prepare(sql.flagsPerDay).all(platformMidnight(first), platformMidnight(today) + DAY_SECONDS) as {
      day: string;
      n: number;
    }[]
  ).map((r) => ({
    date: r.day,
    flags: r.n,
  }));
  const openFlags = db.prepare(sql.openFlags).pluck().get() as number;
  const rows = db.prepare(sql.publishedRuns).all(first, today) as {
    id: number;
    date: string;
    ruleset_version: number | null;
    summary: string;
  }[];
  const list = rows.map((r): DashboardDay => {
    const s = JSON.parse(r.summary) as Partial<
      Record<'introductions' | 'eligibleUsers' | 'matchedShare' | 'meanScore', number>
    >;
    return {
      date: r.date,
      runId: r.id,
      introductions: s.introductions ?? 0,
      eligibleUsers: s.eligibleUsers ?? 0,
      matchedShare: s.matchedShare ?? 0,
      meanScore: s.meanScore ?? 0,
      rulesetVersion: r.ruleset_version,
    };
  });
  return {
    days: list,
    flags,
    openFlags,
    today: list.find((d) => d.date === today) ?? null,
    activeVersion: currentVersion(db),
    shadowRuns: countShadowRuns(db),
  };
}
