import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../db/database';
import { closeDatabase } from '../../db/close';
import { whatIfOnMirror } from '../../tuning/what-if';
import { parseRuleSet, type RuleSet } from '../../../shared/domain/ruleset';
import { defineCommand, UsageError, dateOption, intOption, stringOption } from '../command';

/** A rule set as JSON (the shape `rulesets.save` takes); the error names the file and the first bad field. */
function readRuleSetFile(file: string): RuleSet {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--rules ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--rules ${file}: not JSON (${(error as Error).message})`);
  }
  try {
    return parseRuleSet(json, file);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * `npm run cli -- whatif --date YYYY-MM-DD --rules FILE.json [--json]`: what the Matching rules page shows for a
 * draft — its assignment against the active rule set's on the whole population of that date. Nothing is stored.
 */
export const whatIfCommand = defineCommand({
  name: 'whatif',
  summary: "a draft rule set against the active one on a date's whole population (nothing is stored)",
  usage: 'usage: npm run cli -- whatif --date YYYY-MM-DD --rules FILE.json [--threads 2] [--db FILE] [--json]',
  options: { date: { type: 'string' }, rules: { type: 'string' }, threads: { type: 'string' } },
  async run(ctx, values) {
    const date = dateOption(values, 'date');
    const rules = stringOption(values, 'rules');
    if (!rules) throw new UsageError('--rules FILE.json is required (a rule set: weights, windowDays, topK, …)');
    const draft = readRuleSetFile(path.resolve(rules));
    const threads = intOption(values, 'threads', 2, 1);
    const db = openDatabase(ctx.dbPath, { readonly: true });
    try {
      return await whatIfOnMirror(db, date, draft, threads, ctx.progress);
    } finally {
      closeDatabase(db);
    }
  },
  format(r) {
    const row = (label: string, d: number | string, a: number | string) =>
      `  ${label.padEnd(18)} ${String(d).padStart(10)} ${String(a).padStart(10)}`;
    return [
      `what-if for ${r.date} on ${r.poolUsers} users: draft vs active (v${r.activeVersion ?? 'default'})`,
      row('', 'draft', 'active'),
      row('eligible users', r.draft.eligibleUsers, r.active.eligibleUsers),
      row('introductions', r.draft.introductions, r.active.introductions),
      row('matched share', r.draft.matchedShare, r.active.matchedShare),
      row('mean score', r.draft.meanScore, r.active.meanScore),
      `  users with a different introduction: ${r.changedUsers} (gain ${r.gainedUsers}, lose ${r.lostUsers})`,
      ...(r.rebuildNeeded.length
        ? [
            `  note: ${r.rebuildNeeded.join(', ')} changed — a real run rebuilds candidates; this preview keeps the cached ones`,
          ]
        : []),
    ].join('\n');
  },
});
