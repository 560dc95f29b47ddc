import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../db/database';
import { main } from '../cli/main';
import { matchCommand } from '../cli/commands/match';
import { exportCommand, publishCommand } from '../cli/commands/publish';
import { listAudit } from '../audit/audit-log';
import { whatIfCommand } from '../cli/commands/whatif';
import { DEFAULT_RULE_SET } from '../../shared/domain/ruleset';
import { silentProgress } from '../../shared/progress';
import { MatchingCache } from './cache';
import { runWorkerJob } from '../jobs/run-worker-job';
import { readRun } from './store';
import { readRunIntroductions } from './index';
import { seedFlags } from '../testing/moderation-mirror';
import { detectorModel } from '../moderation/model/model';
import { buildTestMirror } from '../testing/engine-mirror';
import { ensureTestAccount } from '../testing/operators';
import { WHAT_IF_SCORING } from '../tuning/what-if';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A test mirror with a reviewer (王芳) and a lead (李娜) for `--operator`. */
async function mirror(): Promise<{ dir: string; file: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-cli-'));
  dirs.push(dir);
  const file = path.join(dir, 'm.db');
  const db = openDatabase(file);
  buildTestMirror(db, { users: 250, seed: 5 });
  await ensureTestAccount(db, 'reviewer');
  await ensureTestAccount(db, 'lead');
  db.close();
  return { dir, file };
}

/** Runs the CLI with the given commands, capturing stdout's last line as JSON. */
async function cli(args: string[]): Promise<{ code: number; last: Record<string, unknown> }> {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const code = await main(args, [matchCommand, publishCommand, exportCommand, whatIfCommand]);
  vi.restoreAllMocks();
  const out = lines.join('').trimEnd().split('\n');
  return { code, last: JSON.parse(out.at(-1)!) as Record<string, unknown> };
}

