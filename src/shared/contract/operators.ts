import { z } from 'zod';
import { call } from './call';
import { operatorNameSchema, operatorRoleSchema } from './app';

/**
 * Operator accounts (admin only) and the audit trail (leads and admins). Passwords never cross: an account that
 * needs one gets a one-time password, shown once to the admin who asked for it.
 */

export const operatorAccountSchema = z.object({
  name: z.string(),
  role: operatorRoleSchema,
  enabled: z.boolean(),
  mustChangePassword: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string(),
  lastSignInAt: z.string().nullable(),
  /** Failed sign-ins since the last success or lock. */
  failedAttempts: z.number().int().nonnegative(),
  /** ISO time the current lock ends, or null when not locked. */
  lockedUntil: z.string().nullable(),
  /** How many times the account was locked since its last good sign-in (each lock lasts longer). */
  lockouts: z.number().int().nonnegative(),
  activeSessions: z.number().int().nonnegative(),
});
export type OperatorAccountView = z.infer<typeof operatorAccountSchema>;

const oneTimePassword = z.object({ account: operatorAccountSchema, oneTimePassword: z.string() });

const calendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

export const auditRowSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  operator: z.string(),
  action: z.string(),
  subject: z.string().nullable(),
  /** Facts about the action: ids and codes; free text (an unmask reason) masked like a decision note. */
  details: z.record(z.string(), z.unknown()),
});
export type AuditRowView = z.infer<typeof auditRowSchema>;

export const auditFilterSchema = z
  .object({
    operator: z.string().trim().min(1).max(40).optional(),
    action: z.string().trim().min(1).max(64).optional(),
    /** Platform days (China time), inclusive. */
    from: calendarDate.optional(),
    to: calendarDate.optional(),
  })
  .strict();
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export const operatorCalls = {
  'operators.list': call(z.object({}).strict(), z.object({ operators: z.array(operatorAccountSchema) })),
  /** A new account with a one-time password (its first sign-in asks for a new one). */
  'operators.add': call(z.object({ name: operatorNameSchema, role: operatorRoleSchema }).strict(), oneTimePassword),
  /** Nobody changes their own role; the last enabled admin stays an admin. */
  'operators.setRole': call(
    z.object({ name: operatorNameSchema, role: operatorRoleSchema }).strict(),
    z.object({ account: operatorAccountSchema }),
  ),
  /** Disabling ends the account's sessions at once; enabling also lifts a lock. The last enabled admin stays. */
  'operators.setEnabled': call(
    z.object({ name: operatorNameSchema, enabled: z.boolean() }).strict(),
    z.object({ account: operatorAccountSchema }),
  ),
  /** A new one-time password; ends the account's sessions and lifts a lock. */
  'operators.resetPassword': call(z.object({ name: operatorNameSchema }).strict(), oneTimePassword),
  /** Who did what and when: newest first, read-only. */
  'audit.list': call(
    auditFilterSchema
      .extend({
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .strict(),
    z.object({
      total: z.number().int().nonnegative(),
      rows: z.array(auditRowSchema),
      /** What the filters can choose from. */
      operators: z.array(z.string()),
      actions: z.array(z.string()),
    }),
  ),
};
