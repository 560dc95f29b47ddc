import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../main';
import { importCommand } from './import';
import { statusCommand } from './status';
import { openDatabase } from '../../db/database';
import { ensureTestAccount } from '../../testing/operators';
import { jsonl, merchant, tempDir, transaction, user, writeExport, writeManifest } from '../../testing/export-files';
import { platformIsoTime } from '../../../shared/domain/platform-time';

let root: string;
let out: string[];
beforeEach(() => {
  root = tempDir();
  out = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(root, { recursive: true, force: true });
});

/** A mirror file whose operator `ops` (a reviewer) may import into. */
async function mirrorWithReviewer(): Promise<string> {
  const db = path.join(root, 'mirror.db');
  const mirror = openDatabase(db);
  await ensureTestAccount(mirror, 'reviewer', 'ops');
  mirror.close();
  return db;
}
/** An export time on the test's day, at hour `hh` platform time. */
const at = (hh: string) => platformIsoTime('2026-11-24', `${hh}:00:00`);

const lastJson = (): Record<string, unknown> =>
  JSON.parse(out.join('').trim().split('\n').at(-1)!) as Record<string, unknown>;

describe('cli import / status', () => {
  it('imports a directory and reports it, then status shows the counts and the last run', async () => {
    const dir = path.join(root, 'export');
    writeManifest(dir, 'cli-export');
    fs.writeFileSync(path.join(dir, 'users.jsonl'), jsonl([user('u1'), user('u2')]));
    fs.writeFileSync(path.join(dir, 'merchants.jsonl'), jsonl([merchant('m1')]));
    fs.writeFileSync(
      path.join(dir, 'transactions.jsonl'),
      jsonl([transaction('t1', 'u1', 'm1'), transaction('t2', 'nobody', 'm1')]),
    );
    const db = path.join(root, 'mirror.db');
    const table = [importCommand, statusCommand];
    const mirror = openDatabase(db);
    await ensureTestAccount(mirror, 'reviewer', 'ops');
    mirror.close();

    // Acting on the mirror needs an operator account of it: a name that is none is refused before anything runs.
    expect(await main(['import', dir, '--db', db, '--json', '--operator', 'nobody'], table)).toBe(1);
    expect(lastJson()).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
    expect(await main(['import', dir, '--db', db, '--json', '--operator', 'ops'], table)).toBe(0);
    expect(lastJson()).toMatchObject({
      ok: true,
      command: 'import',
      exportId: 'cli-export',
      totals: { read: 5, inserted: 4, quarantined: 1 },
    });

    expect(await main(['status', '--db', db, '--json'], table)).toBe(0);
    const status = lastJson();
    expect(status.tables).toEqual(
      expect.arrayContaining([
        { name: 'users', rows: 2 },
        { name: 'transactions', rows: 1 },
        { name: 'quarantine', rows: 1 },
      ]),
    );
    expect(status.lastImport).toMatchObject({ status: 'completed', operator: 'ops', exportId: 'cli-export' });

    out = [];
    expect(await main(['import', path.join(root, 'missing'), '--db', db, '--json', '--operator', 'ops'], table)).toBe(
      1,
    );
    expect(lastJson()).toMatchObject({
      ok: false,
      error: { code: 'BAD_EXPORT', message: expect.stringContaining('missing: not a directory') },
    });
    expect(await main(['import', '--db', db, '--json', '--operator', 'ops'], table)).toBe(2);
  });

  it('refuses a short snapshot (MANIFEST_MISMATCH) and a stale export (STALE_EXPORT) with exit 1; --allow-older imports it', async () => {
    const db = await mirrorWithReviewer();
    const table = [importCommand];
    const first = path.join(root, 'first');
    writeExport(
      first,
      { exportId: 'first', exportedAt: at('04'), kind: 'snapshot' },
      { users: { rows: [user('u1')] } },
    );
    expect(await main(['import', first, '--db', db, '--json', '--operator', 'ops'], table)).toBe(0);
    expect(lastJson()).toMatchObject({ ok: true, totals: { inserted: 1, removed: 0 }, manifestMismatches: [] });

    const short = path.join(root, 'short');
    writeExport(
      short,
      { exportId: 'short', exportedAt: at('05'), kind: 'snapshot' },
      {
        users: { rows: [user('u2')], countDelta: 1 },
      },
    );
    expect(await main(['import', short, '--db', db, '--json', '--operator', 'ops'], table)).toBe(1);
    expect(lastJson()).toMatchObject({
      ok: false,
      error: {
        code: 'MANIFEST_MISMATCH',
        message: expect.stringContaining('users.jsonl: the manifest declares 2 rows, the file holds 1'),
      },
    });

    const older = path.join(root, 'older');
    writeExport(
      older,
      { exportId: 'older', exportedAt: at('03'), kind: 'increment' },
      {
        users: { rows: [user('u1', { status: 'closed' })] },
      },
    );
    expect(await main(['import', older, '--db', db, '--json', '--operator', 'ops'], table)).toBe(1);
    expect(lastJson()).toMatchObject({
      ok: false,
      error: { code: 'STALE_EXPORT', message: expect.stringMatching(/export "older" .* is older than export "first"/) },
    });
    expect(
      await main(
        ['import', older, '--db', db, '--json', '--operator', 'ops', '--allow-older', 'replayed by upstream'],
        table,
      ),
    ).toBe(0);
    expect(lastJson()).toMatchObject({
      ok: true,
      allowedOlder: { reason: 'replayed by upstream', newerExportId: 'first' },
    });
    expect(await main(['import', older, '--db', db, '--json', '--operator', 'ops'], table)).toBe(0);
    expect(lastJson()).toMatchObject({ ok: true, alreadyImportedBy: expect.any(Number) });
  });

  it('--exclusive writes a first import without the WAL, and says so when it cannot', async () => {
    const db = await mirrorWithReviewer();
    const table = [importCommand];
    const first = path.join(root, 'first');
    writeExport(
      first,
      { exportId: 'first', exportedAt: at('04'), kind: 'increment' },
      { users: { rows: [user('u1')] } },
    );
    const next = path.join(root, 'next');
    writeExport(next, { exportId: 'next', exportedAt: at('05'), kind: 'increment' }, { users: { rows: [user('u2')] } });

    expect(await main(['import', first, '--db', db, '--json', '--operator', 'ops', '--exclusive'], table)).toBe(0);
    expect(lastJson()).toMatchObject({ ok: true, journal: 'rollback', totals: { inserted: 1 } });
    const logged = vi.spyOn(process.stderr, 'write');
    expect(await main(['import', next, '--db', db, '--json', '--operator', 'ops', '--exclusive'], table)).toBe(0);
    expect(lastJson()).toMatchObject({ ok: true, journal: 'wal', totals: { inserted: 1 } });
    expect(logged.mock.calls.map((c) => String(c[0])).join('')).toContain('written through the WAL as usual');
  });
});
