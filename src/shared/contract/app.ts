import { z } from 'zod';
import { OPERATOR_ROLES, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS } from '../domain/operator-roles';
import { call } from './call';

export const operatorRoleSchema = z.enum(OPERATOR_ROLES);
export type { OperatorRole } from '../domain/operator-roles';

/** An operator's name as typed: trimmed, one Unicode form (NFC), so "李娜" typed on two keyboards is one account. */
export const operatorNameSchema = z.string().trim().normalize('NFC').min(1, 'name is required').max(40);

export const operatorSchema = z.object({ name: operatorNameSchema, role: operatorRoleSchema });
export type Operator = z.infer<typeof operatorSchema>;

/** A password as typed at sign-in (checked against the stored hash; never stored, logged or echoed). */
export const passwordSchema = z.string().min(1, 'password is required').max(PASSWORD_MAX_CHARS);
/** A password an operator chooses. */
export const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_CHARS, `a password needs at least ${PASSWORD_MIN_CHARS} characters`)
  .max(PASSWORD_MAX_CHARS)
  // Length is the rule (no composition rules), but ten spaces or one key held down are not a password.
  .refine(
    (p) => new Set(p.replace(/\s/gu, '')).size >= 3,
    'a password needs at least 3 different characters besides spaces',
  );

/** Who is signed in on this session (an Electron window, a browser session), and what the session must do first. */
export const sessionStateSchema = z.object({
  operator: operatorSchema.nullable(),
  /** Signed in with a one-time password: nothing but choosing a new password is allowed yet. */
  mustChangePassword: z.boolean(),
  /** The session ends after this long without a call. */
  idleSeconds: z.number().int().positive(),
});
export type SessionState = z.infer<typeof sessionStateSchema>;

const tableCountSchema = z.object({ name: z.string(), rows: z.number().int().nonnegative() });

/** Calls every page needs: who is operating, and the state of the mirror. */
export const appCalls = {
  /** Who is signed in on this session (never extends it: reading it is not activity). */
  'session.get': call(z.object({}).strict(), sessionStateSchema),
  /** One generic refusal for a wrong name, a wrong password and a locked account, in the same time. */
  'session.signIn': call(z.object({ name: operatorNameSchema, password: passwordSchema }).strict(), sessionStateSchema),
  'session.signOut': call(z.object({}).strict(), z.object({ signedOut: z.boolean() })),
  /**
   * The signed-in operator's own password: the current one is checked, except right after a one-time password
   * (then this is the only call allowed, and the session itself is the proof).
   */
  'session.changePassword': call(
    z.object({ currentPassword: passwordSchema.optional(), newPassword: newPasswordSchema }).strict(),
    sessionStateSchema,
  ),
  /** What this console can do where it runs: the desktop window has native dialogs, web mode does not. */
  'app.capabilities': call(z.object({}).strict(), z.object({ desktop: z.boolean() })),
  'mirror.status': call(
    z.object({}).strict(),
    z.object({
      dbPath: z.string(),
      schemaVersion: z.number().int(),
      latestSchemaVersion: z.number().int(),
      sizeBytes: z.number().int().nonnegative(),
      tables: z.array(tableCountSchema),
      /** The platform day of the mirror's newest payment (null: none yet). */
      dataEnds: z.string().nullable(),
      /** The date runs and previews default to: the day after the data ends (today without data). */
      suggestedDate: z.string(),
    }),
  ),
};
