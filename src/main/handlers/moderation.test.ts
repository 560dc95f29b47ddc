import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CallName, CallOutput, Operator } from '../../shared/contract';
import type { Envelope } from '../../shared/envelope';
import { DEFAULT_RULE_SET } from '../../shared/domain/ruleset';
import { openDatabase } from '../db/database';
import { BUSY_WAIT_MS } from '../db/busy';
import { activateRuleSetVersion, ensureRuleSetVersion } from '../engine/store';
import { CheckedJson } from '../checked-reply';
import { dispatch } from '../dispatch';
import { seedFlags, seedMirror } from '../testing/moderation-mirror';
import { defaultOutboxDir } from '../paths';
import type { AppServices } from '../services';
import { anonymousCaller, signedIn } from '../testing/operators';
import type { Caller } from './context';
import { tempDir, tempServices } from '../testing/temp';

const lead: Operator = { name: '李娜', role: 'lead' };
const reviewer: Operator = { name: '王芳', role: 'reviewer' };

/** One session per operator and mirror, as one browser each would have. */
const callers = new Map<string, Caller>();

async function as<K extends CallName>(
  services: AppServices,
  operator: Operator,
  name: K,
  input: unknown,
): Promise<Envelope<CallOutput<K>>> {
  const key = `${services.dbPath} ${operator.name}`;
  let caller = callers.get(key);
  if (!caller) callers.set(key, (caller = await signedIn(services, operator.role, operator.name)));
  return (await dispatch(name, input, caller)) as Envelope<CallOutput<K>>;
}

async function ok<K extends CallName>(
  services: AppServices,
  operator: Operator,
  name: K,
  input: unknown,
): Promise<CallOutput<K>> {
  const env = await as(services, operator, name, input);
  if (!env.ok) throw new Error(`${name} failed: ${env.error.code} ${env.error.message}`);
  return env.value;
}

const count = (services: AppServices, sql: string): number => (services.db.prepare(sql).get() as { n: number }).n;

function outboxFiles(services: AppServices): string[] {
  const dir = defaultOutboxDir(services.dbPath);
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith('decisions-')) : [];
}

