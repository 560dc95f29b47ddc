import path from 'node:path';
import { appendAudit } from '../audit/audit-log';
import type { Db } from '../db/database';
import { latestCompletedRunId, readRun, type MatchRunRecord } from '../engine';
import { compatibleGroups, ineligibilityOf, judgeUsers } from '../engine/eligibility';
import { matchingExclusions } from '../moderation/exclusions';
import { DomainError } from '../../shared/envelope';
import { type DropReason, introductionsFileName, noDrops } from '../../shared/domain/publication';
import { writeOutboxFile } from './atomic-file';
import {
  alreadyPublished,
  markPublicationWritten,
  publicationOf,
  unwrittenPublications,
  type PublicationRecord,
} from './ledger';

/**
 * Publishing a date's introductions (DATA-FORMAT.md, "Publishing a date's introductions"): once, from one run,
 * re-checked pair by pair against the mirror as it is at that moment — the same eligibility the engine uses
 * (engine/eligibility.ts: upstream status, latest consent, real-name rule, ages, moderation's restrictions and
 * holds standing now, an upstream introduction that day), gender preferences, blocks either way, and pairs
 * introduced before (upstream's history, dates published earlier). Only the pairs that pass are written; the
 * others are counted by reason. This is the only code that writes an introductions file.
 */

export interface PublicationCheck {
  date: string;
  runId: number;
  rulesetVersion: number | null;
  /** Pairs in the run. */
  introductions: number;
  /** Pairs that pass the re-check now (what publishing now would write). */
  passing: number;
  dropped: Record<DropReason, number>;
}

export interface PublishResult extends PublicationCheck {
  /** The file written in the outbox. */
  file: string;
  /** Files of earlier publications a crash kept from being confirmed, written again first. */
  resent: string[];
  elapsedMs: number;
}

export interface PublishOptions {
  date: string;
  /** Default: the date's latest completed run. */
  runId?: number;
  operator: string;
  outboxDir: string;
  /** Unix seconds: the moment moderation's restrictions and holds are judged at (default now). */
  now?: number;
}

interface RunPair {
  user_a: string;
  user_b: string;
  score: number;
  reasons: string;
}

const sql = {
  pairs: `SELECT user_a, user_b, score, reasons FROM run_introductions WHERE run_id = ? ORDER BY score DESC, user_a, user_b`,
  blocks: `SELECT blocker_id, blocked_id FROM blocks`,
  upstreamPairs: `SELECT user_a, user_b FROM introductions`,
  publishedPairs: `SELECT user_a, user_b FROM published_introductions WHERE date <> ?`,
  insertPublication: `INSERT INTO publications (date, run_id, file, introductions, dropped, operator, published_at)
    VALUES (@date, @runId, @file, @written, @dropped, @operator, @publishedAt)`,
  insertPair: `INSERT INTO published_introductions (date, user_a, user_b, score, ruleset_version, reasons) VALUES (?, ?, ?, ?, ?, ?)`,
  filePairs: `SELECT user_a, user_b, score, ruleset_version, reasons FROM published_introductions WHERE date = ?
    ORDER BY score DESC, user_a, user_b`,
} as const;

/** The run a date is published from: the one named (it must be that date's, and complete), or its latest. */
function runToPublish(db: Db, date: string, runId: number | undefined): MatchRunRecord {
  const id = runId ?? latestCompletedRunId(db, date);
  if (id === null)
    throw new DomainError('NOT_FOUND', `no completed matching run for ${date}: run \`match --date ${date}\` first`);
  const run = readRun(db, id);
  if (!run) throw new DomainError('NOT_FOUND', `there is no matching run ${id}`);
  if (run.date !== date) throw new DomainError('INVALID_INPUT', `run ${id} is for ${run.date}, not ${date}`);
  if (run.status !== 'completed' && run.status !== 'superseded')
    throw new DomainError(
      'CONFLICT',
      `run ${id} is ${run.status === 'failed' && run.error === 'interrupted' ? 'interrupted' : run.status}: only a completed run can be published`,
    );
  return run;
}

const pairKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

