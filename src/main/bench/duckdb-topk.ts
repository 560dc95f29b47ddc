import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { RuleSet } from '../../shared/domain/ruleset';
import type { RunWindow } from '../engine/window';

/**
 * The peer an analyst would reach for: the engine's exact rarity-weighted top-K written as one DuckDB query over the
 * export files themselves (no mirror), as a careful analyst would write it — ids read as text (merchant ids keep
 * their leading zeros, numeric user ids stay exact above 2^53), the same eligibility, places (an online brand is
 * one place), integer weights round(1e6 / ln(1 + pool visitors)), pair rules (gender both ways, blocks and earlier
 * introductions either way) and ties (smaller id first). Benchmarks only: DuckDB is no part of the console.
 *
 * Query users are a sample (or everyone): their lists are computed against the whole pool, so each list is the
 * same list the engine computes in a full run.
 */
export interface DuckTopKInput {
  exportDir: string;
  window: RunWindow;
  ruleSet: RuleSet;
  /** Users moderation keeps out of the pool (the engine's `excluded`). */
  excluded: readonly string[];
  /** Whose lists to compute; null = every pool user. */
  queryUsers: readonly string[] | null;
  threads: number;
  memoryLimit: string;
  /** Scratch directory for the sample file and DuckDB's spills. */
  workDir: string;
}

export interface DuckTopKResult {
  /** Reading the export files into DuckDB tables (CREATE TABLE … AS SELECT * FROM read_csv / read_json). */
  loadMs: number;
  /** The top-K query over those tables. */
  ms: number;
  lists: Map<string, { v: string; s: number }[]>;
}

const q = (s: string): string => `'${s.replaceAll("'", "''")}'`;

function exportFile(dir: string, stem: string): { file: string; csv: boolean } {
  const csv = path.join(dir, `${stem}.csv`);
  if (fs.existsSync(csv)) return { file: csv, csv: true };
  return { file: path.join(dir, `${stem}.jsonl`), csv: false };
}

/** read_csv / read_json of one export file with the columns it needs, typed explicitly (never auto-detected). */
function reader(dir: string, stem: string, columns: Record<string, string>): string {
  const { file, csv } = exportFile(dir, stem);
  const cols = `{${Object.entries(columns)
    .map(([k, t]) => `${q(k)}: ${q(t)}`)
    .join(', ')}}`;
  return csv
    ? `read_csv(${q(file)}, header = true, columns = ${cols})`
    : `read_json(${q(file)}, format = 'newline_delimited', columns = ${cols})`;
}

