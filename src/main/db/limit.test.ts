import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { limitSql } from './limit';

describe('limitSql', () => {
  it('writes a whole number in, and the statement limits to it', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3), (4);');
    expect(limitSql(2)).toBe('LIMIT 2');
    expect(
      db
        .prepare(`SELECT x FROM t ORDER BY x ${limitSql(2)}`)
        .pluck()
        .all(),
    ).toEqual([1, 2]);
    expect(
      db
        .prepare(`SELECT x FROM t ORDER BY x ${limitSql(0)}`)
        .pluck()
        .all(),
    ).toEqual([]);
    db.close();
  });

  it.each([[-1], [1.5], [Number.NaN], [Infinity], [2 ** 53], ['1; DROP TABLE t' as unknown as number]])(
    'refuses %s: it would become SQL text',
    (rows) => {
      expect(() => limitSql(rows)).toThrow(/a LIMIT is a whole number/);
    },
  );
});
