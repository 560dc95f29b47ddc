import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { platformDay, platformDayOf, platformIsoTime } from '../../shared/domain/platform-time';
import { merchant, tempDir, transaction, user, writeExport } from '../testing/export-files';
import { generateExport } from './generator';
import { importExport } from './import';
import { mirrorStatus } from './status';
import { tempServices } from '../testing/temp';

describe('mirror status', () => {
  it("says where the mirror's data ends and suggests the day after it; today while there is none", async () => {
    const services = tempServices();
    const empty = mirrorStatus(services.db, services.dbPath);
    expect(empty.dataEnds).toBeNull();
    expect(empty.suggestedDate).toBe(platformDay());

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'encounter-status-'));
    try {
      await generateExport({ users: 60, days: 20, seed: 7, out: dir });
      importExport(services.db, dir, { operator: 'tester' });
      const newest = services.db.prepare('SELECT max(paid_at) FROM transactions').pluck().get() as number;
      const status = mirrorStatus(services.db, services.dbPath);
      expect(status.dataEnds).toBe(platformDayOf(newest));
      // The day after: the first second after the newest payment's day falls on the suggested date.
      const nextDay = platformDayOf(Date.parse(`${status.dataEnds}T23:59:59+08:00`) / 1000 + 1);
      expect(status.suggestedDate).toBe(nextDay);
      expect(status.suggestedDate).not.toBe(status.dataEnds);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows every import: a snapshot without the newest payments moves the end back', () => {
    const services = tempServices();
    const dir = tempDir();
    const snapshot = (exportId: string, exportedAt: string, days: string[]) =>
      writeExport(
        dir,
        { exportId, exportedAt, kind: 'snapshot' },
        {
          users: { rows: [user('u1')] },
          merchants: { rows: [merchant('m1')] },
          transactions: {
            rows: days.map((day, i) => transaction(`t${i}`, 'u1', 'm1', { paid_at: platformIsoTime(day, '12:00:00') })),
          },
        },
      );
    snapshot('first', platformIsoTime('2026-11-25', '03:00:00'), ['2026-11-20', '2026-11-24']);
    importExport(services.db, dir, { operator: 'tester' });
    expect(mirrorStatus(services.db, services.dbPath).dataEnds).toBe('2026-11-24');
    snapshot('second', platformIsoTime('2026-11-26', '03:00:00'), ['2026-11-20', '2026-11-21']);
    importExport(services.db, dir, { operator: 'tester' });
    expect(mirrorStatus(services.db, services.dbPath).dataEnds).toBe('2026-11-21');
  });
});
