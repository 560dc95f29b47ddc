import fs from 'node:fs';
import { ensureTestAccount } from '../testing/operators';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Operator } from '../../shared/contract/app';
import { silentProgress, CancelledError, type ProgressSink } from '../../shared/progress';
import { main } from '../cli/main';
import { detectCommand } from '../cli/commands/detect';
import { evaluateCommand } from '../cli/commands/evaluate';
import { openDatabase, type Db } from '../db/database';
import { runWorkerJob } from '../jobs/run-worker-job';
import { decide } from './decisions';
import { type DetectSummary, runDetection } from './detect';
import { evaluate } from './evaluate';
import { listQueue, queueItemDetail } from './queue';
import { freshDb } from '../testing/moderation-mirror';

const T0 = 1_763_000_000;
const reviewer: Operator = { name: 'ann', role: 'reviewer' };

/**
 * A tiny hand-made mirror: u0 sells (many payers, repeated prices, order memos, handles in greetings), u1 spams
 * (one template with a link to 30 people, no replies, reported), and hard negatives: u2 collects shared bills
 * from 4 friends, u3 is popular (receives 40 greetings), u4 writes "3点见" to many friends, u5 runs a small shop
 * paid by a few regulars with order-like memos. Everyone else (u6…) is an ordinary payer / recipient.
 */
function plantMirror(db: Db): void {
  let n = 0;
  const transfer = db.prepare(`INSERT INTO transfers VALUES (?, ?, ?, ?, ?, 480, ?)`);
  const greeting = db.prepare(`INSERT INTO greetings VALUES (?, ?, ?, ?, 480, ?, ?)`);
  const report = db.prepare(`INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?)`);
  const t = (from: string, to: string, fen: number, memo: string) =>
    transfer.run(`t${n++}`, from, to, fen, T0 + n * 60, memo);
  const g = (from: string, to: string, text: string, replied = false) =>
    greeting.run(`g${n++}`, from, to, T0 + n * 60, text, replied ? T0 + n * 60 + 5 : null);
  db.transaction(() => {
    const prices = [3900, 5800, 9900];
    for (let i = 0; i < 40; i++) t(`u${10 + i}`, 'u0', prices[i % 3]!, i % 2 ? `${1 + (i % 3)}盒 芒果干` : '尾款');
    for (let i = 0; i < 12; i++)
      g(
        'u0',
        `u${60 + i}`,
        i % 2 ? `你好呀～自制芒果干，加我 一三八零零一三八零零零` : `小姐姐，芒果干现货，vx: mango_88 详聊`,
      );
    for (let i = 0; i < 30; i++)
      g(
        'u1',
        `u${10 + i}`,
        `${['你好', '哈喽', '亲'][i % 3]}，免费领取888元红包，点击 http://t.cn/Ab3x${i % 4} 即可${i % 2 ? '🎁' : ''}`,
      );
    for (let i = 0; i < 3; i++) report.run(`r${i}`, `u${10 + i}`, 'u1', T0 + i, 'spam', '一直发广告链接');
    for (let i = 0; i < 30; i++)
      t(`u${10 + (i % 4)}`, 'u2', 120000 + (i % 3) * 100, ['房租', 'AA 聚餐', '水电费'][i % 3]!);
    for (let i = 0; i < 40; i++) g(`u${10 + i}`, 'u3', `你好，看到我们都常去星巴克，很高兴认识你 ${i}`, i % 3 === 0);
    for (let i = 0; i < 8; i++) g('u4', `u${20 + i}`, '明天3点见', true);
    for (let i = 0; i < 24; i++)
      t(`u${30 + (i % 5)}`, 'u5', [1500, 2800, 6000][i % 3]!, ['货款', '老板 辣椒酱2瓶', '谢谢老板', '配钥匙'][i % 4]!);
  })();
}

function setup(): { db: Db; file: string } {
  const { db, file } = freshDb(90);
  plantMirror(db);
  return { db, file };
}

const flagsOf = (db: Db) =>
  db
    .prepare<[], { user_id: string; detector: string }>(
      `SELECT user_id, detector FROM flags ORDER BY user_id, detector`,
    )
    .all();

