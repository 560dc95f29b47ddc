/**
 * Who an operator is allowed to be. Roles are ordered: a lead may do everything a reviewer may, an admin everything
 * a lead may (and manage operators). Main enforces them where calls enter (src/main/handlers/guards.ts); the
 * renderer only uses them to hide what would be refused anyway.
 */
export const OPERATOR_ROLES = ['reviewer', 'lead', 'admin'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** True when `role` may do what `needed` may. */
export function roleAtLeast(role: OperatorRole, needed: OperatorRole): boolean {
  return OPERATOR_ROLES.indexOf(role) >= OPERATOR_ROLES.indexOf(needed);
}

/** Passwords operators choose: long enough to resist guessing, short enough to type. */
export const PASSWORD_MIN_CHARS = 10;
export const PASSWORD_MAX_CHARS = 200;
