import { withAudit } from '../audit/audit-log';
import type { Db } from '../db/database';
import { countOperators, createOperator } from './accounts';
import { hashPassword, oneTimePassword } from './passwords';

/** The first account of a mirror: an admin, who then makes the others. */
export const FIRST_ADMIN = 'admin';

/**
 * On a mirror with no operator at all (a first start, the demo city, a fresh `serve --db`), creates the first admin
 * with a one-time password for the entry point to print once. Its first sign-in asks for a new password; the
 * one-time password never works again. Returns null when the mirror already has operators (or another process
 * made the first admin a moment earlier).
 */
export async function createFirstAdmin(
  db: Db,
  createdBy: string,
): Promise<{ name: string; oneTimePassword: string } | null> {
  if (countOperators(db) > 0) return null;
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  try {
    return withAudit(
      db,
      { operator: createdBy, action: 'operator.add' },
      () => {
        // Two consoles starting on one empty mirror: the second meets the first's 'admin' (CONFLICT, below).
        createOperator(db, { name: FIRST_ADMIN, role: 'admin', passwordHash, mustChangePassword: true, createdBy });
        return { name: FIRST_ADMIN, oneTimePassword: password };
      },
      (made) => ({ subject: made.name, details: { role: 'admin', firstAdmin: true } }),
    );
  } catch (err) {
    if ((err as { code?: string }).code === 'CONFLICT') return null;
    throw err;
  }
}

/** The lines an entry point prints once for the first admin. */
export function firstAdminLines(made: { name: string; oneTimePassword: string }): string[] {
  return [
    `First start: an admin account was created for this mirror.`,
    `  name:              ${made.name}`,
    `  one-time password: ${made.oneTimePassword}`,
    `It works once: the first sign-in asks for a new password. Shown only now; if it is lost, run`,
    `  npm run cli -- operator reset ${made.name} --operator ${made.name}`,
  ];
}
