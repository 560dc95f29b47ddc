import type {
  BehaviourFamily,
  DetectorFigure,
  DetectorName,
  FlagReason,
  HandleKind,
} from '../../../shared/domain/detection';
import type { DecisionAction, ModerationQueue } from '../../../shared/domain/moderation';
import type { DecisionReason } from '../../../shared/domain/reason-codes';
import { app } from './sections/app';
import { matching } from './sections/matching';
import { mirror } from './sections/mirror';
import { moderation } from './sections/moderation';
import { overview } from './sections/overview';
import { preview } from './sections/preview';
import { rules } from './sections/rules';

/**
 * THE message catalogue: every string the UI shows. One section per area of the console; zh-CN first, the
 * operators read Chinese first.
 */
const sections = [app, overview, mirror, matching, preview, rules, moderation] as const;

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
  | `moderation.family.${BehaviourFamily}`
>;
type Known<K extends MessageKey> = K;

function build(locale: Locale): Record<MessageKey, string> {
  return Object.assign({}, ...sections.map((s) => s[locale])) as Record<MessageKey, string>;
}

export const catalogue: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': build('zh-CN'), en: build('en') };

export function translate(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  const text = catalogue[locale][key] ?? catalogue['zh-CN'][key] ?? key;
  return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
}
