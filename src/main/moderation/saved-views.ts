import type { Operator } from '../../shared/contract/app';
import type { Db } from '../db/database';
import { nowSeconds } from './effective';
import { conflict, forbidden, invalidInput, notFound } from './errors';
import { MODERATION_QUEUES } from '../../shared/domain/moderation';
import type { QueueFilter, QueueName, QueueSort } from './queue';
import { say } from '../../shared/error-says';

/** A named queue + filter + sort an operator can come back to. */
export interface SavedViewSpec {
  queue: QueueName;
  filter: QueueFilter;
  sort: QueueSort;
}

export interface SavedView extends SavedViewSpec {
  id: number;
  name: string;
  createdBy: string;
  createdAt: number;
}

interface Row {
  id: number;
  name: string;
  filter: string;
  created_by: string;
  created_at: number;
}

const FILTER_KEYS = new Set(['detector', 'reason', 'minScore', 'maxAgeDays', 'district']);

function checkSpec(spec: SavedViewSpec): void {
  if (!(MODERATION_QUEUES as readonly string[]).includes(spec.queue))
    throw invalidInput('view.queue', `must be one of ${MODERATION_QUEUES.join(', ')}`);
  if (spec.sort !== 'priority' && spec.sort !== 'score' && spec.sort !== 'age')
    throw invalidInput('view.sort', `must be "priority", "score" or "age"`);
  for (const key of Object.keys(spec.filter)) {
    if (!FILTER_KEYS.has(key)) throw invalidInput(`view.filter.${key}`, `unknown filter field`);
  }
}

/** NFC and without invisible characters, so "café" typed two ways or a name of zero-width spaces is one name or none. */
function checkName(name: string): string {
  const trimmed = name
    .normalize('NFC')
    .replace(/[\p{Cf}\p{Cc}]/gu, '')
    .trim();
  if (trimmed.length === 0 || [...trimmed].length > 60) throw invalidInput('view.name', 'must be 1–60 characters');
  return trimmed;
}

const fromRow = (r: Row): SavedView => ({
  id: r.id,
  name: r.name,
  createdBy: r.created_by,
  createdAt: r.created_at,
  ...(JSON.parse(r.filter) as SavedViewSpec),
});

export function listSavedViews(db: Db): SavedView[] {
  return db.prepare<[], Row>(`SELECT * FROM saved_views ORDER BY name, id`).all().map(fromRow);
}

export function createSavedView(
  db: Db,
  name: string,
  spec: SavedViewSpec,
  operator: Operator,
  now = nowSeconds(),
): SavedView {
  checkSpec(spec);
  const n = checkName(name);
  try {
    const row = db
      .prepare<[string, string, string, number], Row>(
        `INSERT INTO saved_views (name, filter, created_by, created_at) VALUES (?, ?, ?, ?) RETURNING *`,
      )
      .get(n, JSON.stringify({ queue: spec.queue, filter: spec.filter, sort: spec.sort }), operator.name, now)!;
    return fromRow(row);
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
      throw conflict(`you already have a view named "${n}"`, say('viewNameTaken', { name: n }));
    throw error;
  }
}

function ownView(db: Db, id: number, operator: Operator): Row {
  const row = db.prepare<[number], Row>(`SELECT * FROM saved_views WHERE id = ?`).get(id);
  if (!row) throw notFound(`saved view ${id}`);
  if (row.created_by !== operator.name && operator.role !== 'lead')
    throw forbidden(`saved view ${id} belongs to ${row.created_by}`);
  return row;
}

export function updateSavedView(db: Db, id: number, name: string, spec: SavedViewSpec, operator: Operator): SavedView {
  checkSpec(spec);
  ownView(db, id, operator);
  const row = db
    .prepare<[string, string, number], Row>(`UPDATE saved_views SET name = ?, filter = ? WHERE id = ? RETURNING *`)
    .get(checkName(name), JSON.stringify({ queue: spec.queue, filter: spec.filter, sort: spec.sort }), id)!;
  return fromRow(row);
}

export function deleteSavedView(db: Db, id: number, operator: Operator): void {
  ownView(db, id, operator);
  db.prepare<[number]>(`DELETE FROM saved_views WHERE id = ?`).run(id);
}
