import { platformNoon } from '../../shared/domain/platform-time';
import { DEFAULT_MASKING_POLICY, maskProfile } from '../privacy';
import { readUserRow } from '../privacy/profile';
import type { AppServices } from '../services';
import { readDashboard } from '../tuning/dashboard';
import { TuningSession } from '../tuning/session';
import { compareShadow, listShadowRuns } from '../tuning/shadow';
import {
  activateVersion,
  diffVersions,
  listActivations,
  listVersions,
  rollBack,
  saveVersion,
  currentVersion,
} from '../tuning/versions';
import { leadOnly, requireRole, withOperator } from './guards';
import { loosenedLimits } from '../../shared/domain/ruleset';
import { DomainError } from '../../shared/envelope';
import { say } from '../../shared/error-says';
import type { Handlers } from './table';
import { oneAtATime } from '../jobs/one-at-a-time';

/**
 * One tuning session (worker + cache) per console, created on first use and ended with the services (its worker
 * is also unref'd, so it never keeps the process alive on its own).
 */
const sessions = new WeakMap<AppServices, TuningSession>();

export function tuningSession(services: AppServices): TuningSession {
  let session = sessions.get(services);
  if (!session) {
    session = new TuningSession(services.dbPath, services.events);
    sessions.set(services, session);
    services.onClose(() => closeTuningSession(services));
  }
  return session;
}

/** The console's tuning session if one was started (a cancel must not start one just to find nothing). */
export function startedTuningSession(services: AppServices): TuningSession | undefined {
  return sessions.get(services);
}

export function closeTuningSession(services: AppServices): void {
  sessions.get(services)?.close();
  sessions.delete(services);
}

export const tuningHandlers: Handlers<
  | 'rulesets.list'
  | 'rulesets.save'
  | 'rulesets.activate'
  | 'rulesets.rollback'
  | 'rulesets.diff'
  | 'tuning.open'
  | 'tuning.state'
  | 'tuning.whatIf'
  | 'tuning.shadowRun'
  | 'tuning.shadowRuns'
  | 'tuning.shadowCompare'
  | 'dashboard.overview'
> = {
  'rulesets.list': withOperator((_input, { services }) => ({
    versions: listVersions(services.db),
    activeVersion: currentVersion(services.db),
    activations: listActivations(services.db, 50),
  })),
  'rulesets.save': withOperator(
    (input, { services, operator }) => {
      // Limits that protect users (adults only, real-name verified) are loosened by a lead, saying why — here,
      // where the call enters, whatever the editor allowed.
      const loosened = loosenedLimits(input.ruleSet);
      if (loosened.length > 0) {
        requireRole(operator, 'lead', `rulesets.save: loosening ${loosened.join(', ')}`);
        if (!input.loosenReason)
          throw new DomainError(
            'INVALID_INPUT',
            `rulesets.save: loosenReason: loosening ${loosened.join(', ')} needs a reason`,
            say('loosenReasonRequired', {}),
          );
      }
      return { version: saveVersion(services.db, input.ruleSet, input.note, operator.name) };
    },
    {
      audited: 'ruleset.save',
      facts: (input, out) => {
        const loosened = loosenedLimits(input.ruleSet);
        return {
          subject: String(out.version),
          details: {
            note: input.note.trim(),
            ...(loosened.length > 0 ? { loosened, loosenReason: input.loosenReason } : {}),
          },
        };
      },
    },
  ),
  // Activating and rolling back change what every user is introduced to tomorrow: leads only.
  'rulesets.activate': leadOnly(
    (input, { services, operator }) => ({
      activeVersion: activateVersion(services.db, input.version, operator.name),
    }),
    { audited: 'ruleset.activate', facts: (_input, out) => ({ subject: String(out.activeVersion) }) },
  ),
  'rulesets.rollback': leadOnly(
    (_input, { services, operator }) => ({ activeVersion: rollBack(services.db, operator.name) }),
    {
      audited: 'ruleset.rollback',
      // Inside the same transaction: the activation before the one just written is what was rolled back from.
      facts: (_input, out, { services }) => ({
        subject: String(out.activeVersion),
        details: { from: listActivations(services.db, 2)[1]?.version ?? null },
      }),
    },
  ),
  'rulesets.diff': withOperator((input, { services }) => ({
    from: input.from,
    to: input.to,
    changes: diffVersions(services.db, input.from, input.to),
  })),
  'tuning.open': withOperator((input, { services }) => tuningSession(services).open(input.date, input.reload)),
  'tuning.state': withOperator((_input, { services }) => tuningSession(services).state()),
  'tuning.whatIf': withOperator(async (input, { services }) => {
    const answer = await tuningSession(services).whatIf(input.ruleSet, input.seq);
    if (answer.status !== 'ready') return answer;
    // The worker answers with ids; the people behind them cross to the renderer masked, like every view.
    const reference = platformNoon(answer.result.date);
    const ids = new Set(
      answer.result.changedExamples
        .flatMap((e) => [e.userId, e.activePartner, e.draftPartner])
        .filter((id): id is string => id !== null),
    );
    const people = Object.fromEntries(
      [...ids].map((id) => {
        const { displayName, gender, ageBand, district } = maskProfile(
          readUserRow(services.db, id),
          reference,
          DEFAULT_MASKING_POLICY,
        );
        return [id, { displayName, gender, ageBand, district }];
      }),
    );
    return { ...answer, result: { ...answer.result, people } };
  }),
  // The shadow run and its audit row are written together by the tuning worker (tuning/shadow.ts). A session runs
  // one at a time (jobs/one-at-a-time.ts).
  'tuning.shadowRun': withOperator(async (input, { services, operator, session }) => ({
    shadowId: await oneAtATime(session.id, 'shadowRun', () =>
      tuningSession(services).shadowRun(input.ruleSet, operator.name),
    ),
  })),
  'tuning.shadowRuns': withOperator((input, { services }) => ({ runs: listShadowRuns(services.db, input.limit) })),
  'tuning.shadowCompare': withOperator((input, { services }) => compareShadow(services.db, input.shadowId)),
  'dashboard.overview': withOperator((input, { services }) => readDashboard(services.db, input.today, input.days)),
};
