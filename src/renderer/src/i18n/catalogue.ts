import type {
  BehaviourFamily,
  DetectorFigure,
  DetectorName,
  FlagReason,
  HandleKind,
} from '../../../shared/domain/detection';
import type {
  GroundTruthLabel,
  QuarantineReason,
  ReportReason,
  UPSTREAM_STATUSES,
} from '../../../shared/domain/export-format';
import type { DecisionAction, FlagState, ModerationQueue } from '../../../shared/domain/moderation';
import type { DisclosureLevel, HourBand, KnownCategory } from '../../../shared/domain/places';
import type { ReasonCode } from '../../../shared/domain/ruleset';
import type { DecisionReason } from '../../../shared/domain/reason-codes';
import { app } from './sections/app';
import { matching } from './sections/matching';
import { mirror } from './sections/mirror';
import { moderation } from './sections/moderation';
import { overview } from './sections/overview';
import { preview } from './sections/preview';
import { rules } from './sections/rules';
import { words } from './sections/words';

/**
 * THE message catalogue: every string the UI shows. One section per area of the console; zh-CN first, the
 * operators read Chinese first.
 */
const sections = [app, overview, mirror, matching, preview, rules, moderation, words] as const;

export type Locale = 'zh-CN' | 'en';
export const locales: readonly Locale[] = ['zh-CN', 'en'];

type Merge<T extends readonly unknown[]> = T extends readonly [infer H, ...infer R]
  ? (H extends { 'zh-CN': infer Z } ? Z : never) & Merge<R>
  : unknown;
export type Messages = Merge<typeof sections>;
export type MessageKey = keyof Messages & string;

/**
 * Every word of the shared vocabularies (src/shared/domain) has its message: a code added there without its words
 * here is a compile error naming the missing key.
 */
export type VocabularyKey = Known<
  | `moderation.action.${DecisionAction}`
  | `moderation.decisionReason.${DecisionReason}`
  | `moderation.reason.${FlagReason}`
  | `moderation.figure.${DetectorFigure}`
  | `moderation.detector.${DetectorName}`
  | `moderation.queue.${ModerationQueue}`
  | `moderation.handle.${HandleKind}`
  | `preview.category.${KnownCategory}`
  | `preview.hourBand.${HourBand}`
  | `preview.level.${DisclosureLevel}`
  | `reasonCode.${ReasonCode}`
  | `words.reportReason.${ReportReason}`
  | `words.flagState.${FlagState}`
  | `words.family.${GroundTruthLabel}`
  | `words.accountStatus.${(typeof UPSTREAM_STATUSES)[number]}`
  | `reason.${QuarantineReason}`
  | `moderation.family.${BehaviourFamily}`
>;
type Known<K extends MessageKey> = K;

function build(locale: Locale): Record<MessageKey, string> {
  return Object.assign({}, ...sections.map((s) => s[locale])) as Record<MessageKey, string>;
}

export const catalogue: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': build('zh-CN'), en: build('en') };

const pluralRules: Record<Locale, Intl.PluralRules> = {
  'zh-CN': new Intl.PluralRules('zh-CN'),
  en: new Intl.PluralRules('en'),
};
const numbers: Record<Locale, Intl.NumberFormat> = {
  'zh-CN': new Intl.NumberFormat('zh-CN'),
  en: new Intl.NumberFormat('en'),
};

/**
 * `{n, plural, one {# day} other {# days}}`: the form the locale's plural rules pick for the parameter (a number, or
 * a number already formatted), `#` being the number as given or formatted. zh-CN has one form; English two.
 */
function plurals(locale: Locale, text: string, params: Record<string, string | number>): string {
  let out = '';
  let i = 0;
  for (let start = text.indexOf(', plural,'); start >= 0; start = text.indexOf(', plural,', i)) {
    const open = text.lastIndexOf('{', start);
    const name = text.slice(open + 1, start).trim();
    const forms = new Map<string, string>();
    let j = start + ', plural,'.length;
    for (;;) {
      while (text[j] === ' ') j++;
      if (text[j] === '}') break;
      const brace = text.indexOf('{', j);
      const selector = text.slice(j, brace).trim();
      let depth = 1;
      let k = brace + 1;
      for (; depth > 0; k++) depth += text[k] === '{' ? 1 : text[k] === '}' ? -1 : 0;
      forms.set(selector, text.slice(brace + 1, k - 1));
      j = k;
    }
    const raw = params[name];
    const n = typeof raw === 'number' ? raw : Number(String(raw ?? '').replace(/[^\d.-]/g, ''));
    const shown = typeof raw === 'number' ? numbers[locale].format(raw) : String(raw ?? '');
    const form = forms.get(`=${n}`) ?? forms.get(pluralRules[locale].select(n)) ?? forms.get('other') ?? '';
    out += text.slice(i, open) + form.replace(/#/g, shown);
    i = j + 1;
  }
  return out + text.slice(i);
}

export function translate(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  const text = catalogue[locale][key] ?? catalogue['zh-CN'][key] ?? key;
  if (!params) return text;
  return plurals(locale, text, params).replace(/\{(\w+)\}/g, (m, name: string) =>
    name in params ? String(params[name]) : m,
  );
}