export async function duckdbTopK(input: DuckTopKInput): Promise<DuckTopKResult> {
  const { exportDir: dir, window, ruleSet } = input;
  fs.mkdirSync(input.workDir, { recursive: true });
  const listFile = (name: string, ids: readonly string[]): string => {
    const file = path.join(input.workDir, name);
    fs.writeFileSync(file, `id\n${ids.join('\n')}${ids.length ? '\n' : ''}`);
    return `read_csv(${q(file)}, header = true, columns = {'id': 'VARCHAR'})`;
  };
  const excluded = listFile('duckdb-excluded.csv', input.excluded);
  const queryUsers = input.queryUsers ? listFile('duckdb-query-users.csv', input.queryUsers) : null;
  const tables: [string, string][] = [
    [
      'users',
      reader(dir, 'users', {
        id: 'VARCHAR',
        id_verified: 'BOOLEAN',
        gender: 'VARCHAR',
        seeking: 'VARCHAR',
        birth_year: 'INTEGER',
        status: 'VARCHAR',
      }),
    ],
    [
      'consents',
      reader(dir, 'consents', {
        user_id: 'VARCHAR',
        feature: 'VARCHAR',
        granted_at: 'TIMESTAMPTZ',
        revoked_at: 'TIMESTAMPTZ',
      }),
    ],
    ['merchants', reader(dir, 'merchants', { id: 'VARCHAR', brand: 'VARCHAR', channel: 'VARCHAR' })],
    [
      'transactions',
      reader(dir, 'transactions', {
        id: 'VARCHAR',
        user_id: 'VARCHAR',
        merchant_id: 'VARCHAR',
        amount_fen: 'BIGINT',
        paid_at: 'TIMESTAMPTZ',
      }),
    ],
    ['blocks', reader(dir, 'blocks', { blocker_id: 'VARCHAR', blocked_id: 'VARCHAR' })],
    ['introductions', reader(dir, 'introductions', { user_a: 'VARCHAR', user_b: 'VARCHAR', date: 'VARCHAR' })],
    ['excluded', excluded],
    ...(queryUsers ? ([['query_users', queryUsers]] as [string, string][]) : []),
  ];
  const load = tables.map(([name, from]) => `CREATE TABLE ${name} AS SELECT * FROM ${from};`).join('\n');
  const sql = `
    WITH
      -- The latest consent row granted by the end of the day decides; a revoked one keeps the user out.
      consenting AS (
        SELECT user_id FROM consents
        WHERE feature = 'meet_similar' AND granted_at < to_timestamp(${window.end})
        GROUP BY user_id HAVING max_by(revoked_at IS NULL, granted_at)),
      introduced_today AS (
        SELECT user_a AS id FROM introductions WHERE date = ${q(window.date)}
        UNION SELECT user_b FROM introductions WHERE date = ${q(window.date)}),
      pool AS (
        SELECT id, CASE gender WHEN 'F' THEN 0 ELSE 1 END AS g,
               CASE seeking WHEN 'F' THEN 0 WHEN 'M' THEN 1 ELSE 2 END AS s
        FROM users
        WHERE status = 'active'
          AND ${window.year} - birth_year BETWEEN ${ruleSet.ageRange.min} AND ${ruleSet.ageRange.max}
          ${ruleSet.requireRealName ? 'AND id_verified' : ''}
          AND id IN (SELECT user_id FROM consenting)
          AND id NOT IN (SELECT id FROM introduced_today)
          AND id NOT IN (SELECT id FROM excluded)),
      -- An offline merchant is a place; an online brand is one place whichever of its stores was used.
      places AS (
        SELECT id AS merchant_id,
               CASE WHEN channel = 'online' AND brand IS NOT NULL THEN 'brand:' || brand ELSE 'merchant:' || id END AS place
        FROM merchants),
      visits AS (
        SELECT DISTINCT t.user_id AS u, p.place
        FROM transactions t JOIN places p USING (merchant_id) JOIN pool ON pool.id = t.user_id
        WHERE t.paid_at >= to_timestamp(${window.start}) AND t.paid_at < to_timestamp(${window.end})),
      weights AS (
        SELECT place, round(1e6 / ln(1 + count(*))) AS w FROM visits GROUP BY place HAVING count(*) > 1),
      forbidden AS (
        SELECT blocker_id AS a, blocked_id AS b FROM blocks UNION SELECT blocked_id, blocker_id FROM blocks
        UNION SELECT user_a, user_b FROM introductions UNION SELECT user_b, user_a FROM introductions),
      -- The query users' own visits first, so the self-join only expands their places.
      query_visits AS (
        SELECT * FROM visits ${queryUsers ? 'WHERE u IN (SELECT id FROM query_users)' : ''}),
      overlap AS (
        SELECT a.u, b.u AS v, sum(w.w) AS s
        FROM query_visits a
        JOIN weights w ON w.place = a.place
        JOIN visits b ON b.place = a.place AND b.u <> a.u
        JOIN pool x ON x.id = a.u
        JOIN pool y ON y.id = b.u
        WHERE (x.s = 2 OR x.s = y.g) AND (y.s = 2 OR y.s = x.g)
        GROUP BY a.u, b.u),
      ranked AS (
        SELECT u, v, s, row_number() OVER (PARTITION BY u ORDER BY s DESC, v) AS r
        FROM overlap o
        WHERE NOT EXISTS (SELECT 1 FROM forbidden f WHERE f.a = o.u AND f.b = o.v))
    SELECT u, v, s FROM ranked WHERE r <= ${ruleSet.topK} ORDER BY u, r`;

  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(input.threads),
    memory_limit: input.memoryLimit,
    temp_directory: path.join(input.workDir, 'duckdb-spill'),
  });
  const connection = await instance.connect();
  try {
    const t0 = performance.now();
    await connection.run(load);
    const t1 = performance.now();
    const reader = await connection.runAndReadAll(sql);
    const ms = performance.now() - t1;
    const lists = new Map<string, { v: string; s: number }[]>();
    for (const [u, v, s] of reader.getRowsJS() as [string, string, number][]) {
      let list = lists.get(u);
      if (!list) lists.set(u, (list = []));
      list.push({ v, s: Number(s) });
    }
    return { loadMs: t1 - t0, ms, lists };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