function outboxLines(services: AppServices): Record<string, unknown>[] {
  const dir = defaultOutboxDir(services.dbPath);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('decisions-') && f.endsWith('.jsonl'))
    .flatMap((f) =>
      fs
        .readFileSync(path.join(dir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    );
}

describe('moderation handlers', () => {
  let services: AppServices;
  let users: string[];
  let flags: number[];

  beforeAll(() => {
    services = tempServices();
    users = seedMirror(services.db, 150);
    services.db
      .prepare(`UPDATE users SET nickname = '张小薇', phone = '13812345678', real_name = '张薇' WHERE id = 'u0'`)
      .run();
    const at = 1_764_000_000;
    const greeting = services.db.prepare(
      `INSERT INTO greetings (id, from_user, to_user, sent_at, sent_tz, text, replied_at) VALUES (?, ?, ?, ?, 480, ?, NULL)`,
    );
    greeting.run('g1', 'u0', 'u1', at, '你好呀 加我 V信: meimei_2024 有好货');
    greeting.run('g2', 'u0', 'u2', at, '电话 一三八 一二三四 五六七八 找我');
    const transfer = services.db.prepare(
      `INSERT INTO transfers (id, from_user, to_user, amount_fen, paid_at, paid_tz, memo) VALUES (?, ?, 'u0', 3900, ?, 480, ?)`,
    );
    for (let i = 1; i <= 12; i++) transfer.run(`t${i}`, users[i]!, at, `订单${1000 + i}`);
    flags = seedFlags(services.db, users);
    services.db
      .prepare(
        `UPDATE flags SET evidence = ?, reasons = '["contact_handle_in_greetings","repeated_price_points"]', score = 0.99 WHERE id = ?`,
      )
      .run(
        JSON.stringify({ greetings: ['g1', 'g2'], transfers: ['t1', 't2'], figures: { distinctPayers: 12 } }),
        flags[0]!,
      );
  });

  it('lists a queue page with masked names, tab counts and the filter applied in main', async () => {
    const page = await ok(services, lead, 'moderation.queue', { queue: 'unreviewed', limit: 10 });
    expect(page.total).toBe(150);
    expect(page.counts).toEqual({ unreviewed: 150, held: 0, escalated: 0, resolved: 0 });
    expect(page.items).toHaveLength(10);
    expect(page.items[0]).toMatchObject({ flagId: flags[0], userId: 'u0', maskedName: '张*', score: 0.99 });
    expect(JSON.stringify(page)).not.toContain('张小薇');
    const later = await ok(services, lead, 'moderation.queue', { queue: 'unreviewed', offset: 140, limit: 50 });
    expect(later.items.map((i) => i.flagId)).toHaveLength(10);
    expect(later.counts).toBeNull();
    const filtered = await ok(services, lead, 'moderation.queue', {
      queue: 'unreviewed',
      filter: { reason: 'contact_handle_in_greetings' },
    });
    expect(filtered.total).toBe(1);
  });

  it('refuses a bad filter with the field named', async () => {
    const env = await as(services, lead, 'moderation.queue', { queue: 'unreviewed', filter: { minScore: 3 } });
    expect(env.ok).toBe(false);
    if (!env.ok)
      expect(env.error).toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringContaining('filter.minScore') as string,
      });
  });

  it('masks the item detail: handle kinds and price points, never the phone, the handle or the name', async () => {
    const detail = await ok(services, lead, 'moderation.item', { flagId: flags[0] });
    const text = JSON.stringify(detail);
    for (const secret of ['13812345678', '一三八', 'meimei_2024', '张小薇', '张薇', '1001'])
      expect(text).not.toContain(secret);
    const g1 = detail.evidence.greetings.find((g) => g.id === 'g1')!;
    expect(g1.text.handles).toEqual([{ kind: 'wechat', obfuscated: false }]);
    expect(g1.text.text).toContain('⟦wechat⟧');
    const g2 = detail.evidence.greetings.find((g) => g.id === 'g2')!;
    expect(g2.text.handles).toEqual([{ kind: 'phone', obfuscated: true }]);
    expect(detail.pricePoints[0]).toEqual({ amountFen: 3900, count: 12 });
    expect(detail.user).toMatchObject({ maskedName: '张*', ageBand: '30–34' });
    expect(detail.figures).toEqual({ distinctPayers: 12 });
  });

  it('sends the web adapter the view as the review-reads worker wrote it; every other caller gets the same value', async () => {
    const test = await signedIn(services, 'reviewer', 'web-and-window');
    const web: Caller = { ...test, transport: 'web' };
    for (const [name, input] of [
      ['moderation.queue', { queue: 'unreviewed', limit: 20 }],
      ['moderation.item', { flagId: flags[0] }],
    ] as const) {
      const written = await dispatch(name, input, web);
      const parsed = await dispatch(name, input, test);
      if (!written.ok || !parsed.ok) throw new Error(`${name} failed`);
      expect(written.value).toBeInstanceOf(CheckedJson);
      const json = (written.value as CheckedJson<typeof name>).json;
      expect(JSON.parse(json)).toEqual(parsed.value);
      expect(json).not.toContain('张小薇');
      expect(json).not.toContain('13812345678');
    }
  });

  it('the item pane reads on its own thread: refusals keep their code and field, and a decision just made shows', async () => {
    const missing = await as(services, reviewer, 'moderation.item', { flagId: 987_654 });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.code).toBe('NOT_FOUND');
    const badCursor = await as(services, reviewer, 'moderation.timeline', { flagId: flags[1], cursor: 'not-a-cursor' });
    expect(badCursor.ok).toBe(false);
    if (!badCursor.ok)
      expect(badCursor.error).toMatchObject({ code: 'INVALID_INPUT', details: { issues: [{ path: 'cursor' }] } });
    // Main writes the decision; the worker's connection reads it on the very next item view.
    const decision = await ok(services, reviewer, 'moderation.decide', {
      flagId: flags[1],
      action: 'hold',
      reasonCode: 'insufficient_evidence',
    });
    const detail = await ok(services, reviewer, 'moderation.item', { flagId: flags[1] });
    expect(detail.decisions.map((d) => d.id)).toContain(decision.id);
    await ok(services, reviewer, 'moderation.undo', { decisionId: decision.id });
  });

  it('claims: an item another operator holds is refused with their name and not offered to others', async () => {
    await ok(services, lead, 'moderation.claim', { flagId: flags[5] });
    const env = await as(services, reviewer, 'moderation.claim', { flagId: flags[5] });
    expect(env.ok).toBe(false);
    // details.say lets the renderer word it in the operator's language; the English message stays for logs.
    if (!env.ok)
      expect(env.error).toMatchObject({
        code: 'CONFLICT',
        details: { claimedBy: '李娜', say: { id: 'claimedBy', params: { flagId: flags[5], operator: '李娜' } } },
      });
    const page = await ok(services, reviewer, 'moderation.queue', { queue: 'unreviewed', limit: 1000 });
    expect(page.items.map((i) => i.flagId)).not.toContain(flags[5]);
    const detail = await ok(services, reviewer, 'moderation.item', { flagId: flags[5] });
    expect(detail.item.claimedBy).toBe('李娜');
    await ok(services, lead, 'moderation.release', { flagId: flags[5] });
    await ok(services, reviewer, 'moderation.claim', { flagId: flags[5] });
  });

  it("release says truly what it released: another's claim is CONFLICT naming them and still holds", async () => {
    await ok(services, lead, 'moderation.claim', { flagId: flags[9] });
    const env = await as(services, reviewer, 'moderation.release', { flagId: flags[9] });
    expect(env).toMatchObject({
      ok: false,
      error: {
        code: 'CONFLICT',
        details: { claimedBy: '李娜', say: { id: 'claimedBy', params: { flagId: flags[9], operator: '李娜' } } },
      },
    });
    expect((await ok(services, reviewer, 'moderation.item', { flagId: flags[9] })).item.claimedBy).toBe('李娜');
    expect(await ok(services, lead, 'moderation.release', { flagId: flags[9] })).toEqual({ released: true });
    // Nothing of theirs left to release: said so, not "released".
    expect(await ok(services, lead, 'moderation.release', { flagId: flags[9] })).toEqual({ released: false });
    expect(await ok(services, reviewer, 'moderation.release', { flagId: flags[9] })).toEqual({ released: false });
  });

  it("refuses a reviewer's suspend in main, writing nothing", async () => {
    const before = count(services, `SELECT count(*) AS n FROM decisions`);
    const env = await as(services, reviewer, 'moderation.decide', {
      flagId: flags[5],
      action: 'suspend',
      reasonCode: 'selling_confirmed',
    });
    expect(env.ok).toBe(false);
    if (!env.ok)
      expect(env.error).toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringContaining('cannot suspend') as string,
      });
    expect(count(services, `SELECT count(*) AS n FROM decisions`)).toBe(before);
  });

  it('refuses a reason code outside the picker list', async () => {
    const env = await as(services, lead, 'moderation.decide', {
      flagId: flags[6],
      action: 'clear',
      reasonCode: 'because',
    });
    expect(env.ok).toBe(false);
    if (!env.ok) expect(env.error.message).toContain('reasonCode');
  });

  it('records a decision, writes it to the outbox with its reason, and undoes it', async () => {
    const d = await ok(services, reviewer, 'moderation.decide', {
      flagId: flags[5],
      action: 'restrict',
      reasonCode: 'selling_confirmed',
      note: 'sells, wx abcdef123',
      expiresInDays: 7,
    });
    expect(d).toMatchObject({ action: 'restrict', reasonCode: 'selling_confirmed', operator: '王芳' });
    expect(d.note.text).not.toContain('abcdef123');
    expect(d.expiresAt! - d.decidedAt).toBe(7 * 86_400);
    expect((await ok(services, reviewer, 'moderation.queue', { queue: 'resolved' })).total).toBe(1);

    const u = await ok(services, reviewer, 'moderation.undo', { decisionId: d.id });
    expect(u).toMatchObject({ action: 'undo', reverses: d.id });
    expect((await ok(services, reviewer, 'moderation.queue', { queue: 'resolved' })).total).toBe(0);
    // The batch the decision and its undo fall in goes out (as its timer would): one file holding both.
    const before = outboxFiles(services);
    services.outbox.flush();
    const added = outboxFiles(services).filter((f) => !before.includes(f));
    expect(added).toHaveLength(1);
    const line = outboxLines(services).find((l) => l.decision_id === String(d.id));
    expect(line).toMatchObject({ action: 'restrict', reason_code: 'selling_confirmed', operator: '王芳' });
    expect(outboxLines(services).find((l) => l.reverses === String(d.id))).toBeDefined();
  });

  it('answers BUSY after the one documented wait, writing nothing, while an import holds the write lock; meanwhile other calls are answered; the same decision then lands', async () => {
    const importer = openDatabase(services.dbPath);
    const before = count(services, 'SELECT count(*) AS n FROM decisions');
    const input = { flagId: flags[6], action: 'warn', reasonCode: 'contact_details_shared', note: '' };
    try {
      importer.prepare('BEGIN IMMEDIATE').run();
      const started = performance.now();
      const refused = as(services, reviewer, 'moderation.decide', input);
      // Main's loop is free while the decision waits for the lock: a read is answered before the refusal.
      let readAt = 0;
      const read = as(services, reviewer, 'moderation.queue', { queue: 'unreviewed' }).then((env) => {
        readAt = performance.now();
        return env;
      });
      const busy = await refused;
      const refusedAt = performance.now();
      expect((await read).ok).toBe(true);
      expect(readAt).toBeLessThan(refusedAt);
      expect(busy.ok ? null : busy.error.code).toBe('BUSY');
      expect(busy.ok ? '' : busy.error.message).toContain('nothing was recorded');
      expect(busy.ok ? null : busy.error.details).toMatchObject({ say: { id: 'busy', params: {} } });
      expect(refusedAt - started).toBeGreaterThanOrEqual(BUSY_WAIT_MS);
      expect(count(services, 'SELECT count(*) AS n FROM decisions')).toBe(before);
      importer.prepare('ROLLBACK').run();
      expect(await ok(services, reviewer, 'moderation.decide', input)).toMatchObject({ action: 'warn' });
      expect(count(services, 'SELECT count(*) AS n FROM decisions')).toBe(before + 1);
    } finally {
      importer.close();
    }
  });

  it('a decision that meets the lock lands once the lock is released within the wait, exactly once', async () => {
    const importer = openDatabase(services.dbPath);
    const before = count(services, 'SELECT count(*) AS n FROM decisions');
    try {
      importer.prepare('BEGIN IMMEDIATE').run();
      const decided = as(services, reviewer, 'moderation.decide', {
        flagId: flags[7],
        action: 'warn',
        reasonCode: 'contact_details_shared',
        note: '',
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      importer.prepare('ROLLBACK').run();
      expect(await decided).toMatchObject({ ok: true, value: { action: 'warn' } });
      expect(count(services, 'SELECT count(*) AS n FROM decisions')).toBe(before + 1);
    } finally {
      importer.close();
    }
  });

  it('bulk: a reviewer over 100 accounts is refused by main; a lead previews then applies the exact count', async () => {
    const selection = { queue: 'unreviewed', filter: { district: 'Xihu' } };
    const preview = await ok(services, reviewer, 'moderation.bulkPreview', { selection });
    expect(preview.accounts).toBeGreaterThan(50);
    const all = await ok(services, reviewer, 'moderation.bulkPreview', {
      selection: { queue: 'unreviewed', filter: {} },
    });
    expect(all).toMatchObject({ allowed: false, limit: 100 });
    const refused = await as(services, reviewer, 'moderation.bulkApply', {
      selection: { queue: 'unreviewed', filter: {} },
      action: 'warn',
      reasonCode: 'spam_confirmed',
      expectedAccounts: all.accounts,
      selectionKey: all.selectionKey,
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('FORBIDDEN');

    // The lead's own preview: the reviewer still holds a claim in this district, which the lead is not offered.
    const leadPreview = await ok(services, lead, 'moderation.bulkPreview', { selection });
    expect(leadPreview.accounts).toBe(preview.accounts - 1);
    // The reviewer's preview named other flags (it included their claimed item): applying it as the lead is refused.
    const stale = await as(services, lead, 'moderation.bulkApply', {
      selection,
      action: 'restrict',
      reasonCode: 'selling_confirmed',
      expiresInDays: 30,
      expectedAccounts: preview.accounts,
      selectionKey: preview.selectionKey,
    });
    expect(stale.ok).toBe(false);
    if (!stale.ok) expect(stale.error.code).toBe('CONFLICT');

    const applied = await ok(services, lead, 'moderation.bulkApply', {
      selection,
      action: 'restrict',
      reasonCode: 'selling_confirmed',
      expiresInDays: 30,
      expectedAccounts: leadPreview.accounts,
      selectionKey: leadPreview.selectionKey,
    });
    expect(applied).toMatchObject({ decisions: leadPreview.flags, accounts: leadPreview.accounts });
    expect((await ok(services, lead, 'moderation.bulkPreview', { selection })).flags).toBe(0);
  });

  it('saved views: create, list, refuse a duplicate name, delete', async () => {
    const view = await ok(services, reviewer, 'moderation.createView', {
      name: 'Binjiang sellers',
      queue: 'unreviewed',
      filter: { district: 'Binjiang', detector: 'micro_seller' },
      sort: 'age',
    });
    expect((await ok(services, reviewer, 'moderation.views', {})).views).toEqual([view]);
    const dup = await as(services, reviewer, 'moderation.createView', {
      name: 'Binjiang sellers',
      queue: 'held',
      filter: {},
      sort: 'score',
    });
    expect(dup.ok).toBe(false);
    // The same name typed with a zero-width space, and a name of nothing visible, are not new names.
    const hidden = await as(services, reviewer, 'moderation.createView', {
      name: 'Binjiang\u200b sellers',
      queue: 'held',
      filter: {},
      sort: 'score',
    });
    expect(hidden.ok ? null : hidden.error.code).toBe('CONFLICT');
    const invisible = await as(services, reviewer, 'moderation.createView', {
      name: '\u200b\u200b',
      queue: 'held',
      filter: {},
      sort: 'score',
    });
    expect(invisible.ok ? null : invisible.error.code).toBe('INVALID_INPUT');
    await ok(services, reviewer, 'moderation.deleteView', { id: view.id });
    expect((await ok(services, reviewer, 'moderation.views', {})).views).toEqual([]);
  });

  it('needs a signed-in operator', async () => {
    const env = await dispatch('moderation.queue', { queue: 'held' }, anonymousCaller(services));
    expect(env.ok).toBe(false);
    if (!env.ok) expect(env.error.code).toBe('NOT_SIGNED_IN');
  });

  it('evaluation without a path uses the labels.jsonl of the last completed import, and says when there is none', async () => {
    const none = await as(services, lead, 'moderation.evaluate', {});
    expect(none).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'nothing has been imported yet: give the path of a labels.jsonl' },
    });
    const exportDir = tempDir();
    fs.writeFileSync(
      path.join(exportDir, 'labels.jsonl'),
      `${users.map((u) => JSON.stringify({ user_id: u, label: u === 'u0' ? 'micro_seller' : 'normal' })).join('\n')}\n`,
    );
    const run = services.db.prepare(
      `INSERT INTO import_runs (export_dir, operator, started_at, finished_at, status) VALUES (?, 'test', '2026-11-24T00:00:00Z', '2026-11-24T00:01:00Z', ?)`,
    );
    run.run(exportDir, 'completed');
    run.run('/nowhere/failed-export', 'failed'); // a failed import after it does not count
    const evaluation = await ok(services, lead, 'moderation.evaluate', {});
    expect(evaluation.labelsFile).toBe(path.join(exportDir, 'labels.jsonl'));
    expect(evaluation.classes.micro_seller.positives).toBe(1);
  });

  it('a session runs one evaluation at a time: a second one sent meanwhile is BUSY at once, naming the first', async () => {
    const first = as(services, lead, 'moderation.evaluate', {});
    const sentAt = performance.now();
    const second = await as(services, lead, 'moderation.evaluate', {});
    expect(performance.now() - sentAt).toBeLessThan(500);
    expect(second).toMatchObject({
      ok: false,
      error: {
        code: 'BUSY',
        message: expect.stringMatching(/^an evaluation started \d+ s ago by this session is still running/),
        details: { say: { id: 'evaluationRunning' } },
      },
    });
    expect((await first).ok).toBe(true);
    // Once it has answered, the session may evaluate again.
    expect((await as(services, lead, 'moderation.evaluate', {})).ok).toBe(true);
  });

  it('evaluation reads labels only from an imported export, and gives one answer for every other path', async () => {
    const imported = tempDir();
    services.db
      .prepare(
        `INSERT INTO import_runs (export_dir, operator, started_at, finished_at, status) VALUES (?, 'test', '2026-11-24T00:00:00Z', '2026-11-24T00:01:00Z', 'completed')`,
      )
      .run(imported);
    const elsewhere = tempDir();
    fs.writeFileSync(path.join(elsewhere, 'labels.jsonl'), '{"user_id":"u1","label":"normal"}\n');
    // An existing file, a missing one, a directory, a secret, another name in an imported export: all the same answer.
    const answers = await Promise.all(
      [
        '/etc/shadow',
        '/etc/passwd',
        '/nonexistent',
        '/nonexistent/labels.jsonl',
        '/etc',
        path.join(elsewhere, 'labels.jsonl'),
        path.join(imported, 'users.jsonl'),
        path.join(imported, '..', path.basename(imported), 'sub', 'labels.jsonl'),
      ].map((labelsFile) => as(services, lead, 'moderation.evaluate', { labelsFile })),
    );
    const outside = {
      ok: false,
      error: {
        code: 'NOT_FOUND',
        message: 'labels are read only from the labels.jsonl of an export directory this mirror imported',
        details: { say: { id: 'labelsOutsideImports', params: {} } },
      },
    };
    for (const env of answers) expect(env).toEqual(outside);
    // Inside an imported export, what is wrong with the file is said.
    const missing = await as(services, lead, 'moderation.evaluate', {
      labelsFile: path.join(imported, 'labels.jsonl'),
    });
    expect(missing).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', details: { say: { id: 'labelsMissing' } } },
    });
    fs.symlinkSync('/etc/passwd', path.join(imported, 'labels.jsonl'));
    const link = await as(services, lead, 'moderation.evaluate', { labelsFile: path.join(imported, 'labels.jsonl') });
    expect(link).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/is a symbolic link$/) },
    });
  });

  it('evaluation runs in a worker and a bad labels line keeps its code and line across the thread', async () => {
    const dir = tempDir();
    services.db
      .prepare(
        `INSERT INTO import_runs (export_dir, operator, started_at, finished_at, status) VALUES (?, 'test', '2026-11-24T00:00:00Z', '2026-11-24T00:01:00Z', 'completed')`,
      )
      .run(dir);
    const file = path.join(dir, 'labels.jsonl');
    fs.writeFileSync(file, '{"user_id":"u1","label":"normal"}\n{"user_id":"u2","label":"pirate"}\n');
    const env = await as(services, lead, 'moderation.evaluate', { labelsFile: file });
    expect(env).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    if (!env.ok) expect(env.error.message).toContain(`${file}:2`);
  });
});

