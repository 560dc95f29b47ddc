import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { tempDir, tempServices } from '../testing/temp';
import { type Db, openDatabase, WAL_KEPT_BYTES } from './database';
import { closeDatabase } from './close';

const walBytes = (file: string): number => (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);

/** A job's work: one transaction of `mib` MiB of rows, as an import or a matching run writes its work. */
function writeInOneTransaction(db: Db, mib: number): void {
  db.exec('CREATE TABLE IF NOT EXISTS work (payload BLOB NOT NULL) STRICT');
  const insert = db.prepare('INSERT INTO work (payload) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < mib; i++) insert.run(Buffer.alloc(2 ** 20, i));
  })();
}

it("gives the WAL's disk back when a job's connection closes, while the console's own connection stays open", () => {
  const file = path.join(tempDir(), 'mirror.db');
  const mainDb = openDatabase(file);
  const job = openDatabase(file);
  writeInOneTransaction(job, 20);
  expect(walBytes(file)).toBeGreaterThan(20 * 2 ** 20);
  closeDatabase(job);
  expect(walBytes(file)).toBe(0);
  expect(mainDb.prepare('SELECT count(*) AS n FROM work').get()).toEqual({ n: 20 });
  closeDatabase(mainDb);
});

it("keeps the WAL a reader still needs, and the next job's writes trim it to WAL_KEPT_BYTES", () => {
  const file = path.join(tempDir(), 'mirror.db');
  const mainDb = openDatabase(file);
  mainDb.exec('CREATE TABLE IF NOT EXISTS notes (text TEXT NOT NULL) STRICT');
  const job = openDatabase(file);
  // An operator's read that began before the job committed: its snapshot needs the mirror's pages as they were.
  mainDb.exec('BEGIN');
  mainDb.prepare('SELECT count(*) FROM notes').get();
  const walMib = Math.ceil(WAL_KEPT_BYTES / 2 ** 20) + 16;
  writeInOneTransaction(job, walMib);
  closeDatabase(job);
  expect(walBytes(file)).toBeGreaterThan(WAL_KEPT_BYTES);
  mainDb.exec('COMMIT');
  // The next job's writes: the first finishes copying the WAL into the mirror, the next starts it over.
  const nextJob = openDatabase(file);
  const note = nextJob.prepare('INSERT INTO notes (text) VALUES (?)');
  note.run('a run');
  note.run('another');
  expect(walBytes(file)).toBeLessThanOrEqual(WAL_KEPT_BYTES);
  nextJob.close();
  expect(mainDb.prepare('SELECT count(*) AS n FROM work').get()).toEqual({ n: walMib });
  closeDatabase(mainDb);
});

it("leaves the trimming to the jobs: main's connection never drops a big WAL on its loop", () => {
  const services = tempServices();
  const file = services.dbPath;
  services.db.exec('CREATE TABLE IF NOT EXISTS notes (text TEXT NOT NULL) STRICT');
  const reader = openDatabase(file);
  reader.exec('BEGIN');
  reader.prepare('SELECT count(*) FROM notes').get();
  const job = openDatabase(file);
  writeInOneTransaction(job, Math.ceil(WAL_KEPT_BYTES / 2 ** 20) + 16);
  closeDatabase(job);
  reader.exec('COMMIT');
  const note = services.db.prepare('INSERT INTO notes (text) VALUES (?)');
  note.run('a decision');
  note.run('another');
  expect(walBytes(file)).toBeGreaterThan(WAL_KEPT_BYTES);
  closeDatabase(reader);
});
