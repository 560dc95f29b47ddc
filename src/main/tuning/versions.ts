import type { Db } from '../db/database';
import { activateRuleSetVersion, ensureRuleSetVersion } from '../engine/store';
import { ruleSetJson } from '../engine/store';
import {
  DEFAULT_RULE_SET,
  DEFAULTS_IN_FORCE_BY,
  FEATURE_NAMES,
  parseRuleSet,
  type RuleSet,
} from '../../shared/domain/ruleset';
import type { RuleSetChange, RuleSetVersionView } from '../../shared/contract/tuning';
import { DomainError } from '../../shared/envelope';
import { say } from '../../shared/error-says';
import { limitSql } from '../db/limit';

/** Rule set versions over the engine's tables (migration 003): immutable rows, activation = the latest append. */
const sql = {
  versions: `SELECT version, ruleset, created_by, created_at, note FROM ruleset_versions ORDER BY version DESC`,
  version: `SELECT version, ruleset, created_by, created_at, note FROM ruleset_versions WHERE version = ?`,
  sameRuleSet: `SELECT version FROM ruleset_versions WHERE ruleset = ? ORDER BY version LIMIT 1`,
  insert: `INSERT INTO ruleset_versions (ruleset, created_by, created_at, note) VALUES (?, ?, ?, ?)`,
  activations: (limit: number) =>
    `SELECT version, activated_by, activated_at FROM ruleset_activations ORDER BY id DESC ${limitSql(limit)}`,
} as const;

interface VersionRow {
  version: number;
  ruleset: string;
  created_by: string;
  created_at: string;
  note: string;
}

export interface Activation {
  version: number;
  activatedBy: string;
  activatedAt: string;
}

export function listActivations(db: Db, limit = 50): Activation[] {
  const rows = db.prepare(sql.activations(limit)).all() as {
    version: number;
    activated_by: string;
    activated_at: string;
  }[];
  return rows.map((r) => ({ version: r.version, activatedBy: r.activated_by, activatedAt: r.activated_at }));
}

export function currentVersion(db: Db): number | null {
  return listActivations(db, 1)[0]?.version ?? null;
}

function toView(row: VersionRow, active: number | null): RuleSetVersionView {
  return {
    version: row.version,
    ruleSet: parseRuleSet(JSON.parse(row.ruleset), `ruleset_versions ${row.version}`),
    createdBy: row.created_by,
    createdAt: row.created_at,
    note: row.note,
    active: row.version === active,
  };
}

export function listVersions(db: Db): RuleSetVersionView[] {
  const active = currentVersion(db);
  return (db.prepare(sql.versions).all() as VersionRow[]).map((r) => toView(r, active));
}

export function readVersion(db: Db, version: number): RuleSetVersionView {
  const row = db.prepare(sql.version).get(version) as VersionRow | undefined;
  if (!row) throw new DomainError('NOT_FOUND', `rule set version ${version} does not exist`);
  return toView(row, currentVersion(db));
}

/**
 * Saves a draft as a new numbered version with author and note. Versions are content-unique (the engine maps an
 * equal rule set to one version), so saving an unchanged draft is refused with the version that already holds it.
 */
export function saveVersion(db: Db, ruleSet: RuleSet, note: string, operator: string): number {
  const trimmed = note.trim();
  if (!trimmed)
    throw new DomainError('INVALID_INPUT', 'rulesets.save: note: a note is required', say('noteRequired', {}));
  const json = ruleSetJson(ruleSet);
  return db.transaction(() => {
    const same = db.prepare(sql.sameRuleSet).get(json) as { version: number } | undefined;
    if (same)
      throw new DomainError(
        'CONFLICT',
        `this rule set is already saved as version ${same.version}`,
        say('ruleSetAlreadySaved', { version: same.version }, { version: same.version }),
      );
    return Number(db.prepare(sql.insert).run(json, operator, new Date().toISOString(), trimmed).lastInsertRowid);
  })();
}

/** Appends an activation (audited by its caller: `rulesets.activate`). */
export function activateVersion(db: Db, version: number, operator: string): number {
  readVersion(db, version);
  const before = currentVersion(db);
  if (before === version)
    throw new DomainError(
      'CONFLICT',
      `rule set version ${version} is already active`,
      say('ruleSetAlreadyActive', { version }),
    );
  activateRuleSetVersion(db, version, operator);
  return version;
}

/**
 * A rule set in force always has a version: on a mirror where none was ever activated the defaults are saved (v1 on
 * a new mirror) and activated, so the header names the version in force, runs record it, and the first version an
 * operator activates can be rolled back to it. Every entry point calls this once at start. Returns the version.
 */
export function ensureRuleSetInForce(db: Db): number {
  return db.transaction(() => {
    const current = currentVersion(db);
    if (current !== null) return current;
    const version = ensureRuleSetVersion(db, DEFAULT_RULE_SET, DEFAULTS_IN_FORCE_BY, 'the default rule set');
    activateRuleSetVersion(db, version, DEFAULTS_IN_FORCE_BY);
    return version;
  })();
}

/** Re-activates the version active before the current one: one click, and it stays in the history. */
export function rollBack(db: Db, operator: string): number {
  const [current, ...earlier] = listActivations(db, 1000);
  if (!current)
    throw new DomainError(
      'CONFLICT',
      'no rule set version was ever activated; there is nothing to roll back',
      say('nothingToRollBack', {}),
    );
  const previous = earlier.find((a) => a.version !== current.version);
  if (!previous)
    throw new DomainError(
      'CONFLICT',
      `version ${current.version} is the only version ever activated; there is nothing to roll back to`,
      say('nothingToRollBack', {}),
    );
  activateRuleSetVersion(db, previous.version, operator);
  return previous.version;
}

/** Which weights and rules differ, from → to, in the rule set's own order. */
export function diffRuleSets(from: RuleSet, to: RuleSet): RuleSetChange[] {
  const changes: RuleSetChange[] = [];
  for (const name of FEATURE_NAMES) {
    if (from.weights[name] !== to.weights[name])
      changes.push({ path: `weights.${name}`, kind: 'weight', from: from.weights[name], to: to.weights[name] });
  }
  const rule = (path: string, a: number | boolean, b: number | boolean): void => {
    if (a !== b) changes.push({ path, kind: 'rule', from: a, to: b });
  };
  rule('windowDays', from.windowDays, to.windowDays);
  rule('topK', from.topK, to.topK);
  rule('minSharedPlaces', from.minSharedPlaces, to.minSharedPlaces);
  rule('minScore', from.minScore, to.minScore);
  rule('ageRange.min', from.ageRange.min, to.ageRange.min);
  rule('ageRange.max', from.ageRange.max, to.ageRange.max);
  rule('requireRealName', from.requireRealName, to.requireRealName);
  return changes;
}

export function diffVersions(db: Db, from: number, to: number): RuleSetChange[] {
  return diffRuleSets(readVersion(db, from).ruleSet, readVersion(db, to).ruleSet);
}
