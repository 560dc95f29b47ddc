import type { AuditAction } from '../../../shared/domain/audit-actions';
import os from 'node:os';
import { newPasswordSchema, operatorNameSchema, operatorRoleSchema } from '../../../shared/contract';
import type { OperatorAccountView } from '../../../shared/contract/operators';
import { withAudit } from '../../audit/audit-log';
import { openDatabase } from '../../db/database';
import { closeDatabase } from '../../db/close';
import {
  countOperators,
  createOperator,
  describeOperator,
  getOperator,
  listOperators,
  setOperatorEnabled,
  setOperatorPassword,
  setOperatorRole,
} from '../../operators/accounts';
import { hashPassword, oneTimePassword } from '../../operators/passwords';
import { type CliValues, defineCommand, UsageError, stringOption } from '../command';

const USAGE = `usage: npm run cli -- operator <list|add|disable|enable|reset|role> … [--operator ADMIN] [--db FILE] [--json]
  operator list
  operator add NAME --role reviewer|lead|admin [--password-stdin]
  operator disable NAME
  operator enable NAME            (also lifts a lock)
  operator reset NAME [--password-stdin]
  operator role NAME reviewer|lead|admin
Without --password-stdin a one-time password is printed once (its first sign-in asks for a new one).
On a mirror with no operator yet, "operator add NAME --role admin" makes the first admin without --operator.`;

/** Reads a password piped in (`printf '%s' "$PW" | npm run cli -- operator add …`): one line, nothing echoed. */
async function passwordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  const parsed = newPasswordSchema.safeParse(text);
  if (!parsed.success) throw new UsageError(`--password-stdin: ${parsed.error.issues[0]!.message}`);
  return text;
}

function nameArg(positionals: string[], index: number, what: string): string {
  const raw = positionals[index];
  if (raw === undefined) throw new UsageError(`operator ${what} needs a NAME`);
  const parsed = operatorNameSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`NAME: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

function roleArg(value: string | undefined, where: string) {
  const parsed = operatorRoleSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${where} must be reviewer, lead or admin, got "${value ?? ''}"`);
  return parsed.data;
}

/** What every `operator` action answers: the accounts it shows, and a one-time password when it made one. */
interface OperatorResult {
  operators?: OperatorAccountView[];
  account?: OperatorAccountView;
  oneTimePassword?: string | null;
}

/** A new password: piped in, or a one-time password shown once in the result. */
async function newPassword(values: CliValues): Promise<{ hash: string; oneTimePassword: string | null }> {
  if (values['password-stdin'] === true)
    return { hash: await hashPassword(await passwordFromStdin()), oneTimePassword: null };
  const password = oneTimePassword();
  return { hash: await hashPassword(password), oneTimePassword: password };
}

/**
 * `npm run cli -- operator …`: operator accounts for scripts, under the same rules as the Operators page (admins
 * only; nobody changes their own role or disables themselves; the last enabled admin stays) and audited alike.
 */
export const operatorCommand = defineCommand({
  name: 'operator',
  summary: 'operator accounts: list, add, disable, enable, reset, role',
  usage: USAGE,
  options: { role: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false } },
  access: 'admin',
  firstAdminWithoutOperator: true,
  async run(ctx, values, positionals): Promise<OperatorResult> {
    const [verb] = positionals;
    const db = openDatabase(ctx.dbPath);
    try {
      const now = Math.floor(Date.now() / 1000);
      const actor = ctx.operator?.name ?? `cli:${os.userInfo().username}`;
      const audited = <T>(
        action: AuditAction,
        subject: string,
        work: () => T,
        details: Record<string, unknown> = {},
      ): T =>
        withAudit(db, { operator: actor, action }, work, () => ({ subject, details: { ...details, via: 'cli' } }));
      if (!ctx.operator && verb !== 'add')
        throw new UsageError(
          'this mirror has no operator yet: make the first admin with "operator add NAME --role admin"',
        );
      switch (verb) {
        case 'list':
          return { operators: listOperators(db, now) };
        case 'add': {
          const name = nameArg(positionals, 1, 'add');
          const role = roleArg(stringOption(values, 'role'), '--role');
          if (!ctx.operator && (role !== 'admin' || countOperators(db) > 0))
            throw new UsageError('the first operator of a mirror is an admin: --role admin');
          const password = await newPassword(values);
          audited(
            'operator.add',
            name,
            () =>
              createOperator(db, {
                name,
                role,
                passwordHash: password.hash,
                mustChangePassword: password.oneTimePassword !== null,
                createdBy: actor,
              }),
            { role },
          );
          return { account: describeOperator(db, name, now), oneTimePassword: password.oneTimePassword };
        }
        case 'disable':
        case 'enable': {
          const name = nameArg(positionals, 1, verb);
          const enabled = verb === 'enable';
          audited('operator.setEnabled', name, () => setOperatorEnabled(db, actor, name, enabled, now), { enabled });
          return { account: describeOperator(db, name, now) };
        }
        case 'reset': {
          const name = nameArg(positionals, 1, 'reset');
          const target = getOperator(db, name);
          const password = await newPassword(values);
          audited('operator.resetPassword', target.name, () =>
            setOperatorPassword(db, target.id, password.hash, password.oneTimePassword !== null, {
              reason: 'password changed',
              now,
            }),
          );
          return { account: describeOperator(db, name, now), oneTimePassword: password.oneTimePassword };
        }
        case 'role': {
          const name = nameArg(positionals, 1, 'role');
          const role = roleArg(positionals[2], 'ROLE');
          audited('operator.setRole', name, () => setOperatorRole(db, actor, name, role), { role });
          return { account: describeOperator(db, name, now) };
        }
        default:
          throw new UsageError(`operator: unknown action "${verb ?? ''}"`);
      }
    } finally {
      closeDatabase(db);
    }
  },
  format(result) {
    const lines: string[] = [];
    const row = (a: OperatorAccountView) =>
      `  ${a.name.padEnd(16)} ${a.role.padEnd(8)} ${a.enabled ? 'enabled ' : 'disabled'}` +
      `${a.lockedUntil ? `  locked until ${a.lockedUntil}` : ''}${a.failedAttempts ? `  ${a.failedAttempts} failed` : ''}` +
      `${a.mustChangePassword ? '  (one-time password)' : ''}  last sign-in ${a.lastSignInAt ?? 'never'}`;
    for (const a of result.operators ?? []) lines.push(row(a));
    if (result.account) lines.push(row(result.account));
    if (typeof result.oneTimePassword === 'string')
      lines.push(
        `one-time password: ${result.oneTimePassword}`,
        'shown only now; it works once: the first sign-in asks for a new password',
      );
    return lines.join('\n');
  },
});