/** Re-checks every pair of the run against the mirror now: the pairs that pass, and the others counted by reason. */
function recheck(
  db: Db,
  run: MatchRunRecord,
  atSec: number,
): { passing: RunPair[]; dropped: Record<DropReason, number>; total: number } {
  const pairs = db.prepare(sql.pairs).all(run.id) as RunPair[];
  const judged = judgeUsers(db, run.date, run.ruleSet, matchingExclusions(db, atSec));
  const blocked = new Set<string>();
  for (const [a, b] of db.prepare(sql.blocks).raw().iterate() as Iterable<[string, string]>) blocked.add(pairKey(a, b));
  const before = new Set<string>();
  for (const [a, b] of db.prepare(sql.upstreamPairs).raw().iterate() as Iterable<[string, string]>)
    before.add(pairKey(a, b));
  for (const [a, b] of db.prepare(sql.publishedPairs).raw().iterate(run.date) as Iterable<[string, string]>)
    before.add(pairKey(a, b));

  const dropped = noDrops();
  const passing: RunPair[] = [];
  for (const p of pairs) {
    const a = judged.index.get(p.user_a);
    const b = judged.index.get(p.user_b);
    const reason: DropReason | undefined =
      a === undefined || b === undefined
        ? 'account_gone'
        : (ineligibilityOf(judged.verdict[a]!) ??
          ineligibilityOf(judged.verdict[b]!) ??
          (!compatibleGroups(judged.group[a]!, judged.group[b]!)
            ? 'preferences'
            : blocked.has(pairKey(p.user_a, p.user_b))
              ? 'blocked'
              : before.has(pairKey(p.user_a, p.user_b))
                ? 'introduced_before'
                : undefined));
    if (reason) dropped[reason]++;
    else passing.push(p);
  }
  return { passing, dropped, total: pairs.length };
}

/** What publishing the date now would write and drop, without writing anything (the confirm dialog's counts). */
export function checkPublication(db: Db, date: string, runId?: number, now?: number): PublicationCheck {
  const published = publicationOf(db, date);
  if (published) throw alreadyPublished(published, `publish ${date}`);
  const run = runToPublish(db, date, runId);
  const { passing, dropped, total } = recheck(db, run, now ?? Math.floor(Date.now() / 1000));
  return {
    date,
    runId: run.id,
    rulesetVersion: run.rulesetVersion,
    introductions: total,
    passing: passing.length,
    dropped,
  };
}

/** The lines of a published date's file, from the ledger: the same bytes whenever they are written. */
function fileLines(db: Db, date: string): string[] {
  const rows = db.prepare(sql.filePairs).all(date) as (RunPair & { ruleset_version: number | null })[];
  return rows.map((r) =>
    JSON.stringify({
      date,
      user_a: r.user_a,
      user_b: r.user_b,
      score: r.score,
      ruleset_version: r.ruleset_version,
      reasons: JSON.parse(r.reasons) as string[],
    }),
  );
}

function writePublicationFile(db: Db, p: Pick<PublicationRecord, 'date' | 'file'>, outboxDir: string): string {
  const file = writeOutboxFile(outboxDir, p.file, fileLines(db, p.date));
  markPublicationWritten(db, p.date);
  return file;
}

/**
 * Publications the ledger holds but never saw written (a crash between the ledger and the file): written again,
 * byte for byte. Returns their file names — upstream may receive one of them twice, and the caller says so.
 */
export function writeUnwrittenPublications(db: Db, outboxDir: string): string[] {
  return unwrittenPublications(db).map((p) => {
    writePublicationFile(db, p, outboxDir);
    return p.file;
  });
}

/**
 * Publishes a date: in one transaction, refuses a published date (ALREADY_PUBLISHED), re-checks the run's pairs,
 * records the publication, its pairs and its audit row; then writes the file atomically and marks it written.
 */
export function publishDate(db: Db, o: PublishOptions): PublishResult {
  const started = performance.now();
  const resent = writeUnwrittenPublications(db, o.outboxDir);
  const atSec = o.now ?? Math.floor(Date.now() / 1000);
  const fileName = introductionsFileName(o.date);
  const check = db
    .transaction((): PublicationCheck => {
      const published = publicationOf(db, o.date);
      if (published) throw alreadyPublished(published, `publish ${o.date}`);
      const run = runToPublish(db, o.date, o.runId);
      const { passing, dropped, total } = recheck(db, run, atSec);
      db.prepare(sql.insertPublication).run({
        date: o.date,
        runId: run.id,
        file: fileName,
        written: passing.length,
        dropped: JSON.stringify(dropped),
        operator: o.operator,
        publishedAt: new Date().toISOString(),
      });
      const insert = db.prepare(sql.insertPair);
      for (const p of passing) insert.run(o.date, p.user_a, p.user_b, p.score, run.rulesetVersion, p.reasons);
      appendAudit(db, {
        operator: o.operator,
        action: 'publish',
        subject: o.date,
        details: { runId: run.id, introductions: total, written: passing.length, dropped },
      });
      return {
        date: o.date,
        runId: run.id,
        rulesetVersion: run.rulesetVersion,
        introductions: total,
        passing: passing.length,
        dropped,
      };
    })
    .immediate();
  let file: string;
  try {
    file = writePublicationFile(db, { date: o.date, file: fileName }, o.outboxDir);
  } catch (error) {
    throw new Error(
      `${o.date} is published (run ${check.runId}) but its file could not be written in ${o.outboxDir} (${(error as Error).message}); it is written at the next start or publish`,
      { cause: error },
    );
  }
  return { ...check, file: path.resolve(file), resent, elapsedMs: Math.round(performance.now() - started) };
}
