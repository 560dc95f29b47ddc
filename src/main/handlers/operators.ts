import { auditChoices, queryAudit } from '../audit/audit-log';
import {
  createOperator,
  describeOperator,
  getOperator,
  listOperators,
  setOperatorEnabled,
  setOperatorPassword,
  setOperatorRole,
} from '../operators/accounts';
import { hashPassword, oneTimePassword } from '../operators/passwords';
import { maskAuditRow } from '../privacy';
import { adminOnly, leadOnly } from './guards';
import type { Handlers } from './table';

/** A fresh one-time password and its hash, made before the transaction (hashing takes a while). */
async function newOneTimePassword(): Promise<{ password: string; hash: string }> {
  const password = oneTimePassword();
  return { password, hash: await hashPassword(password) };
}

/**
 * Operator accounts (admins) and the audit trail (leads and admins). One-time passwords cross once, to the admin
 * who asked for them; no call ever returns a password hash, and no audit row carries a password.
 */
export const operatorHandlers: Handlers<
  | 'operators.list'
  | 'operators.add'
  | 'operators.setRole'
  | 'operators.setEnabled'
  | 'operators.resetPassword'
  | 'audit.list'
> = {
  'operators.list': adminOnly((_input, { services, now }) => ({ operators: listOperators(services.db, now) })),

  'operators.add': adminOnly(
    (input, { services, operator, now }, otp) => {
      createOperator(services.db, {
        name: input.name,
        role: input.role,
        passwordHash: otp.hash,
        mustChangePassword: true,
        createdBy: operator.name,
      });
      return { account: describeOperator(services.db, input.name, now), oneTimePassword: otp.password };
    },
    {
      audited: 'operator.add',
      prepare: newOneTimePassword,
      facts: (_input, out) => ({ subject: out.account.name, details: { role: out.account.role } }),
    },
  ),

  'operators.setRole': adminOnly(
    (input, { services, operator, now }) => {
      setOperatorRole(services.db, operator.name, input.name, input.role);
      return { account: describeOperator(services.db, input.name, now) };
    },
    {
      audited: 'operator.setRole',
      facts: (_input, out) => ({ subject: out.account.name, details: { role: out.account.role } }),
    },
  ),

  'operators.setEnabled': adminOnly(
    (input, { services, operator, now }) => {
      setOperatorEnabled(services.db, operator.name, input.name, input.enabled, now);
      return { account: describeOperator(services.db, input.name, now) };
    },
    {
      audited: 'operator.setEnabled',
      facts: (_input, out) => ({ subject: out.account.name, details: { enabled: out.account.enabled } }),
    },
  ),

  'operators.resetPassword': adminOnly(
    (input, { services, now }, otp) => {
      const target = getOperator(services.db, input.name);
      setOperatorPassword(services.db, target.id, otp.hash, true, { reason: 'password changed', now });
      return { account: describeOperator(services.db, input.name, now), oneTimePassword: otp.password };
    },
    {
      audited: 'operator.resetPassword',
      prepare: newOneTimePassword,
      facts: (_input, out) => ({ subject: out.account.name }),
    },
  ),

  'audit.list': leadOnly((input, { services }) => {
    const page = queryAudit(services.db, input);
    return { total: page.total, rows: page.rows.map(maskAuditRow), ...auditChoices(services.db) };
  }),
};
