import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './db/database';
import { decide, exportPendingUnlessBusy } from './moderation/decisions';
import { seedMirror } from './moderation/test-fixture';
import { defaultOutboxDir } from './paths';
import { prepareMirror } from './startup';
import { tempServices } from './testing/temp';

describe('start of a console session', () => {
  it('exports decisions that were committed but missed the outbox, and a held write lock only postpones that', () => {
    const services = tempServices();
    seedMirror(services.db, 3);
    const outbox = defaultOutboxDir(services.dbPath);
    const lead = { name: 'lin', role: 'lead' as const };
    // Committed while another console's import held the write lock: the decision stands, the export waits.
    const importer = openDatabase(services.dbPath);
    services.db.pragma('busy_timeout = 50');
    const row = decide(services.db, { userId: 'u1', action: 'warn', reasonCode: 'spam_confirmed' }, lead, { outboxDir: null });
    importer.prepare('BEGIN IMMEDIATE').run();
    expect(exportPendingUnlessBusy(services.db, outbox)).toBeNull();
    expect(fs.existsSync(outbox) ? fs.readdirSync(outbox) : []).toEqual([]);
    importer.prepare('ROLLBACK').run();
    importer.close();

    const log: string[] = [];
    prepareMirror(services, { log: (line) => log.push(line), demoUsers: 0 });
    const files = fs.readdirSync(outbox);
    expect(files).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(`${outbox}/${files[0]}`, 'utf8').trim())).toMatchObject({ decision_id: String(row.id), action: 'warn' });
    expect(log.join('\n')).toContain(files[0]);
    prepareMirror(services, { log: (line) => log.push(line), demoUsers: 0 });
    expect(fs.readdirSync(outbox)).toEqual(files);
  });
});
