import crypto from 'node:crypto';
import type { OperatorRole } from '../../shared/domain/operator-roles';
import type { Caller } from '../handlers/context';
import { createOperator, findOperator } from '../operators/accounts';
import { hashPassword } from '../operators/passwords';
import type { AppServices } from '../services';

/**
 * A bench calls main as an operator would: through `dispatch`, in a session of its own. Its account (`bench-<role>`,
 * with a random password nobody knows) is created in the bench's mirror on first use.
 */
export async function benchCaller(services: AppServices, role: OperatorRole): Promise<Caller> {
  const name = `bench-${role}`;
  const account =
    findOperator(services.db, name) ??
    createOperator(services.db, {
      name,
      role,
      passwordHash: await hashPassword(crypto.randomBytes(24).toString('base64url')),
      mustChangePassword: false,
      createdBy: 'bench',
    });
  const { token } = services.sessions.start(account.id, 'bench', Math.floor(Date.now() / 1000));
  const caller: Caller = {
    services,
    transport: 'bench',
    token,
    keep: (next) => {
      caller.token = next;
    },
  };
  return caller;
}
