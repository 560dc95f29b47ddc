import type { CallName } from '../../../shared/contract';
import type { JobKind } from '../../../shared/progress';

/**
 * What every call of the contract changes, as the cache sees it — the one table the renderer's cache follows:
 * - `'read'`: answers a question and changes nothing; it may be cached and read with `useCallQuery`.
 * - a list of reads: after the call succeeded, those reads are fetched again (`useAction` waits for them, so a page
 *   never shows a decision as done beside a queue that still lists it).
 * - `'everything'`: the mirror itself changed (an import), so every read may answer differently.
 * - `'session'`: another operator signed in; nothing cached for the previous one may be shown.
 * Exhaustive on purpose: a call added to the contract is a compile error here until it says what it changes.
 */
export const changes = {
  'session.get': 'read',
  'session.signIn': 'session',
  'session.signOut': 'session',
  'session.changePassword': 'session',
  'app.capabilities': 'read',
  'mirror.status': 'read',
  'jobs.list': 'read',
  // Jobs report through `job.progress`; what a finished job changes is `jobChanges` below.
  'jobs.cancel': [],
  'mirror.importRuns': 'read',
  'mirror.quarantine': 'read',
  'mirror.startImport': [],
  'mirror.pickExportDir': [],
  'matching.runs': 'read',
  'matching.start': [],
  'matching.introductions': 'read',
  'matching.activeRuleSet': 'read',
  // Asked afresh each time the dialog opens (the mirror at that moment); never shown from the cache.
  'matching.publishCheck': 'read',
  'matching.publish': ['matching.runs', 'preview.runs', 'dashboard.overview'],
  'moderation.startDetection': [],
  'moderation.queue': 'read',
  'moderation.item': 'read',
  'moderation.timeline': 'read',
  // A claim changes what the other operators' queues show, not this one's.
  'moderation.claim': [],
  'moderation.release': [],
  'moderation.decide': ['moderation.queue', 'moderation.item', 'dashboard.overview'],
  'moderation.undo': ['moderation.queue', 'moderation.item', 'dashboard.overview'],
  'moderation.undoBulk': ['moderation.queue', 'moderation.item', 'dashboard.overview'],
  'moderation.bulkPreview': 'read',
  'moderation.bulkApply': ['moderation.queue', 'moderation.item', 'dashboard.overview'],
  'moderation.views': 'read',
  'moderation.createView': ['moderation.views'],
  'moderation.deleteView': ['moderation.views'],
  // Scores the mirror against a labels file the operator names: asked for with a button, nothing to keep.
  'moderation.evaluate': [],
  'preview.runs': 'read',
  'preview.introductions': 'read',
  'preview.pair': 'read',
  'preview.guess': 'read',
  'preview.answerGuess': [],
  'preview.unmask': [],
  'rulesets.list': 'read',
  'rulesets.save': ['rulesets.list'],
  'rulesets.activate': ['rulesets.list', 'matching.activeRuleSet', 'tuning.whatIf', 'dashboard.overview'],
  'rulesets.rollback': ['rulesets.list', 'matching.activeRuleSet', 'tuning.whatIf', 'dashboard.overview'],
  'rulesets.diff': 'read',
  'tuning.open': ['tuning.state'],
  'tuning.state': 'read',
  'tuning.whatIf': 'read',
  'tuning.shadowRun': ['tuning.shadowRuns', 'dashboard.overview'],
  'tuning.shadowRuns': 'read',
  'tuning.shadowCompare': 'read',
  'dashboard.overview': 'read',
  'operators.list': 'read',
  'operators.add': ['operators.list', 'audit.list'],
  'operators.setRole': ['operators.list', 'audit.list'],
  'operators.setEnabled': ['operators.list', 'audit.list'],
  'operators.resetPassword': ['operators.list', 'audit.list'],
  'audit.list': 'read',
} as const satisfies { [K in CallName]: 'read' | 'everything' | 'session' | readonly CallName[] };

type Changes = typeof changes;
/** The calls that only read: the ones a page may cache and show with `useCallQuery`. */
export type ReadCall = { [K in CallName]: Changes[K] extends 'read' ? K : never }[CallName];
export type Change = 'everything' | 'session' | readonly ReadCall[];
/** Compile-time check of the table: a call listed as changed must be a read (only reads are cached). */
export type ListedAreReads = Assert<{ [K in CallName]: Changes[K] extends readonly (infer E)[] ? E : never }[CallName]>;
type Assert<T extends ReadCall> = T;

/**
 * What a job changes once it ends (completed, failed or cancelled: a failed import still adds a run to the list).
 * Main announces every job's end as a `job.progress` event; the data provider turns it into these refetches.
 */
export const jobChanges: { [K in JobKind]: Change } = {
  import: 'everything',
  generate: 'everything',
  match: [
    'matching.runs',
    'matching.introductions',
    'preview.runs',
    'preview.introductions',
    'tuning.shadowCompare',
    'dashboard.overview',
  ],
  detect: ['moderation.queue', 'moderation.item', 'moderation.bulkPreview', 'dashboard.overview'],
  tune: ['tuning.state', 'tuning.whatIf'],
};

/** What a successful call changes ('read' calls change nothing). */
export function changeOf(name: CallName): Change {
  const c: Changes[CallName] = changes[name];
  return c === 'read' ? [] : c;
}