describe('runDetection', () => {
  it('queues the seller and the spammer once each, under their likelier class, and none of the hard negatives', () => {
    const { db } = setup();
    const summary = runDetection(db, silentProgress, { now: T0 + 86400 });
    expect(flagsOf(db)).toEqual([
      { user_id: 'u0', detector: 'micro_seller' },
      { user_id: 'u1', detector: 'spammer' },
    ]);
    expect(summary).toMatchObject({ flagged: { micro_seller: 1, spammer: 1 }, newFlags: 2, updatedFlags: 0 });
    const [seller] = listQueue(db, {
      queue: 'unreviewed',
      filter: { detector: 'micro_seller' },
      operator: reviewer,
      now: T0 + 86400,
    }).items;
    expect(seller!.reasons).toEqual(expect.arrayContaining(['contact_handle_in_greetings', 'repeated_price_points']));
    // Reach: 12 people greeted + 40 payers; a probability, never a saturated 1.
    expect(seller!.reach).toBe(52);
    expect(seller!.score).toBeGreaterThan(0.5);
    expect(seller!.score).toBeLessThan(1);
    const detail = queueItemDetail(db, seller!.flagId);
    expect(detail.evidence.greetings.length).toBeGreaterThan(0);
    expect(detail.evidence.transfers.every((r) => r.to_user === 'u0')).toBe(true);
    expect(detail.pricePoints.reduce((n, p) => n + p.count, 0)).toBe(40);
    // Both detectors' evidence is kept, the likelier class the larger share of the probability.
    const classes = detail.flag.evidence.classes!;
    expect(classes.micro_seller!.probability).toBeGreaterThan(classes.spammer!.probability);
    expect(classes.micro_seller!.probability + classes.spammer!.probability).toBeCloseTo(seller!.score, 2);
    expect(Object.keys(classes.spammer!.contributions)).toContain('template_reach');
  });

  it('re-detection updates the open flag and never touches decisions', () => {
    const { db } = setup();
    runDetection(db, silentProgress, { now: T0 });
    const flag = db.prepare<[], { id: number }>(`SELECT id FROM flags WHERE user_id = 'u1'`).get()!;
    decide(db, { flagId: flag.id, action: 'hold', reasonCode: 'insufficient_evidence' }, reviewer, {
      now: T0 + 10,
    });
    db.prepare(
      `INSERT INTO greetings VALUES ('gx', 'u1', 'u80', ?, 480, '你好，免费领取888元红包，点击 http://t.cn/Ab3x9 即可', NULL)`,
    ).run(T0 + 99_999);
    const second = runDetection(db, silentProgress, { now: T0 + 100 });
    expect(second).toMatchObject({ newFlags: 0, updatedFlags: 2 });
    expect(
      db.prepare(`SELECT count(*) AS n FROM flags WHERE state = 'open' GROUP BY user_id HAVING n > 1`).all(),
    ).toEqual([]);
    expect(db.prepare(`SELECT count(*) AS n FROM flags`).get()).toEqual({ n: 2 });
    expect(db.prepare(`SELECT detected_at, first_detected_at FROM flags WHERE id = ?`).get(flag.id)).toEqual({
      detected_at: T0 + 100,
      first_detected_at: T0,
    });
    expect(db.prepare(`SELECT action FROM decisions`).all()).toEqual([{ action: 'hold' }]);
    expect(listQueue(db, { queue: 'held', operator: reviewer, now: T0 + 100 }).items.map((i) => i.userId)).toEqual([
      'u1',
    ]);
  });

  it('a resolved flag is not raised again at a similar score', () => {
    const { db } = setup();
    runDetection(db, silentProgress, { now: T0 });
    const flag = db.prepare<[], { id: number }>(`SELECT id FROM flags WHERE user_id = 'u0'`).get()!;
    decide(db, { flagId: flag.id, action: 'clear', reasonCode: 'false_positive' }, reviewer, {
      now: T0 + 10,
    });
    const again = runDetection(db, silentProgress, { now: T0 + 100 });
    expect(again.suppressed).toBe(1);
    expect(
      listQueue(db, { queue: 'unreviewed', filter: { detector: 'micro_seller' }, operator: reviewer, now: T0 + 100 })
        .total,
    ).toBe(0);
  });

  it('a cancelled run writes no flags and records the run as cancelled', () => {
    const { db } = setup();
    const cancelling: ProgressSink = {
      report() {},
      throwIfCancelled: () => {
        throw new CancelledError();
      },
    };
    expect(() => runDetection(db, cancelling)).toThrow(CancelledError);
    expect(flagsOf(db)).toEqual([]);
    expect(db.prepare(`SELECT status FROM detect_runs`).all()).toEqual([{ status: 'cancelled' }]);
  });

  it('evaluate computes precision and recall per class and per behaviour family, and names a bad line', () => {
    const { db, file } = setup();
    const labels = path.join(path.dirname(file), 'labels.jsonl');
    fs.writeFileSync(
      labels,
      [
        '{"user_id":"u0","label":"micro_seller","family":"seller_storefront"}',
        '{"user_id":"u1","label":"spammer","family":"spam_link_burst"}',
        '{"user_id":"u9","label":"spammer","family":"spam_slow"}',
        '{"user_id":"u2","label":"normal","family":"bill_collector"}',
        '{"user_id":"u5","label":"normal","family":"shop_owner"}',
        '{"user_id":"u6","label":"normal"}',
      ].join('\n'),
    );
    const e = evaluate(db, labels);
    expect(e.classes.micro_seller).toMatchObject({ precision: 1, recall: 1, truePositives: 1 });
    expect(e.classes.spammer).toMatchObject({ precision: 1, recall: 0.5, falseNegatives: 1 });
    expect(e.curves.spammer).toHaveLength(19);
    const family = (name: string) => e.families.find((f) => f.family === name);
    expect(family('seller_storefront')).toMatchObject({
      kind: 'abuse',
      accounts: 1,
      recall: 1,
      falsePositiveRate: null,
    });
    expect(family('spam_slow')).toMatchObject({ accounts: 1, recall: 0 });
    expect(family('shop_owner')).toMatchObject({ kind: 'hard_negative', falsePositiveRate: 0, recall: null });
    expect(e.accountsInTwoItems).toBe(0);
    expect(e.model.thresholds.micro_seller).toBeGreaterThan(0);
    fs.appendFileSync(labels, '\n{"user_id": 7}');
    expect(() => evaluate(db, labels)).toThrow(/labels\.jsonl:7/);
    fs.writeFileSync(labels, '{"user_id":"u0","label":"normal","family":"no_such_family"}');
    expect(() => evaluate(db, labels)).toThrow(/labels\.jsonl:1/);
  });
});

