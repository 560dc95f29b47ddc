import type { OperatorRole } from '../../shared/domain/operator-roles';
import type { Db } from '../db/database';
import type { Caller } from '../handlers/context';
import { createOperator, findOperator } from '../operators/accounts';
import { hashPassword } from '../operators/passwords';
import type { AppServices } from '../services';

/** Who the tests sign in as, unless they name someone: one operator per role. */
export const TEST_OPERATORS: Record<OperatorRole, string> = { reviewer: '王芳', lead: '李娜', admin: '赵敏' };
/** Every test account's password. */
export const TEST_PASSWORD = 'test password 1234';

/**
 * Cheap scrypt parameters for test accounts: parameters are stored per hash, so these accounts sign in through the
 * same code as any other; only their hashing costs milliseconds instead of the production 160 ms.
 */
const TEST_HASH_PARAMS = { N: 2 ** 10, r: 8, p: 1 };

/** The account (created on first use), with TEST_PASSWORD. */
export async function ensureTestOperator(
  services: AppServices,
  role: OperatorRole,
  name: string = TEST_OPERATORS[role],
): Promise<{ id: number; name: string }> {
  return ensureTestAccount(services.db, role, name);
}

/** The same on a mirror a test opened itself (the CLI's tests: `--operator NAME` names it). */
export async function ensureTestAccount(
  db: Db,
  role: OperatorRole,
  name: string = TEST_OPERATORS[role],
): Promise<{ id: number; name: string }> {
  const existing = findOperator(db, name);
  if (existing) return existing;
  return createOperator(db, {
    name,
    role,
    passwordHash: await hashPassword(TEST_PASSWORD, TEST_HASH_PARAMS),
    mustChangePassword: false,
    createdBy: 'test setup',
  });
}

/** A caller with no session yet (a fresh window or browser): it may sign in through `session.signIn`. */
export function anonymousCaller(services: AppServices): Caller {
  const caller: Caller = {
    services,
    transport: 'test',
    token: null,
    keep: (token) => {
      caller.token = token;
    },
  };
  return caller;
}

/** A caller signed in as `role` (the account is created on first use): what a window or browser session is. */
export async function signedIn(services: AppServices, role: OperatorRole, name?: string): Promise<Caller> {
  const account = await ensureTestOperator(services, role, name);
  const caller = anonymousCaller(services);
  caller.token = services.sessions.start(account.id, 'test', Math.floor(Date.now() / 1000)).token;
  return caller;
}
