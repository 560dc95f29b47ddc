import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './db/database';
import { decide, tryExportPending } from './moderation/decisions';
import { seedMirror } from './testing/moderation-mirror';
import { defaultOutboxDir } from './paths';
import { DEMO_HISTORY_DAYS, DEMO_USERS, demoUsersFor, prepareMirror } from './startup';
import { tempServices } from './testing/temp';
import { platformDay } from '../shared/domain/platform-time';
import type { JobProgress } from '../shared/progress';

describe('the demo city, only where asked', () => {
  it('is made on the default mirror, and on a named mirror only with --demo', () => {
    expect(demoUsersFor({})).toBe(DEMO_USERS);
    expect(demoUsersFor({ demoUsers: '400' })).toBe(400);
    expect(demoUsersFor({ db: 'new.db' })).toBe(0);
    expect(demoUsersFor({ db: 'new.db', demoUsers: '400' })).toBe(0);
    expect(demoUsersFor({ db: 'new.db', demo: true })).toBe(DEMO_USERS);
    expect(demoUsersFor({ db: 'new.db', demo: true, demoUsers: '400' })).toBe(400);
  });

  it('refuses a size that is not a whole number, saying which option', () => {
    expect(() => demoUsersFor({ demoUsers: 'many' })).toThrow(/--demo-users: .*"many"/);
    expect(() => demoUsersFor({ demo: true, db: 'x.db', demoUsers: '-1' })).toThrow(/--demo-users/);
  });
});

describe('start of a console session', () => {
  it('exports decisions that were committed but missed the outbox, and a held write lock only postpones that', () => {
    const services = tempServices();
    seedMirror(services.db, 3);
    const outbox = defaultOutboxDir(services.dbPath);
    const lead = { name: 'lin', role: 'lead' as const };
    // Committed while another console's import held the write lock: the decision stands, the export waits.
    const importer = openDatabase(services.dbPath);
    services.db.pragma('busy_timeout = 50');
    const row = decide(services.db, { userId: 'u1', action: 'warn', reasonCode: 'spam_confirmed' }, lead, {});
    importer.prepare('BEGIN IMMEDIATE').run();
    expect(tryExportPending(services.db, outbox)).toBeNull();
    expect(fs.existsSync(outbox) ? fs.readdirSync(outbox) : []).toEqual([]);
    importer.prepare('ROLLBACK').run();
    importer.close();

    const log: string[] = [];
    prepareMirror(services, { log: (line) => log.push(line), demoUsers: 0 });
    const files = fs.readdirSync(outbox);
    expect(files).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(`${outbox}/${files[0]}`, 'utf8').trim())).toMatchObject({
      decision_id: String(row.id),
      action: 'warn',
    });
    expect(log.join('\n')).toContain(files[0]);
    prepareMirror(services, { log: (line) => log.push(line), demoUsers: 0 });
    expect(fs.readdirSync(outbox)).toEqual(files);
  });
});

describe('first start', () => {
  it('makes a demo mirror an operator can work in: imported, detected, and a week of introductions ending today', async () => {
    const services = tempServices();
    const progress: JobProgress[] = [];
    services.events.on('job.progress', (p) => progress.push(p));
    const log: string[] = [];
    const done = prepareMirror(services, { log: (line) => log.push(line), demoUsers: 800 });
    expect(done).not.toBeNull();
    await done;
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ kind: 'import', state: 'completed' });
    const one = (sql: string): unknown => services.db.prepare(sql).pluck().get();
    expect(one(`SELECT count(*) FROM users`)).toBe(800);
    expect(one(`SELECT status FROM import_runs`)).toBe('completed');
    expect(one(`SELECT count(*) FROM flags WHERE state = 'open'`)).toBeGreaterThan(0);
    const runs = services.db
      .prepare(
        `SELECT date, status, (SELECT count(*) FROM run_introductions i WHERE i.run_id = r.id) AS introductions FROM match_runs r ORDER BY date`,
      )
      .all() as { date: string; status: string; introductions: number }[];
    expect(runs.map((r) => r.date)).toEqual(
      Array.from({ length: DEMO_HISTORY_DAYS }, (_, i) => platformDay(i - DEMO_HISTORY_DAYS + 1)),
    );
    for (const run of runs) expect(run.status).toBe('completed');
    expect(runs.at(-1)!.introductions).toBeGreaterThan(0);
    expect(last.message).toContain(`introductions published for ${DEMO_HISTORY_DAYS - 1} days`);
    // Published through the re-check and the ledger, every day but today's.
    const published = services.db.prepare(`SELECT date, written_at FROM publications ORDER BY date`).all() as {
      date: string;
      written_at: string | null;
    }[];
    expect(published.map((p) => p.date)).toEqual(runs.slice(0, -1).map((r) => r.date));
    for (const p of published) {
      expect(p.written_at).not.toBeNull();
      expect(fs.existsSync(`${defaultOutboxDir(services.dbPath)}/introductions-${p.date}.jsonl`)).toBe(true);
    }
    // A second start finds the mirror in use and leaves it alone.
    expect(prepareMirror(services, { log: (line) => log.push(line), demoUsers: 800 })).toBeNull();
  }, 120_000);
});
