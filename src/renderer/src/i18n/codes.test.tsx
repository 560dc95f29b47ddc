import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { contract } from '../../../shared/contract';
import { ALL_EXPORT_FILES } from '../../../shared/domain/export-format';
import { catalogue, type Locale, locales, translate } from './catalogue';
import { codeText, type Vocabulary, vocabularies } from './codes';
import { formatters } from './format';

/**
 * Every code has words: each vocabulary's codes in zh-CN and English, and every code the contract and the mirror's
 * format can carry belongs to a vocabulary with words — or is listed below with the reason it is never shown.
 */

/** A code's words are real words: present, not the key, not the code itself, no placeholder left. */
function expectWords(locale: Locale, key: string, code: string): void {
  const text = catalogue[locale][key as keyof (typeof catalogue)['en']];
  expect(text, `${locale}: no words for ${key}`).toBeTruthy();
  expect(text, `${locale}: ${key}`).not.toMatch(/\b[a-z]+_[a-z_]+\b|\{\w+\}/);
  if (locale === 'zh-CN' && code.length > 2) expect(text, `${key} in Chinese`).toMatch(/[\u4e00-\u9fff]/);
}

/** Enums of the contract that are never shown as words (by where they are), each with the reason. */
const NOT_SHOWN: [RegExp, string][] = [
  [/\.side$/, "a card's side in the pair (a, b): a test id, never a word"],
  [/^mirror\.importRuns out\.runs\.files\.format$/, "an export file's format: shown as the file name it is part of"],
  [/^rulesets\.diff out\.changes\.kind$/, 'a change is to a weight or a rule: the setting is named, not its kind'],
  [/^tuning\.whatIf out\.status$/, 'a what-if answer is ready or superseded: the renderer drops superseded ones'],
  [/^preview\.pair out\.introductionsPerDay$/, 'a literal number, not a code'],
  [/^tuning\.(open|state) out\.state$/, "the what-if cache's state: the Rules page shows its progress and error"],
  [/^tuning\.whatIf out\.result\.rebuildNeeded$/, 'named by the rules it concerns (rules.rule.*), in one sentence'],
];

interface Found {
  path: string;
  values: string[];
}

/** Every enum (and string literal) in a schema, with where it is. */
function enumsOf(schema: z.ZodType, path: string, out: Found[]): void {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  const walk = (s: unknown, p: string) => enumsOf(s as z.ZodType, p, out);
  switch (def.type) {
    case 'object':
      for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) walk(v, `${path}.${k}`);
      break;
    case 'array':
      walk(def.element, `${path}[]`);
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'catch':
    case 'readonly':
    case 'prefault':
    case 'nonoptional':
      walk(def.innerType, path);
      break;
    case 'pipe':
      walk(def.in, path);
      walk(def.out, path);
      break;
    case 'union':
      (def.options as unknown[]).forEach((o) => walk(o, path));
      break;
    case 'tuple':
      (def.items as unknown[]).forEach((o) => walk(o, `${path}[]`));
      break;
    case 'record':
      walk(def.keyType, `${path}{key}`);
      walk(def.valueType, `${path}{}`);
      break;
    case 'enum':
      out.push({ path, values: Object.values(def.entries as Record<string, string>) });
      break;
    case 'literal':
      out.push({ path, values: (def.values as unknown[]).filter((v): v is string => typeof v === 'string') });
      break;
  }
}

const all: Vocabulary[] = Object.values(vocabularies);
const covered = (values: readonly string[]) => all.some((v) => values.every((x) => v.values.includes(x)));
const plain = (path: string) => path.replace(/\[\]|\{\}|\{key\}/g, '');
const exempt = (path: string) => NOT_SHOWN.some(([re]) => re.test(plain(path)));

describe('every code has words', () => {
  it('in zh-CN and English, for every code of every vocabulary, and generic words for codes it does not know', () => {
    for (const [name, v] of Object.entries(vocabularies) as [string, Vocabulary][]) {
      expect(v.values.length, name).toBeGreaterThan(0);
      for (const locale of locales) {
        for (const code of v.values) expectWords(locale, v.key(code), code);
        expect(catalogue[locale][v.unknown], `${locale}: ${name} has no words for an unknown code`).toBeTruthy();
        const t = (k: Parameters<typeof translate>[1]) => translate(locale, k);
        expect(codeText(t, name as keyof typeof vocabularies, 'a_code_from_upstream')).toBe(t(v.unknown));
      }
    }
  });

  it('for every enum the contract carries, in and out', () => {
    const found: Found[] = [];
    for (const [name, spec] of Object.entries(contract)) {
      enumsOf(spec.input, `${name} in`, found);
      enumsOf(spec.output, `${name} out`, found);
    }
    expect(found.length).toBeGreaterThan(40);
    const missing = found.filter((f) => f.values.length > 0 && !covered(f.values) && !exempt(f.path));
    expect(missing.map((f) => `${f.path}: ${f.values.join(', ')}`)).toEqual([]);
  });

  it('for every closed vocabulary of the export format that reaches a view', () => {
    // Consents' feature, seeking and introduction outcomes never reach a view; the rest do.
    const notShown = new Set(['feature', 'seeking', 'outcome', 'level', 'channel']);
    for (const file of ALL_EXPORT_FILES) {
      for (const f of file.fields) {
        if (f.kind !== 'enum' || notShown.has(f.name)) continue;
        expect(covered(f.values), `${file.name}.${f.name}: ${f.values.join(', ')}`).toBe(true);
      }
    }
  });

  it('for the enums listed as shown by labels of their own', () => {
    for (const locale of locales) {
      for (const sort of contract['moderation.queue'].input.shape.sort.unwrap().options)
        expectWords(locale, `moderation.sort.${sort}`, sort);
    }
  });
});

describe('numbers and lists in words', () => {
  it('says "1 day" and "2 days", and a list as a sentence joins it', () => {
    expect(translate('en', 'moderation.action.days', { n: 1 })).toBe('1 day');
    expect(translate('en', 'moderation.action.days', { n: 2 })).toBe('2 days');
    expect(translate('en', 'moderation.bulk.apply', { accounts: '1,200' })).toBe('Apply to 1,200 accounts');
    expect(translate('en', 'moderation.bulk.apply', { accounts: 1 })).toBe('Apply to 1 account');
    expect(translate('zh-CN', 'moderation.action.days', { n: 1 })).toBe('1 天');
    expect(formatters('en').list(['a', 'b', 'c'])).toBe('a, b and c');
    expect(formatters('zh-CN').list(['甲', '乙', '丙'])).toBe('甲、乙和丙');
  });

  it('writes no English count without its plural form', () => {
    // "{n} days" with a bare number before a plural noun reads "1 days"; such messages use {n, plural, …}.
    const bare = Object.entries(catalogue.en).filter(([, text]) =>
      /\{(n|count|days|flags|accounts|decisions|rows|users|introductions|items)\}\s+[a-z]+s\b/.test(text),
    );
    expect(bare.map(([key, text]) => `${key}: ${text}`)).toEqual([]);
  });
});
