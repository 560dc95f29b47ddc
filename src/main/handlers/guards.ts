import type { AuditAction } from '../../shared/domain/audit-actions';
import type { CallName, CallOutput, ParsedInput } from '../../shared/contract';
import { type OperatorRole, roleAtLeast } from '../../shared/domain/operator-roles';
import { DomainError } from '../../shared/envelope';
import { say } from '../../shared/error-says';
import { type AuditFacts, withAudit } from '../audit/audit-log';
import { checkOwnPassword } from '../operators/sign-in';
import type { CallContext, OperatorContext, SignedInOperator } from './context';
import type { CheckedJson } from '../checked-reply';

/**
 * Where calls enter: every handler in the table declares who may call it, by wrapping its function —
 *
 *   anyone(fn)        no session needed (who is signed in, signing in and out, what this console can do)
 *   withSession(fn)   any live session, even one that must first replace a one-time password
 *   withOperator(fn)  a signed-in operator: reviewer, lead or admin
 *   leadOnly(fn)      a lead or an admin
 *   adminOnly(fn)     an admin
 *
 * — and, when the call changes something an auditor must see, `{ audited: 'action', facts }` beside it:
 *
 *   withOperator((input, ctx) => …, { audited: 'moderation.decide', facts: (input, out) => ({ subject: … }) })
 *
 * which runs the function and writes the audit row (the session's operator, the action, the facts) in one
 * transaction. `ctx.afterCommit(effect)` is for what must only see committed rows (outbox files). The table's type
 * accepts only declared handlers, so a handler without a declaration does not compile. A refused call answers
 * FORBIDDEN with the role it needs (the refusal itself is audited as 'access.refused'); no session answers
 * NOT_SIGNED_IN. The context (`ctx.session`, `ctx.operator`) is per caller, never per process.
 */

export type Access = 'anyone' | 'session' | OperatorRole;

/** What a handler answers: its call's output, or that output already checked and written (checked-reply.ts). */
type Reply<K extends CallName> = CallOutput<K> | CheckedJson<K> | Promise<CallOutput<K> | CheckedJson<K>>;
export type HandlerFn<K extends CallName, C> = (input: ParsedInput<K>, ctx: C) => Reply<K>;

const declared: unique symbol = Symbol('declared handler');

/** A handler with its declared access: the only thing the handler table accepts. */
export interface DeclaredHandler<K extends CallName> {
  readonly [declared]: true;
  readonly access: Access;
  /** The audit action it writes, or null (for the listing of calls and roles). */
  readonly audit: string | null;
  run(input: ParsedInput<K>, ctx: CallContext): Promise<CallOutput<K> | CheckedJson<K>>;
}

/** FORBIDDEN, naming the least role that may do `what`. The CLI answers with the same error. */
export function requireRole(operator: SignedInOperator, needed: OperatorRole, what: string): void {
  if (roleAtLeast(operator.role, needed)) return;
  throw new DomainError(
    'FORBIDDEN',
    `${what}: needs a ${needed} (${operator.name} is a ${operator.role})`,
    say('roleNeeded', { role: needed }, { needs: needed }),
  );
}

function operatorContext(ctx: CallContext, needed: OperatorRole | 'session', what: string): OperatorContext {
  const session = ctx.session;
  if (!session) throw new DomainError('NOT_SIGNED_IN', 'sign in as an operator first', say('notSignedIn', {}));
  const operator: SignedInOperator = { name: session.name, role: session.role };
  if (needed !== 'session') {
    if (session.mustChangePassword)
      throw new DomainError(
        'FORBIDDEN',
        `${what}: choose a new password first (signed in with a one-time password)`,
        say('mustChangePassword', {}),
      );
    try {
      requireRole(operator, needed, what);
    } catch (refusal) {
      auditRefusal(ctx, operator, needed, what);
      throw refusal;
    }
  }
  ctx.services.sessions.touch(session, ctx.now);
  return { ...ctx, session, operator };
}

/**
 * The call's operator as their account stands now, read inside the transaction that writes. The session was checked
 * when the call arrived, but a call may wait before it writes — for the password it re-enters, for a one-time
 * password's hash, for another writer's lock — and an admin (here or in another process) may disable, lock out or
 * demote the operator meanwhile: what is written must not go through as who they were a moment ago. Refused as a
 * call would be if it arrived now (NOT_SIGNED_IN, FORBIDDEN); nothing is written.
 */