describe('match and publish commands', () => {
  it('runs a match, publishes it to the outbox once, and refuses the published date to publish and match again', async () => {
    const { dir, file } = await mirror();
    const match = await cli([
      'match',
      '--date',
      '2026-11-24',
      '--db',
      file,
      '--threads',
      '1',
      '--operator',
      '王芳',
      '--json',
    ]);
    expect(match.code).toBe(0);
    expect(match.last).toMatchObject({ ok: true, command: 'match', date: '2026-11-24' });
    expect(match.last.introductions).toBeGreaterThan(0);
    const mirrorDb = openDatabase(file);
    expect(readRun(mirrorDb, Number(match.last.runId))).toMatchObject({ operator: '王芳' });
    mirrorDb.close();
    const out = path.join(dir, 'outbox');
    // Publishing is a lead's: a reviewer is refused, naming the role it needs.
    const refused = await cli([
      'publish',
      '--date',
      '2026-11-24',
      '--out',
      out,
      '--db',
      file,
      '--operator',
      '王芳',
      '--json',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.last).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', needs: 'lead' } });
    expect(fs.existsSync(out)).toBe(false);
    const pub = await cli([
      'publish',
      '--date',
      '2026-11-24',
      '--out',
      out,
      '--db',
      file,
      '--operator',
      '李娜',
      '--json',
    ]);
    expect(pub.code).toBe(0);
    expect(pub.last).toMatchObject({ ok: true, runId: match.last.runId, introductions: match.last.introductions });
    expect(pub.last.passing).toBe(match.last.introductions);
    expect(
      fs.readFileSync(path.join(out, 'introductions-2026-11-24.jsonl'), 'utf8').trimEnd().split('\n'),
    ).toHaveLength(Number(match.last.introductions));

    // Final: publishing again (under either name) and matching again are refused, naming the published run.
    const published = {
      ok: false,
      error: { code: 'ALREADY_PUBLISHED', message: expect.stringContaining(`run ${String(match.last.runId)}`) },
    };
    for (const again of [
      ['publish', '--date', '2026-11-24', '--out', out],
      ['export', '--date', '2026-11-24', '--out', out],
      ['match', '--date', '2026-11-24', '--threads', '1'],
    ]) {
      const refused = await cli([...again, '--db', file, '--operator', '李娜', '--json']);
      expect(refused.code).toBe(1);
      expect(refused.last).toMatchObject(published);
    }
    const db = openDatabase(file);
    expect(listAudit(db, 20).find((a) => a.action === 'publish')).toMatchObject({
      operator: '李娜',
      subject: '2026-11-24',
      details: { runId: match.last.runId, written: match.last.introductions },
    });
    db.close();
  });

  it('says what is wrong with a bad date', async () => {
    const { file } = await mirror();
    const bad = await cli(['match', '--date', '2026-02-30', '--db', file, '--operator', '王芳', '--json']);
    expect(bad.code).toBe(2);
    expect(bad.last).toMatchObject({
      ok: false,
      error: { code: 'USAGE', message: '--date: "2026-02-30" is not a calendar date' },
    });
    const missing = await cli(['publish', '--db', file, '--operator', '李娜', '--json']);
    expect(missing.last).toMatchObject({ ok: false, error: { code: 'USAGE' } });
  });
});

describe('accounts held by detection', () => {
  it('are out of the run while pending, and the run summary and the what-if say how many', async () => {
    const { dir, file } = await mirror();
    const match = (): Promise<{ code: number; last: Record<string, unknown> }> =>
      cli(['match', '--date', '2026-11-24', '--db', file, '--threads', '1', '--operator', '王芳', '--json']);
    const first = await match();
    expect(first.last.heldByDetection).toBe(0);
    let db = openDatabase(file);
    const matched = readRunIntroductions(db, Number(first.last.runId)).map((i) => i.userA);
    // Two pending calibrated assessments: one above the recommended hold threshold, one below it.
    const recommended = detectorModel().holdThreshold;
    const scores = [(1 + recommended) / 2, recommended / 2];
    seedFlags(db, matched.slice(0, 2), 'micro_seller', 1_764_000_000, { version: 3, score: (i) => scores[i]! });
    db.close();

    const second = await match();
    expect(second.last.heldByDetection).toBe(1);
    db = openDatabase(file);
    const again = readRunIntroductions(db, Number(second.last.runId)).flatMap((i) => [i.userA, i.userB]);
    db.close();
    expect(again).not.toContain(matched[0]);

    // A draft that holds only at certainty lets the held account back in; the what-if counts both sides.
    const rules = path.join(dir, 'draft.json');
    fs.writeFileSync(rules, JSON.stringify({ ...DEFAULT_RULE_SET, holdThreshold: 1 }));
    const whatIf = await cli([
      'whatif',
      '--date',
      '2026-11-24',
      '--rules',
      rules,
      '--db',
      file,
      '--threads',
      '1',
      '--json',
    ]);
    expect(whatIf.code).toBe(0);
    expect(whatIf.last.heldByDetection).toEqual({
      draft: 0,
      active: 1,
      draftThreshold: 1,
      activeThreshold: recommended,
      recommended,
    });
  });
});

describe('whatif command', () => {
  it("prints the draft's re-score against the active rule set, as the engine computes it", async () => {
    const { dir, file } = await mirror();
    const draft = { ...DEFAULT_RULE_SET, weights: { ...DEFAULT_RULE_SET.weights, sameDistrict: 90 }, minScore: 10 };
    const rules = path.join(dir, 'draft.json');
    fs.writeFileSync(rules, JSON.stringify(draft));
    const run = await cli([
      'whatif',
      '--date',
      '2026-11-24',
      '--rules',
      rules,
      '--db',
      file,
      '--threads',
      '1',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const db = openDatabase(file);
    const cache = await MatchingCache.build(
      db,
      { date: '2026-11-24', ruleSet: DEFAULT_RULE_SET, excluded: new Set(), threads: 1 },
      silentProgress,
    );
    db.close();
    expect(run.last.draft).toEqual((await cache.rescore(draft, WHAT_IF_SCORING)).summary);
    expect(run.last.active).toEqual((await cache.rescore(DEFAULT_RULE_SET, WHAT_IF_SCORING)).summary);
    expect(run.last.changedUsers).toBeGreaterThan(0);
    expect(run.last.activeVersion).toBeNull();
  });

  it('names the rules file and its first bad field', async () => {
    const { dir, file } = await mirror();
    const rules = path.join(dir, 'bad.json');
    fs.writeFileSync(
      rules,
      JSON.stringify({ ...DEFAULT_RULE_SET, weights: { ...DEFAULT_RULE_SET.weights, coPresence: 'high' } }),
    );
    const bad = await cli(['whatif', '--date', '2026-11-24', '--rules', rules, '--db', file, '--json']);
    expect(bad.code).toBe(2);
    expect(bad.last).toMatchObject({ ok: false, error: { code: 'USAGE' } });
    expect(String((bad.last.error as { message: string }).message)).toMatch(
      new RegExp(`^${rules}: weights\\.coPresence: `),
    );
    fs.writeFileSync(rules, '{"weights": ');
    const broken = await cli(['whatif', '--date', '2026-11-24', '--rules', rules, '--db', file, '--json']);
    expect(String((broken.last.error as { message: string }).message)).toContain(`--rules ${rules}: not JSON`);
  });
});

describe('match worker job', () => {
  it('runs a match in a worker thread and stores the run', async () => {
    const { file } = await mirror();
    const phases = new Set<string>();
    const summary = await runWorkerJob('match', {
      dbPath: file,
      input: { date: '2026-11-24', operator: 'ui:alice', threads: 2 },
      onProgress: (phase) => phases.add(phase),
    });
    expect(summary.introductions).toBeGreaterThan(0);
    expect(phases.size).toBeGreaterThan(0);
    const db = openDatabase(file);
    expect(readRun(db, summary.runId)).toMatchObject({ status: 'completed', operator: 'ui:alice' });
    db.close();
  });
});
