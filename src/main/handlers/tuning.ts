import { platformNoon } from '../../shared/domain/platform-time';
import { DomainError } from '../../shared/envelope';
import { requireOperator } from '../dispatch';
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
import type { Handlers } from './table';
import { say } from '../../shared/error-says';
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

export function closeTuningSession(services: AppServices): void {
  sessions.get(services)?.close();
  sessions.delete(services);
}

/** Activating and rolling back change what every user is introduced to tomorrow: leads only. */
function requireLead(services: AppServices, what: string) {
  const operator = requireOperator(services);
  if (operator.role !== 'lead')
    throw new DomainError(
      'FORBIDDEN',
      `${what}: only a lead may do this (${operator.name} is ${operator.role})`,
      say('leadOnly', {}),
    );
  return operator;
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
  'rulesets.list': (_input, services) => ({
    versions: listVersions(services.db),
    activeVersion: currentVersion(services.db),
    activations: listActivations(services.db, 50),
  }),
  'rulesets.save': (input, services) => {
    const operator = requireOperator(services);
    return { version: saveVersion(services.db, input.ruleSet, input.note, operator.name) };
  },
  'rulesets.activate': (input, services) => {
    const operator = requireLead(services, `rulesets.activate ${input.version}`);
    return { activeVersion: activateVersion(services.db, input.version, operator.name) };
  },
  'rulesets.rollback': (_input, services) => {
    const operator = requireLead(services, 'rulesets.rollback');
    return { activeVersion: rollBack(services.db, operator.name) };
  },
  'rulesets.diff': (input, services) => ({
    from: input.from,
    to: input.to,
    changes: diffVersions(services.db, input.from, input.to),
  }),
  'tuning.open': (input, services) => {
    requireOperator(services);
    return tuningSession(services).open(input.date, input.reload);
  },
  'tuning.state': (_input, services) => tuningSession(services).state(),
  'tuning.whatIf': async (input, services) => {
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
  },
  'tuning.shadowRun': async (input, services) => {
    const operator = requireOperator(services);
    const shadowId = await oneAtATime(services.session, 'shadowRun', () =>
      tuningSession(services).shadowRun(input.ruleSet, operator.name),
    );
    return { shadowId };
  },
  'tuning.shadowRuns': (input, services) => ({ runs: listShadowRuns(services.db, input.limit) }),
  'tuning.shadowCompare': (input, services) => compareShadow(services.db, input.shadowId),
  'dashboard.overview': (input, services) => readDashboard(services.db, input.today, input.days),
};
