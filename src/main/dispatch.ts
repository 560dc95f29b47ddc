import type { z } from 'zod';
import { type CallName, contract, isCallName } from '../shared/contract';
import { type CallError, DomainError, type Envelope } from '../shared/envelope';
import { handlers as defaultHandlers } from './handlers';
import type { Handler, HandlerTable } from './handlers/table';
import type { AppServices } from './services';
import { runHandler } from './call-runner';
import { say } from '../shared/error-says';

/**
 * What was wrong with an input, by field: the contract's own words (the field's path, the rule it broke), never a
 * piece of the request — a field this call does not take is counted, not named, so nothing sent is echoed back.
 */
function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(input)',
    message:
      i.code === 'unrecognized_keys'
        ? `${i.keys.length === 1 ? 'a field' : `${i.keys.length} fields`} this call does not take`
        : i.message,
  }));
}

/**
 * Validates a call's input against the contract, runs its handler and wraps the result in an envelope.
 * This is the only way into the handlers, for IPC and HTTP alike.
 */
export async function dispatch(
  name: string,
  rawInput: unknown,
  services: AppServices,
  table: HandlerTable = defaultHandlers,
): Promise<Envelope<unknown>> {
  if (!isCallName(name))
    return { ok: false, error: { code: 'UNKNOWN_CALL', message: 'there is no such call in the contract' } };
  const spec = contract[name];
  const parsed = spec.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    const first = issues[0]!;
    return {
      ok: false,
      error: { code: 'INVALID_INPUT', message: `${name}: ${first.path}: ${first.message}`, details: { issues } },
    };
  }
  try {
    const handler = table[name] as Handler<CallName>;
    const value = await runHandler(services, () => handler(parsed.data as never, services));
    // Outputs are parsed too: only the fields the contract names cross to the renderer (zod objects drop the
    // rest), so a handler that returns a row with more in it cannot leak the extra fields.
    const checked = spec.output.safeParse(value);
    if (!checked.success) {
      const first = issuesOf(checked.error)[0]!;
      return {
        ok: false,
        error: {
          code: 'INTERNAL',
          message: `${name}: the reply does not match the contract at ${first.path}: ${first.message}`,
        },
      };
    }
    return { ok: true, value: checked.data };
  } catch (err) {
    return { ok: false, error: toCallError(err) };
  }
}

export function toCallError(err: unknown): CallError {
  if (err instanceof DomainError)
    return { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  const e = err as { code?: unknown; message?: unknown };
  const known = [
    'INVALID_INPUT',
    'FORBIDDEN',
    'NOT_FOUND',
    'CONFLICT',
    'CANCELLED',
    'SCHEMA_TOO_NEW',
    'BAD_EXPORT',
    'NOT_SIGNED_IN',
  ] as const;
  const code = known.find((k) => k === e.code) ?? 'INTERNAL';
  return { code, message: typeof e.message === 'string' ? e.message : String(err) };
}

/** For handlers that act in an operator's name. */
export function requireOperator(services: AppServices) {
  const op = services.session.operator;
  if (!op) throw new DomainError('NOT_SIGNED_IN', 'sign in as an operator first', say('notSignedIn', {}));
  return op;
}

export type { CallName };
