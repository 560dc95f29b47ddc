import {
  ABUSE_FAMILIES,
  BEHAVIOUR_FAMILY_NAMES,
  DETECTOR_FIGURES,
  DETECTOR_NAMES,
  FLAG_REASONS,
  HANDLE_KINDS,
} from '../../../shared/domain/detection';
import {
  GENDERS,
  GROUND_TRUTH_LABELS,
  QUARANTINE_REASONS,
  REPORT_REASONS,
  UPSTREAM_STATUSES,
} from '../../../shared/domain/export-format';
import {
  DECISION_ACTIONS,
  FLAG_STATES,
  MODERATION_QUEUES,
  RELATED_REASONS,
  UNDO_ACTION,
} from '../../../shared/domain/moderation';
import { AUDIT_ACTIONS } from '../../../shared/domain/audit-actions';
import { DISCLOSURE_LEVELS, HOUR_BANDS, KNOWN_CATEGORIES } from '../../../shared/domain/places';
import { OPERATOR_ROLES } from '../../../shared/domain/operator-roles';
import { DECISION_REASONS } from '../../../shared/domain/reason-codes';
import { INTRODUCTION_REASONS } from '../../../shared/domain/ruleset';
import { JOB_KINDS, JOB_STATES } from '../../../shared/progress';
import { contract } from '../../../shared/contract';
import type { MessageKey } from './catalogue';

// Vocabularies the contract spells inline are read from it, so words and contract cannot drift apart.
const matchRunStatuses = contract['matching.runs'].output.shape.runs.element.shape.status.options;
const importRunStatuses = contract['mirror.importRuns'].output.shape.runs.element.shape.status.options;
const guessUnavailable = contract['preview.guess'].output.shape.unavailable.unwrap().options;
const familyKinds = contract['moderation.evaluate'].output.shape.families.element.shape.kind.options;
const queueSorts = contract['moderation.queue'].input.shape.sort.unwrap().options;

/**
 * Every code main can send that the console shows in words: one table of vocabularies, each with the message key of
 * a code and the generic words for a code it does not know (a category upstream invented, a reason of a newer
 * detector) — a code is never shown raw. `codes.test.ts` walks every vocabulary, the contract's enums and the
 * mirror's, and checks that each code has words in zh-CN and en.
 */
export interface Vocabulary {
  /** The codes the console knows, from src/shared/domain. */
  values: readonly string[];
  key(code: string): MessageKey;
  /** The words for a code outside `values`. */
  unknown: MessageKey;
}

function vocabulary<const V extends string>(
  values: readonly V[],
  key: (code: V) => MessageKey,
  unknown: MessageKey,
): Vocabulary {
  return { values, key: (code) => key(code as V), unknown };
}

export const vocabularies = {
  category: vocabulary(KNOWN_CATEGORIES, (c) => `preview.category.${c}`, 'preview.category.unknown'),
  hourBand: vocabulary(HOUR_BANDS, (b) => `preview.hourBand.${b}`, 'preview.hourBand.unknown'),
  disclosureLevel: vocabulary(DISCLOSURE_LEVELS, (l) => `preview.level.${l}`, 'words.unknown'),
  introductionReason: vocabulary(INTRODUCTION_REASONS, (r) => `reasonCode.${r}`, 'preview.reason.other'),
  gender: vocabulary(GENDERS, (g) => `preview.profile.gender.${g}`, 'words.unknown'),
  flagReason: vocabulary(FLAG_REASONS, (r) => `moderation.reason.${r}`, 'words.flagReason.unknown'),
  decisionReason: vocabulary(
    DECISION_REASONS,
    (r) => `moderation.decisionReason.${r}`,
    'moderation.decisionReason.other',
  ),
  decisionAction: vocabulary(
    [...DECISION_ACTIONS, UNDO_ACTION],
    (a) => (a === UNDO_ACTION ? 'moderation.action.undoShort' : `moderation.action.${a}`),
    'words.unknown',
  ),
  detector: vocabulary(DETECTOR_NAMES, (d) => `moderation.detector.${d}`, 'words.unknown'),
  family: vocabulary([...ABUSE_FAMILIES, ...GROUND_TRUTH_LABELS], (f) => `words.family.${f}`, 'words.unknown'),
  behaviourFamily: vocabulary(BEHAVIOUR_FAMILY_NAMES, (f) => `moderation.family.${f}`, 'words.unknown'),
  familyKind: vocabulary(familyKinds, (k) => `moderation.eval.kind.${k}`, 'words.unknown'),
  queue: vocabulary(MODERATION_QUEUES, (q) => `moderation.queue.${q}`, 'words.unknown'),
  operatorRole: vocabulary(OPERATOR_ROLES, (r) => `session.role.${r}`, 'words.unknown'),
  flagState: vocabulary(FLAG_STATES, (s) => `words.flagState.${s}`, 'words.unknown'),
  handleKind: vocabulary(HANDLE_KINDS, (h) => `moderation.handle.${h}`, 'moderation.handle.id'),
  reportReason: vocabulary(REPORT_REASONS, (r) => `words.reportReason.${r}`, 'words.reportReason.other'),
  accountStatus: vocabulary(UPSTREAM_STATUSES, (s) => `words.accountStatus.${s}`, 'words.unknown'),
  direction: vocabulary(['in', 'out'] as const, (d) => `moderation.detail.${d}`, 'words.unknown'),
  timelineKind: vocabulary(
    ['greeting', 'transfer', 'report', 'flag'] as const,
    (k) => `moderation.timeline.kind.${k}`,
    'words.unknown',
  ),
  relatedReason: vocabulary(RELATED_REASONS, (r) => `moderation.related.reason.${r}`, 'words.unknown'),
  jobKind: vocabulary(JOB_KINDS, (k) => `job.kind.${k}`, 'words.unknown'),
  jobState: vocabulary(JOB_STATES, (s) => `job.state.${s}`, 'words.unknown'),
  role: vocabulary(['reviewer', 'lead'] as const, (r) => `session.role.${r}`, 'words.unknown'),
  matchRunStatus: vocabulary(matchRunStatuses, (s) => `matching.status.${s}`, 'words.unknown'),
  importRunStatus: vocabulary(importRunStatuses, (s) => `mirror.status.${s}`, 'words.unknown'),
  guessUnavailable: vocabulary(guessUnavailable, (u) => `preview.guess.unavailable.${u}`, 'words.unknown'),
  quarantineReason: vocabulary(QUARANTINE_REASONS, (r) => `reason.${r}`, 'words.unknown'),
  figure: vocabulary(DETECTOR_FIGURES, (f) => `moderation.figure.${f}`, 'words.unknown'),
  queueSort: vocabulary(queueSorts, (s) => `moderation.sort.${s}`, 'words.unknown'),
  auditAction: vocabulary(AUDIT_ACTIONS, (a) => `audit.actionName.${a}`, 'words.unknown'),
} as const satisfies Record<string, Vocabulary>;
export type VocabularyName = keyof typeof vocabularies;

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A code in words: its own words, or the vocabulary's words for a code it does not know. */
export function codeText(t: T, name: VocabularyName, code: string): string {
  const v: Vocabulary = vocabularies[name];
  return t(v.values.includes(code) ? v.key(code) : v.unknown);
}

/** Whether a code is one the console has words of its own for (the Mirror page lists the others). */
export function isKnownCode(name: VocabularyName, code: string): boolean {
  return (vocabularies[name] as Vocabulary).values.includes(code);
}