function operatorAtWrite(octx: OperatorContext, needed: OperatorRole | 'session', what: string): OperatorContext {
  const session = octx.services.sessions.check(octx.caller.token, octx.now);
  if (!session || session.id !== octx.session.id)
    throw new DomainError('NOT_SIGNED_IN', 'sign in as an operator first', say('notSignedIn', {}));
  const operator: SignedInOperator = { name: session.name, role: session.role };
  if (needed !== 'session') requireRole(operator, needed, what);
  return { ...octx, session, operator };
}

/** A refused call is worth an auditor's eye (a reviewer trying to unmask); a lock held elsewhere never hides the refusal. */
function auditRefusal(ctx: CallContext, operator: SignedInOperator, needed: OperatorRole, what: string): void {
  try {
    withAudit(
      ctx.services.db,
      { operator: operator.name, action: 'access.refused' },
      () => null,
      () => ({ subject: what, details: { needs: needed, role: operator.role } }),
    );
  } catch (err) {
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
  }
}

/**
 * What an audited handler's row says: its action, and the facts drawn from the input and the result (ids and codes,
 * never PII). `reauthenticate`: the operator re-enters their password first (the input carries it).
 */
export interface AuditSpec<K extends CallName> {
  audited: AuditAction;
  facts?: (input: ParsedInput<K>, output: CallOutput<K>, ctx: OperatorContext) => AuditFacts;
  reauthenticate?: K extends PasswordCall ? boolean : never;
}

/** An audited handler is synchronous: its work and its audit row are one transaction, which cannot span an await. */
export type AuditedFn<K extends CallName> = (input: ParsedInput<K>, ctx: OperatorContext) => CallOutput<K>;

/**
 * Slow work an audited handler needs before its transaction (hashing a new one-time password): run first, outside
 * it, and handed to the handler's function as its third argument.
 */
export interface PreparedAuditSpec<K extends CallName, P> extends AuditSpec<K> {
  prepare: (input: ParsedInput<K>, ctx: OperatorContext) => Promise<P>;
}

interface RoleGuard {
  <K extends CallName>(fn: HandlerFn<K, OperatorContext>): DeclaredHandler<K>;
  <K extends CallName, P>(
    fn: (input: ParsedInput<K>, ctx: OperatorContext, prepared: P) => CallOutput<K>,
    audited: PreparedAuditSpec<K, P>,
  ): DeclaredHandler<K>;
  <K extends CallName>(fn: AuditedFn<K>, audited: AuditSpec<K>): DeclaredHandler<K>;
}

function roleGuard(needed: OperatorRole | 'session'): RoleGuard {
  return <K extends CallName>(
    fn: (input: ParsedInput<K>, ctx: OperatorContext, prepared?: unknown) => Reply<K>,
    spec?: AuditSpec<K> & { prepare?: (input: ParsedInput<K>, ctx: OperatorContext) => Promise<unknown> },
  ): DeclaredHandler<K> => ({
    [declared]: true,
    access: needed,
    audit: spec?.audited ?? null,
    run: async (input, ctx) => {
      const octx = operatorContext(ctx, needed, ctx.call);
      if (!spec) return fn(input, octx);
      if (spec.reauthenticate)
        await checkOwnPassword(ctx.services.db, octx.session, (input as { password: string }).password, ctx.now);
      const prepared = spec.prepare ? await spec.prepare(input, octx) : undefined;
      return withAudit(
        ctx.services.db,
        { operator: octx.operator.name, action: spec.audited },
        () => {
          const output = fn(input, operatorAtWrite(octx, needed, ctx.call), prepared);
          // The overloads keep async functions out; this keeps a cast from sneaking one in past the transaction.
          if (output instanceof Promise) throw new Error(`${ctx.call}: an audited handler must be synchronous`);
          // The overloads type an audited handler's reply as its plain output (AuditedFn): the audit's facts read it.
          return output as CallOutput<K>;
        },
        (output) => spec.facts?.(input, output, octx) ?? {},
      );
    },
  });
}

/** No session needed: who is signed in, signing in and out, what this console can do. */
export function anyone<K extends CallName>(fn: HandlerFn<K, CallContext>): DeclaredHandler<K> {
  return { [declared]: true, access: 'anyone', audit: null, run: async (input, ctx) => fn(input, ctx) };
}
export const withSession = roleGuard('session');
export const withOperator = roleGuard('reviewer');
export const leadOnly = roleGuard('lead');
export const adminOnly = roleGuard('admin');

/** Calls whose input carries the caller's password (re-entered before something sensitive). */
type PasswordCall = { [P in CallName]: ParsedInput<P> extends { password: string } ? P : never }[CallName];