describe('detect entry points', () => {
  it('CLI detect --json prints the summary as the last line; evaluate requires --labels', async () => {
    const { db, file } = setup();
    await ensureTestAccount(db, 'reviewer');
    db.close();
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      expect(await main(['detect', '--db', file, '--operator', '王芳', '--json'], [detectCommand])).toBe(0);
      expect(await main(['evaluate', '--db', file, '--json'], [evaluateCommand])).toBe(2);
    } finally {
      process.stdout.write = write;
    }
    const result = JSON.parse(out[0]!.trim()) as { ok: boolean; flagged: DetectSummary['flagged'] };
    expect(result).toMatchObject({ ok: true, flagged: { micro_seller: 1, spammer: 1 } });
    expect(JSON.parse(out[1]!.trim())).toMatchObject({ ok: false, error: { code: 'USAGE' } });
  });

  it('runs in a worker thread', async () => {
    const { db, file } = setup();
    db.close();
    const phases = new Set<string>();
    const summary = await runWorkerJob('detect', {
      dbPath: file,
      input: { operator: 'ops' },
      onProgress: (p) => phases.add(p),
    });
    expect(summary.flagged).toEqual({ micro_seller: 1, spammer: 1 });
    expect(phases.size).toBeGreaterThan(0);
    // The run is audited in the name of whoever started it, with its start and its end.
    const check = openDatabase(file);
    expect(
      check.prepare(`SELECT action, operator FROM audit_log WHERE subject = ? ORDER BY id`).all(String(summary.runId)),
    ).toEqual([
      { action: 'detect.start', operator: 'ops' },
      { action: 'detect.complete', operator: 'ops' },
    ]);
    check.close();
  });
});
