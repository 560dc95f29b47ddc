import { describe, expect, it } from 'vitest';
import { jaccard, largestClusterReach, lshClusters, minhash, pairwiseClusters, shingles } from './near-duplicates';

const template = (name: string, i: number): string =>
  `${name}你好呀～我是小美，最近在做兼职，想认识新朋友，私聊有惊喜 ${i % 3 === 0 ? '😊' : ''}`;
const distinct = [
  '周末一起去爬山吗',
  '你也喜欢那家咖啡店？',
  '看到你常去健身房，求推荐教练',
  '请问附近有好吃的面馆吗',
  '今天的电影好看吗',
  '你好，很高兴认识你',
];

describe('near-duplicate greetings', () => {
  it('shingle Jaccard is high for a template with small variations and low for different texts', () => {
    expect(jaccard(shingles(template('小王', 1)), shingles(template('阿杰', 2)))).toBeGreaterThan(0.8);
    expect(jaccard(shingles(distinct[0]!), shingles(distinct[1]!))).toBeLessThan(0.2);
  });

  it('MinHash + LSH puts the templated greetings in one cluster and keeps the others apart', () => {
    const names = ['小王', '阿杰', '大卫', 'Lily', '晓晓', '明明', '老张', '婷婷'];
    const texts = [...names.map(template), ...distinct];
    const labels = lshClusters(texts.map((t) => minhash(shingles(t))));
    const templated = new Set(Array.from(labels.slice(0, names.length)));
    expect(templated.size).toBe(1);
    const others = new Set(Array.from(labels.slice(names.length)));
    expect(others.size).toBe(distinct.length);
    expect(
      largestClusterReach(
        labels,
        texts.map((_, i) => `r${i}`),
      ).reach,
    ).toBe(names.length);
  });

  it('sees through invisible characters sprinkled into each copy (zero-width, variation selectors, combining marks)', () => {
    const invisible = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\ufe0f', '\u0301'];
    // A different sprinkling per copy, as a spam script does it: a fixed pseudo-random walk, so the test is stable.
    const sprinkle = (text: string, k: number): string =>
      [...text].map((c, i) => ((i * 7 + k * 3) % 5 < 2 ? invisible[(i + k) % invisible.length]! + c : c)).join('');
    const copies = Array.from({ length: 8 }, (_, k) => sprinkle(template('', 1), k));
    expect(jaccard(shingles(copies[0]!), shingles(copies[1]!))).toBeGreaterThan(0.9);
    const texts = [...copies, ...distinct];
    const labels = lshClusters(texts.map((t) => minhash(shingles(t))));
    expect(new Set(Array.from(labels.slice(0, copies.length))).size).toBe(1);
    expect(new Set(Array.from(labels.slice(copies.length))).size).toBe(distinct.length);
  });

  it('sees through a random token appended to each copy of a short template', () => {
    // What a spam script appends so that no two copies are alike: a random id or a number, different each time.
    const tokens = ['x7k2qp', 'q9ee1z', '482913', 'a1b2c3', 'zz09kk', '#770312', 'mm3n8w', '0x5f1d'];
    const copies = tokens.map((t) => `兼职日结，加我了解 ${t}`);
    expect(jaccard(shingles(copies[0]!), shingles(copies[1]!))).toBeGreaterThan(0.9);
    const others = [...distinct, '明天3点见，老地方', '房租 3200 十一月', '你好 Lily', '你好 Tom'];
    const labels = lshClusters([...copies, ...others].map((t) => minhash(shingles(t))));
    expect(new Set(Array.from(labels.slice(0, copies.length))).size).toBe(1);
    expect(new Set(Array.from(labels.slice(copies.length))).size).toBe(others.length);
  });

  it('agrees with the exact pairwise baseline on a mixed set', () => {
    const texts = [...Array.from({ length: 30 }, (_, i) => template(`友${i}`, i)), ...distinct];
    const a = lshClusters(texts.map((t) => minhash(shingles(t))));
    const b = pairwiseClusters(texts.map(shingles));
    expect(largestClusterReach(a, texts).reach).toBe(largestClusterReach(b, texts).reach);
  });
});
