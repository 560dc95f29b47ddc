import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import setup from './temp-root';

const runTmp = process.env.TMPDIR;
afterEach(() => {
  process.env.TMPDIR = runTmp;
});

it('gives the run one temporary directory and removes it, with everything tests left in it, when the run ends', () => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'outside-'));
  process.env.TMPDIR = outside;
  const teardown = setup();
  const root = os.tmpdir();
  expect(path.dirname(root)).toBe(outside);
  // What a test leaves behind: a mirror in a directory of its own.
  const left = fs.mkdtempSync(path.join(os.tmpdir(), 'moderation-'));
  fs.writeFileSync(path.join(left, 'mirror.db'), 'x');
  // The run's second project finds the root already set and shares it.
  const second = setup();
  expect(os.tmpdir()).toBe(root);
  second();
  expect(fs.existsSync(left)).toBe(true);
  teardown();
  expect(fs.existsSync(root)).toBe(false);
  expect(fs.readdirSync(outside)).toEqual([]);
  fs.rmdirSync(outside);
});
