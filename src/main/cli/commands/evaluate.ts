import path from 'node:path';
import { openDatabase } from '../../db/database';
import { closeDatabase } from '../../db/close';
import { evaluate } from '../../moderation/evaluate';
import { DETECTOR_NAMES } from '../../../shared/domain/detection';
import { defineCommand, UsageError, stringOption } from '../command';

/** `npm run cli -- evaluate --labels FILE [--json]`: detector precision / recall against generated ground truth. */
export const evaluateCommand = defineCommand({
  name: 'evaluate',
  summary: 'precision, recall and PR curve of the detectors against labels.jsonl',
  usage: 'usage: npm run cli -- evaluate --labels FILE [--db FILE] [--json]',
  options: { labels: { type: 'string' } },
  async run(ctx, values) {
    const labels = stringOption(values, 'labels');
    if (!labels) throw new UsageError('--labels FILE is required (the labels.jsonl of a generated export)');
    const db = openDatabase(ctx.dbPath, { readonly: true });
    try {
      return evaluate(db, path.resolve(labels), ctx.progress);
    } finally {
      closeDatabase(db);
    }
  },
  format(e) {
    const lines = [`labels: ${e.labelsFile}`];
    for (const name of DETECTOR_NAMES) {
      const m = e.classes[name];
      lines.push(
        `${name.padEnd(13)} v${m.detectorVersion} @${m.threshold}: precision ${m.precision.toFixed(3)}  recall ${m.recall.toFixed(3)}  F1 ${m.f1.toFixed(3)}` +
          `  (tp ${m.truePositives}, fp ${m.falsePositives}, fn ${m.falseNegatives}, positives ${m.positives})`,
      );
      const curve = e.curves[name];
      lines.push(
        `  PR: ${curve
          .filter((_, i) => i % 2 === 1)
          .map((p) => `${p.threshold.toFixed(2)}→${p.precision.toFixed(2)}/${p.recall.toFixed(2)}`)
          .join('  ')}`,
      );
    }
    return lines.join('\n');
  },
});