describe('holds by detection in the queue and the item', () => {
  it('the queue counts and marks accounts held by detection, and a decision releases them', async () => {
    const services = tempServices();
    const users = seedMirror(services.db, 4);
    const scores = [0.99, 0.97, 0.4, 0.2];
    const flags = seedFlags(services.db, users, 'spammer', Math.floor(Date.now() / 1000) - 60, {
      version: 3,
      score: (i) => scores[i]!,
      reach: (i) => 10 * (i + 1),
    });
    // The active rule set holds at 0.95.
    activateRuleSetVersion(
      services.db,
      ensureRuleSetVersion(services.db, { ...DEFAULT_RULE_SET, holdThreshold: 0.95 }, 'lee'),
      'lee',
    );
    const page = await ok(services, reviewer, 'moderation.queue', { queue: 'unreviewed' });
    expect(page.heldByDetection).toBe(2);
    expect(page.items.filter((i) => i.heldByDetection).map((i) => i.userId)).toEqual(['u1', 'u0']); // risk × reach
    const detail = await ok(services, reviewer, 'moderation.item', { flagId: flags[0] });
    expect(detail.item.heldByDetection).toBe(true);
    expect(detail.holdThreshold).toBe(0.95);
    await ok(services, lead, 'moderation.decide', { flagId: flags[0], action: 'clear', reasonCode: 'false_positive' });
    expect((await ok(services, reviewer, 'moderation.queue', { queue: 'unreviewed' })).heldByDetection).toBe(1);
  });
});
