import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../db/database';
import { closeDatabase } from '../../db/close';
import { benchMirror } from '../../bench/bench-data';
import { GENERATOR_VERSION } from '../../mirror/generator';
import { BEHAVIOUR_FAMILIES, isBehaviourFamily } from '../../../shared/domain/detection';
import { extractFeatures } from '../../moderation/features';
import { readLabels } from '../../moderation/evaluate';
import { fitDetectorModel, fitWithoutFamily, type LabelledAccount } from '../../moderation/model/fit';
import { committedDetectorVersion, type DetectorModel } from '../../moderation/model/model';
import { formatModelFile } from '../../moderation/model/model-file';
import { type CliCommand, UsageError, intOption, stringOption } from '../command';

const CLASS_OF: Record<string, number> = { micro_seller: 1, spammer: 2 };

/**
 * `npm run cli -- fit-detectors --seeds 1,2 [--users 50000] [--version N] [--out FILE] [--leave-out FAMILIES] [--json]`
 *
 * Fits the detection model on generated training seeds (exports and mirrors cached under bench-data/, as the benches
 * do) and prints its thresholds and held-out figures; `--out` writes the model file (the committed one is
 * src/main/moderation/model/detector-model.json). Seeds used for evaluation must never be given here.
 * `--leave-out` (family names, or `all`: every abuse and hard-negative family in turn) refits without each family
 * and reports how its accounts fare unseen; it writes no model file.
 */
export const fitDetectorsCommand: CliCommand = {
  name: 'fit-detectors',
  summary: 'fit the detection model on generated training seeds (writes the model file with --out)',
  usage:
    'usage: npm run cli -- fit-detectors --seeds 1,2 [--users 50000] [--version N] [--out FILE] [--leave-out FAMILY,…|all] [--json]',
  options: {
    seeds: { type: 'string' },
    users: { type: 'string' },
    version: { type: 'string' },
    out: { type: 'string' },
    'leave-out': { type: 'string' },
  },
  async run(ctx, values) {
    const seedsText = stringOption(values, 'seeds') ?? '1,2';
    const seeds = seedsText.split(',').map((s) => Number(s.trim()));
    if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0))
      throw new UsageError(`--seeds must be a comma-separated list of integers, got "${seedsText}"`);
    const users = intOption(values, 'users', 50_000, 1000);
    const version = intOption(values, 'version', committedDetectorVersion(), 1);
    const leaveOut = leaveOutFamilies(stringOption(values, 'leave-out'));
    if (leaveOut.length > 0 && stringOption(values, 'out'))
      throw new UsageError('--leave-out fits models without a family: it writes no model file (drop --out)');
    const accounts: LabelledAccount[] = [];
    const labelCounts: Record<string, number> = {};
    for (const seed of seeds) {
      const { dbFile, exportDir } = await benchMirror(users, seed, ctx.progress, ctx.log);
      ctx.log(`seed ${seed}: reading behaviour figures from ${dbFile} …`);
      const labels = readLabels(path.join(exportDir, 'labels.jsonl'));
      const db = openDatabase(dbFile, { readonly: true });
      try {
        for (const f of extractFeatures(db, ctx.progress).users) {
          const label = labels.get(f.userId)?.label ?? 'normal';
          labelCounts[label] = (labelCounts[label] ?? 0) + 1;
          accounts.push({
            seed,
            features: f,
            y: CLASS_OF[label] ?? 0,
            family: labels.get(f.userId)?.family ?? 'ordinary',
          });
        }
      } finally {
        closeDatabase(db);
      }
    }
    ctx.log(`fitting on ${accounts.length.toLocaleString('en')} accounts with activity …`);
    const options = {
      detectorVersion: version,
      command: `npm run cli -- fit-detectors --seeds ${seeds.join(',')} --users ${users} --version ${version} --out src/main/moderation/model/detector-model.json`,
      fittedOn: {
        generatorVersion: GENERATOR_VERSION,
        seeds,
        users,
        days: 90,
        accounts: accounts.length,
        labels: labelCounts,
      },
    };
    if (leaveOut.length > 0) {
      const unseenFamilies = leaveOut.map((family) => {
        ctx.log(`refitting without ${family} …`);
        const unseen = fitWithoutFamily(accounts, family, options);
        // Each family as it comes (a refit takes a while): a stopped run keeps what it found.
        ctx.log(`  ${family}: ${unseen.queued}/${unseen.accounts} queued unseen (${unseen.rate})`);
        return unseen;
      });
      return { detectorVersion: version, seeds, users, accounts: accounts.length, unseenFamilies };
    }
    const model: DetectorModel = fitDetectorModel(accounts, options);
    const out = stringOption(values, 'out');
    if (out) fs.writeFileSync(path.resolve(out), formatModelFile(model));
    return {
      detectorVersion: model.detectorVersion,
      seeds,
      users,
      accounts: accounts.length,
      written: out ? path.resolve(out) : null,
      thresholds: model.thresholds,
      holdThreshold: model.holdThreshold,
      heldOut: {
        method: model.heldOut.method,
        atThresholds: model.heldOut.atThresholds,
        hold: model.heldOut.hold,
        families: model.heldOut.families,
      },
      calibration: model.calibration,
    };
  },
};

/** `all` → every abuse and hard-negative family; else a comma-separated list of behaviour families. */
function leaveOutFamilies(text: string | undefined): string[] {
  if (text === undefined) return [];
  if (text === 'all')
    return Object.entries(BEHAVIOUR_FAMILIES)
      .filter(([, f]) => f.kind !== 'ordinary')
      .map(([name]) => name);
  const names = text.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !isBehaviourFamily(n));
  if (unknown.length > 0 || names.length === 0)
    throw new UsageError(`--leave-out: not a behaviour family: ${unknown.join(', ') || '(empty)'}`);
  return names;
}
