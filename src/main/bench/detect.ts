import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../db/database';
import { importExport } from '../mirror/import';
import { runDetection } from '../moderation/detect';
import { lshClusters, minhash, pairwiseClusters, shingles } from '../moderation/near-duplicates';
import { defineCommand, intOption, stringOption } from '../cli/command';
import { benchExport } from './bench-data';
import { PeakRss, mib, timed } from './measure';
import { limitSql } from '../db/limit';

/**
 * `npm run bench -- detect [--users 100000] [--mirror DIR_WITH_mirror.db] [--sample 4000] [--json]`
 *
 * Full detection time and peak RSS on a generated mirror, plus the near-duplicate baseline in the same run:
 * exact pairwise Jaccard (O(n²)) against MinHash + LSH on the same sample of greetings, with the speed ratio and
 * how many texts land in the same largest cluster.
 */
export const detectBench = defineCommand({
  name: 'detect',
  summary: 'detection time and memory; MinHash vs pairwise near-duplicates',
  usage: 'usage: npm run bench -- detect [--users 100000] [--seed 1] [--mirror DIR] [--sample 4000] [--json]',
  options: {
    users: { type: 'string' },
    seed: { type: 'string' },
    mirror: { type: 'string' },
    sample: { type: 'string' },
  },
  async run(ctx, values) {
    const users = intOption(values, 'users', 100_000, 100);
    const seed = intOption(values, 'seed', 1, 0);
    const sample = intOption(values, 'sample', 4000, 10);
    let dir = stringOption(values, 'mirror');
    let cleanup = false;
    if (!dir) {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-detect-'));
      cleanup = true;
      // Detection writes flags, so it runs on a fresh import of the cached export, never on the shared mirror.
      const exportDir = await benchExport(users, seed, ctx.progress, ctx.log);
      ctx.log(`importing ${users} users (seed ${seed}) into ${dir} …`);
      const setup = openDatabase(path.join(dir, 'mirror.db'));
      importExport(setup, exportDir, { operator: 'bench', progress: ctx.progress });
      setup.close();
    }
    try {
      const db = openDatabase(path.join(dir, 'mirror.db'));
      const texts = db
        .prepare<[], { text: string }>(`SELECT text FROM greetings ORDER BY id ${limitSql(sample)}`)
        .all()
        .map((r) => r.text);
      const rss = new PeakRss();
      // CPU time beside wall time: detection runs on one thread, so on a machine shared with other work its CPU
      // seconds are what its wall time would be on a quiet one.
      const cpuBefore = process.cpuUsage();
      const detection = await timed(() => runDetection(db, ctx.progress, { operator: 'bench' }));
      const cpu = process.cpuUsage(cpuBefore);
      const peak = rss.stop();
      const sets = texts.map(shingles);
      const baseline = await timed(() => pairwiseClusters(sets));
      const fast = await timed(() => lshClusters(texts.map((t) => minhash(shingles(t)))));
      // Agreement: of the pairs the exact method puts together, how many MinHash also puts together (sampled).
      let together = 0;
      let agreed = 0;
      for (let i = 0; i < texts.length; i += 7) {
        for (let j = i + 1; j < texts.length; j += 13) {
          if (baseline.value[i] !== baseline.value[j]) continue;
          together++;
          if (fast.value[i] === fast.value[j]) agreed++;
        }
      }
      db.close();
      return {
        users: detection.value.usersScored,
        detectSeconds: Math.round(detection.ms) / 1000,
        detectCpuSeconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
        loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
        peakRssMiB: mib(peak),
        peakRssMethod: rss.method,
        flagged: detection.value.flagged,
        nearDuplicate: {
          sampleGreetings: texts.length,
          pairwiseMs: Math.round(baseline.ms),
          minhashMs: Math.round(fast.ms),
          speedup: Math.round((baseline.ms / fast.ms) * 10) / 10,
          pairRecallVsExact: together ? Math.round((agreed / together) * 1000) / 1000 : 1,
        },
        targets: { detectSeconds: 10, peakRssMiB: 1024 },
      };
    } finally {
      if (cleanup) fs.rmSync(dir, { recursive: true, force: true });
    }
  },
});
