import { describe, expect, it } from 'vitest';
import { ScoreMemory } from './score-memory';

describe('ScoreMemory', () => {
  it('hands out arrays on cache lines that do not overlap, growing the memory as they need', () => {
    const memory = new ScoreMemory(1000);
    const small = memory.uint8(3);
    const big = memory.int32(100_000); // past the first page: the memory grows
    const values = memory.float64(7);
    const steps = memory.uint16(9);
    for (const array of [small, big, values, steps]) {
      expect(array.byteOffset % 64).toBe(0);
      expect(array.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(memory.owns(array)).toBe(true);
    }
    big.fill(-1);
    values.fill(0.5);
    small.fill(7);
    steps.fill(65_535);
    expect(Array.from(small)).toEqual([7, 7, 7]);
    expect(big.every((x) => x === -1)).toBe(true);
    expect(values.every((x) => x === 0.5)).toBe(true);
    expect(memory.memory.buffer.byteLength).toBeGreaterThanOrEqual(big.byteOffset + big.byteLength);
    expect(memory.owns(big.subarray(10, 20))).toBe(true);
    // One memory's arrays are not another's, nor are plain ones.
    expect(new ScoreMemory(64).owns(big)).toBe(false);
    expect(memory.owns(new Int32Array(4))).toBe(false);
  });

  it('says what it needs when it cannot grow that far, and refuses more than 32-bit addresses reach', () => {
    // Sized for 64 KiB, it may grow by a quarter (and 16 pages) in place, not to 4 MiB.
    const memory = new ScoreMemory(65_536);
    expect(() => memory.int32(1 << 20)).toThrow(/needs 4\.0 MiB of scoring memory; it was made for 0\.1 MiB.*topK/);
    expect(() => new ScoreMemory(5 * 2 ** 30)).toThrow(/5\.00 GiB.*4\.00 GiB.*topK/);
  });
});
